"""zcron's default components, in one table: ``configure()`` registers it
directly (no ZCML parsed: 10 ms and 0.5 MB, where parsing took 43 ms and
4.5 MB, for every command and worker), and ``configure.zcml`` through
``<zcron:defaults />``, so that ZCML hosts keep ZCML's conflict checks and
overrides."""
from zope.component import getGlobalSiteManager
from zope.interface import Interface


def table():
    """(utilities, adapters, subscribers): a utility is (interface, name,
    component, factory), one of the last two None; an adapter (factory,
    name); a subscriber its handler. What adapters and handlers adapt and
    provide, they declare themselves."""
    from zcron import sync
    from zcron.declared import ini, plugins, store
    from zcron.interfaces import IDeclarationSource, IPeriodicityKind
    from zcron.model import digest
    from zcron.periodicity import cron, daily, interval, monthly, once, weekly
    from zcron.queue import ZODBQueueManager, ZODBQueueMarker
    from zcron.registry import JSONFileRegistryManager, ZODBRegistryManager
    kinds = {"cron": cron.CRON, "daily": daily.DAILY, "weekly": weekly.WEEKLY,
             "monthly": monthly.MONTHLY, "interval": interval.INTERVAL, "once": once.ONCE}
    utilities = [(IPeriodicityKind, name, kind, None) for name, kind in kinds.items()]
    utilities += [(IDeclarationSource, "plugin", plugins.PLUGINS, None),
                  (IDeclarationSource, "decorator", None, store.HeldDeclarations),
                  (IDeclarationSource, "zcml", None, store.HeldDeclarations),
                  (IDeclarationSource, "ini", ini.SCHEDULER_INI, None)]
    adapters = [(ZODBRegistryManager, "zodb"), (JSONFileRegistryManager, "json"),
                (ZODBQueueManager, "zodb"), (ZODBQueueMarker, "zodb"),
                (sync.CrontabManager, ""), (sync.CronManager, "")]
    subscribers = [sync.on_modified_crontab, sync.on_crontab_synchronisation,
                   sync.on_server_restart, digest.on_server_restart]
    return utilities, adapters, subscribers


def zope_component_handlers():
    """What zope.component's own configure.zcml (which zcron's includes)
    subscribes: object events and registration events passed on."""
    from zope.component import event, registry
    return [event.objectEventNotify, registry.dispatchUtilityRegistrationEvent,
            registry.dispatchAdapterRegistrationEvent,
            registry.dispatchSubscriptionAdapterRegistrationEvent,
            registry.dispatchHandlerRegistrationEvent]


def register():
    """The table, and zope.component's handlers, in the global registry."""
    registry = getGlobalSiteManager()
    utilities, adapters, subscribers = table()
    for handler in zope_component_handlers() + subscribers:
        registry.registerHandler(handler)
    for provided, name, component, factory in utilities:
        registry.registerUtility(component if factory is None else factory(), provided, name)
    for factory, name in adapters:
        registry.registerAdapter(factory, name=name)


class IDefaultsDirective(Interface):
    """``<zcron:defaults />``: no attributes."""


def defaults_directive(_context):
    """The table as ZCML actions, as if each were written out."""
    from zope.component.zcml import adapter, subscriber, utility
    utilities, adapters, subscribers = table()
    for provided, name, component, factory in utilities:
        utility(_context, provides=provided, component=component, factory=factory, name=name)
    for factory, name in adapters:
        adapter(_context, [factory], name=name)
    for handler in subscribers:
        subscriber(_context, handler=handler)
