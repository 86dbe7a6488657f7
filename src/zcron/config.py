"""Configuration helpers, so hosts need not call the ZCA registry directly.

ZCML hosts write ``<include package="zcron" />`` and ``<adapter .../>``;
Python hosts call ``configure()``, ``add_runner()``, ``add_subscriber()`` and
``add_periodicity_kind()``.
"""
import difflib
import importlib
import os
from collections.abc import Callable
from types import ModuleType

import zope.component.event  # noqa: F401  (routes zope.event to subscribers)
from zope.component import getGlobalSiteManager
from zope.interface import Interface
from zope.interface.interface import InterfaceClass

import zcron
import zcron.defaults
from zcron.exceptions import InvalidInput
from zcron.interfaces import ICron, IJobRunner, IPeriodicityKind

_configured = []          # "zcron", then each host file configure loaded
_context = None           # the host files' configuration context, once one is


def configure(*zcml_files: str) -> None:
    """Load zcron's default components, then each host ZCML file (a path).
    Safe to call again with other files: each file is loaded once."""
    if not _configured:
        zcron.defaults.register()        # no ZCML parsed unless a host has some
        _configured.append("zcron")
    for path in zcml_files:
        path = os.path.abspath(path)
        if path in _configured:
            continue
        if not os.path.isfile(path):
            raise InvalidInput("zcml", path, "no such file")
        _load_host_file(path, " ".join(zcml_files))
        _configured.append(path)


def _load_host_file(path, named):
    from zope.configuration import xmlconfig
    from zope.configuration.config import ConfigurationExecutionError
    from zope.configuration.exceptions import ConfigurationError
    try:
        xmlconfig.file(path, package=package_of(path), context=_host_context())
    except (ConfigurationError, ConfigurationExecutionError) as e:
        raise InvalidInput("zcml", named, " ".join(str(e).split())) from None


def _host_context():
    """The configuration context host files share: the directives of
    zope.component and zcron known, and the files that
    ``zcron.defaults.register`` stands for counted as loaded, so that a
    host's ``<include package="zcron" />`` adds nothing twice."""
    global _context
    if _context is None:
        from zope.configuration import config, xmlconfig
        context = config.ConfigurationMachine()
        xmlconfig.registerCommonDirectives(context)
        for package in (zope.component, zcron):
            xmlconfig.include(context, "meta.zcml", package)
            context.processFile(os.path.join(os.path.dirname(package.__file__),
                                             "configure.zcml"))
        # A host file outside any package must not resolve its
        # leading-dot names against zcron.
        context.package = None
        _context = context
    return _context


def package_of(path: str) -> ModuleType | None:
    """The importable package a ZCML file lives in, so that its relative
    names (``factory=".jobs.X"``) resolve against it; None if there is none."""
    directory = os.path.dirname(os.path.abspath(path))
    parts, here = [], directory
    while os.path.isfile(os.path.join(here, "__init__.py")):
        parts.insert(0, os.path.basename(here))
        here = os.path.dirname(here)
    for start in range(len(parts)):        # the longest importable dotted name
        try:
            module = importlib.import_module(".".join(parts[start:]))
        except ImportError:
            continue
        if os.path.dirname(os.path.abspath(module.__file__)) == directory:
            return module
    return None


def reset() -> None:
    """Forget what ``configure`` loaded (tests)."""
    global _context
    del _configured[:]
    _context = None


def add_runner(name: str, factory: Callable[[object, object], object],
               site_interface: InterfaceClass = Interface) -> None:
    """Register ``factory(site, cron)`` as the job runner called ``name``."""
    getGlobalSiteManager().registerAdapter(
        factory, (site_interface, ICron), IJobRunner, name=name)


def add_periodicity_kind(name: str, kind: object) -> None:
    """Register ``kind`` (an IPeriodicityKind) as the kind of schedule text
    called ``name``: a new kind, or a replacement of the one of that name.
    Kinds live in the global registry: a worker and the dashboard must read
    a stored text alike."""
    getGlobalSiteManager().registerUtility(kind, IPeriodicityKind, name=name)


def add_subscriber(handler: Callable[[object], object],
                   event_interface: InterfaceClass) -> None:
    """Call ``handler(event)`` for every event providing ``event_interface``."""
    getGlobalSiteManager().registerHandler(handler, (event_interface,))


def runner_names() -> list[str]:
    """Names of the registered job runners, sorted."""
    registry = getGlobalSiteManager()
    return sorted({reg.name for reg in registry.registeredAdapters()
                   if reg.provided.isOrExtends(IJobRunner) and reg.name})


def check_runner_name(name, names=None, insist=""):
    """Refuse a cron's runner name no runner is registered under (a typo
    would log NOTRUN at every fire), naming the closest registered names.
    Any name passes while none is registered: without the host's ZCML or
    plugins loaded, nothing is known to compare with. ``insist``: how the
    caller's user accepts an unknown name anyway, added to the reason."""
    names = sorted(set(runner_names() if names is None else names))
    if not names or name in names:
        return
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    known = (f"closest: {', '.join(close)}" if close else
             f"registered: {', '.join(names[:8])}" + (", ..." if len(names) > 8 else ""))
    raise InvalidInput("runner name", name, f"no runner is registered under this name "
                                            f"({known})" + (f"; {insist}" if insist else ""))
