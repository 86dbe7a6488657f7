"""Declarations held by the component registry: those added when a host's
ZCML is loaded (``<zcron:cron>``) or a package scanned (``@zcron.cronjob``),
kept by the ``IDeclarationSource`` utility of their origin, so that a fresh
registry starts with none. Also where a declared callable becomes the
runner its crons run."""
from zope.component import getGlobalSiteManager
from zope.interface import implementer

from zcron.config import add_runner
from zcron.declared.runners import callable_runner
from zcron.exceptions import InvalidInput
from zcron.interfaces import IDeclarationSource


@implementer(IDeclarationSource)
class HeldDeclarations:
    """The declarations of one origin, by name, as they were added."""

    def __init__(self):
        self._held = {}

    def add(self, declaration):
        """Keep ``declaration``; the same one added again (a package scanned
        twice) replaces itself, another of that name is refused."""
        twin = self._held.get(declaration.name)
        if twin is not None and twin.source != declaration.source:
            raise InvalidInput("declaration", declaration.name,
                               f"declared twice: at {twin.source} and at {declaration.source}")
        self._held[declaration.name] = declaration

    def declarations(self):
        return list(self._held.values())


def held(origin):
    """The registry's source of ``origin`` ('zcml', 'decorator'), registered
    now when zcron's configure.zcml was not loaded."""
    registry = getGlobalSiteManager()
    source = registry.queryUtility(IDeclarationSource, name=origin)
    if source is None:
        source = HeldDeclarations()
        registry.registerUtility(source, IDeclarationSource, name=origin)
    return source


def register_callable(declaration, func):
    """``func`` as the runner named ``declaration.runner``."""
    add_runner(declaration.runner, callable_runner(func))


def hold(declaration, func=None):
    """Check ``declaration`` (InvalidInput names where it is declared), keep
    it, and register ``func``, when given, as its runner."""
    held(declaration.origin).add(declaration.check())
    if func is not None:
        register_callable(declaration, func)
