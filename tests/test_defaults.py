"""zcron.defaults: one table, registered alike by ``configure()`` (no ZCML)
and by ``configure.zcml`` (``<zcron:defaults />``)."""
from zope.component import getGlobalSiteManager


def registrations():
    """What the global registry holds, comparable across two loads: a
    utility made by a factory compared by its class; left out, the
    interfaces ZCML registers by their dotted names (nothing looks them up)."""
    from zope.interface.interfaces import IInterface
    from zcron.declared.store import HeldDeclarations
    registry = getGlobalSiteManager()
    utilities = {(r.provided, r.name, type(r.component)
                  if isinstance(r.component, HeldDeclarations) else r.component)
                 for r in registry.registeredUtilities() if r.provided is not IInterface}
    adapters = {(r.required, r.provided, r.name, r.factory)
                for r in registry.registeredAdapters()}
    handlers = [(r.required, r.handler) for r in registry.registeredHandlers()]
    return utilities, adapters, handlers


def test_the_table_and_the_zcml_register_the_same(clean_zca):
    from zope.component.testing import setUp
    from zcron import defaults
    from zcron.testing import setup_components
    defaults.register()
    direct = registrations()
    setUp()
    setup_components()
    assert registrations() == direct
    utilities, adapters, handlers = direct
    assert len(utilities) == 10 and len(adapters) == 6 and len(handlers) == 9


def test_each_factory_utility_is_its_own(clean_zca):
    from zcron import defaults
    from zcron.interfaces import IDeclarationSource
    defaults.register()
    registry = getGlobalSiteManager()
    decorator, zcml = (registry.getUtility(IDeclarationSource, name)
                       for name in ("decorator", "zcml"))
    assert type(decorator) is type(zcml) and decorator is not zcml


def test_no_zcml_is_parsed_without_a_host_file(clean_zca):
    import subprocess
    import sys
    code = ("import sys, zcron.config; zcron.config.configure(); "
            "print(sorted(m for m in sys.modules if m.startswith(('zope.configuration', "
            "'xml.', 'importlib.metadata'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
