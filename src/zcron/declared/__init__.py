"""Jobs declared where developers write them (entry points, decorators,
ZCML, scheduler.ini), and kept in step with every site they name.

A *source* (an ``IDeclarationSource`` named utility) gives ``Declaration``
values; ``declarations()`` gathers those of every registered source.
"""
from zope.component import getUtilitiesFor

from zcron.declared.declaration import ALL_SITES, ORIGINS, Declaration
from zcron.declared.runners import callable_runner
from zcron.exceptions import InvalidInput
from zcron.interfaces import IDeclarationSource

__all__ = ["ALL_SITES", "ORIGINS", "Declaration", "callable_runner", "declarations"]


def declarations():
    """Every registered source's declarations, checked, by identity; two
    with one identity are refused, naming both places."""
    found = {}
    for _, source in sorted(getUtilitiesFor(IDeclarationSource), key=lambda item: item[0]):
        for declaration in source.declarations():
            twin = found.get(declaration.identity)
            if twin is not None:
                raise InvalidInput("declaration", declaration.name,
                                   f"declared twice: at {twin.source} and at "
                                   f"{declaration.source}")
            found[declaration.identity] = declaration.check()
    return list(found.values())
