"""Where each swappable component is looked up, in one place.

Components are found by the ZCA under a name, so a host replaces one by
registering its own (in ZCML or with ``zcron.config`` helpers).
"""
from contextlib import nullcontext

from zope.component import (getAdapter, getGlobalSiteManager, getMultiAdapter,
                            getSiteManager, queryMultiAdapter)
from zope.interface import providedBy

from zcron.interfaces import (ICronManager, ICrontabManager, IJobRunner,
                              IPeriodicityKind, IQueueManager, IQueueMarker,
                              IRegistryManager, IRunEnvironment)

QUEUE_NAME = "zodb"
MARKER_NAME = "zodb"


def root_of(site):
    """zcron's root container holding a site."""
    return site.__parent__


def registry_for(site):
    return getAdapter(site, IRegistryManager, name=site.registry or "zodb")


def load_crontab(site):
    return registry_for(site).load()


def queue_for(root):
    return getAdapter(root, IQueueManager, name=QUEUE_NAME)


def marker_for(root):
    return getAdapter(root, IQueueMarker, name=MARKER_NAME)


def crontab_manager(site, crontab):
    return getMultiAdapter((site, crontab), ICrontabManager)


def cron_manager(site, cron):
    return getMultiAdapter((site, cron), ICronManager)


def cron_manager_factory(site, cron):
    """The ICronManager factory for crons like ``cron``: looked up once for
    a whole crontab instead of once per cron."""
    factory = getSiteManager().adapters.lookup(
        (providedBy(site), providedBy(cron)), ICronManager)
    if factory is None:
        return cron_manager          # let the lookup raise its usual error
    return factory


def query_runner(site, cron):
    return queryMultiAdapter((site, cron), IJobRunner, name=cron.name)


def run_environment(session, site, cron):
    """The host's context manager around one run (see IRunEnvironment),
    yielding the runner's site; without one, the run's site as it is."""
    environment = getGlobalSiteManager().queryUtility(IRunEnvironment)
    return nullcontext(site) if environment is None else environment(session, site, cron)


def registered_periodicity_kinds():
    """{name: IPeriodicityKind} registered, maybe none (``zcron.periodicity.kinds``
    adds the built-ins). Looked up in the global registry, not the current
    site's: a stored schedule text must be read alike by a worker (no site)
    and by the web (maybe in a host's site)."""
    return dict(getGlobalSiteManager().getUtilitiesFor(IPeriodicityKind))
