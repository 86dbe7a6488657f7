"""When crons fire: stateless periodicities, handed ``after`` instead of a
clock, each read from its schedule text by a kind found in the registry
(``kind_for``): ``get_periodicity(text, timezone)`` is the way in."""
from functools import lru_cache

from zope.component import getGlobalSiteManager

from zcron.components import registered_periodicity_kinds
from zcron.exceptions import InvalidInput
from zcron.periodicity.base import Periodicity, PeriodicityKind, leading_word
from zcron.periodicity.cron import CRON, CronKind, CronPeriodicity
from zcron.periodicity.daily import DAILY
from zcron.periodicity.interval import INTERVAL
from zcron.periodicity.monthly import MONTHLY
from zcron.periodicity.once import ONCE
from zcron.periodicity.weekly import WEEKLY

__all__ = ["BUILTIN_KINDS", "FALLBACK_KIND", "CronKind", "CronPeriodicity",
           "Periodicity", "PeriodicityKind", "get_periodicity", "kind_for",
           "kinds"]

# zcron's own kinds: what a registry without them (or without any) offers.
BUILTIN_KINDS = {
    "cron": CRON,
    "daily": DAILY,
    "interval": INTERVAL,
    "monthly": MONTHLY,
    "once": ONCE,
    "weekly": WEEKLY,
}
# Asked last, and reads every text that no other kind recognises.
FALLBACK_KIND = "cron"
# Where kinds are registered (see components.registered_periodicity_kinds):
# the same object for the life of the process, even across registry resets.
_REGISTRY = getGlobalSiteManager()


def kinds():
    """name -> IPeriodicityKind available, in the order a text is offered
    them: zcron's built-ins, each replaced by the kind registered under its
    name, plus the other registered kinds; by name, FALLBACK_KIND last."""
    available = dict(BUILTIN_KINDS)
    available.update(registered_periodicity_kinds())
    fallback = available.pop(FALLBACK_KIND)
    ordered = {name: available[name] for name in sorted(available)}
    ordered[FALLBACK_KIND] = fallback
    return ordered


def kind_for(text):
    """The IPeriodicityKind that reads ``text``: the first of ``kinds()``
    that recognises it, else the fallback kind (see IPeriodicityKind).

    A text no kind recognises but starting with a word some kind declares
    ('every fortnight') is an unknown form of those kinds, not a bad cron
    expression: InvalidInput then lists their examples.
    """
    available = kinds()
    for kind in available.values():
        if kind.recognises(text):
            return kind
    word = leading_word(text)
    forms = [repr(kind.example) for kind in available.values()
             if word and word in getattr(kind, "words", ())]
    if forms:
        raise InvalidInput("periodicity", text,
                           f"expected a schedule like {', '.join(forms)}")
    return available[FALLBACK_KIND]


def get_periodicity(expression, timezone="UTC"):
    """A shared IPeriodicity of the schedule text ``expression`` in the IANA
    zone ``timezone``, read by its kind (``kind_for``); raises InvalidInput.

    Cached, as parsing costs far more than a fire time. The entries are
    keyed by the global registry's utilities and their generation, which
    every registration and unregistration bumps (and a registry reset
    replaces the utilities): a kind added, replaced or removed is seen by
    the next call, never shadowed by an entry read before.
    """
    utilities = _REGISTRY.utilities
    return _shared(utilities, utilities._generation, expression, timezone)


def _read(utilities, generation, expression, timezone):
    return kind_for(expression).periodicity(expression, timezone)


# Behind a plain function so that positional and keyword calls share entries.
_shared = lru_cache(maxsize=4096)(_read)
