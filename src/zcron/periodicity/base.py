"""What every kind of periodicity shares: the Periodicity and PeriodicityKind
bases, so schedulers need not know the kind."""
from datetime import datetime, timezone
from itertools import islice, takewhile

from zope.interface import implementer

from zcron.exceptions import InvalidInput
from zcron.interfaces import IPeriodicity, IPeriodicityKind


def check_aware(field, value):
    """Fire times are instants: a naive datetime names no instant."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidInput(field, value, "must be timezone-aware")


def leading_word(text):
    """The first word of ``text``, lowercased; '' if none (or not text)."""
    if not isinstance(text, str):
        return ""
    words = text.split(None, 1)
    return words[0].lower() if words else ""


@implementer(IPeriodicityKind)
class PeriodicityKind:
    """A kind that recognises its texts by their first word, in any case.

    A subclass lists those ``words`` and implements ``periodicity``; it is
    registered as a named utility (see ``IPeriodicityKind``).
    """

    words = ()
    title = ""
    example = ""

    def recognises(self, text):
        return leading_word(text) in self.words

    def periodicity(self, text, timezone="UTC"):
        raise NotImplementedError

    def __repr__(self):
        return f"<{type(self).__name__} {self.title!r}>"


@implementer(IPeriodicity)
class Periodicity:
    """Stateless: each answer is computed from ``after``, never from a clock.

    Instances are immutable values, equal when kind, expression and time
    zone are, so they can be shared and used as keys.
    """

    kind = None
    finite = False

    def __init__(self, expression, timezone):
        self.expression = expression
        self.timezone = timezone

    def next_fire_time(self, after):
        """First fire time strictly after the aware datetime ``after``."""
        raise NotImplementedError

    def fire_times(self, after, n=None, until=None):
        """Iterate fire times after ``after``: at most ``n``, none after ``until``."""
        check_aware("after", after)
        if until is not None:
            check_aware("until", until)
            # A UTC bound compares by instant; one in our own zone would
            # compare wall clocks and ignore ``fold``.
            until = until.astimezone(timezone.utc)
        if n is not None and (not isinstance(n, int) or n < 0):
            raise InvalidInput("n", n, "must be a whole number >= 0")
        times = self._successive(after)
        if until is not None:
            times = takewhile(lambda fire: fire <= until, times)
        return times if n is None else islice(times, n)

    def _successive(self, after):
        fire = self.next_fire_time(after)
        while fire is not None:
            yield fire
            fire = self.next_fire_time(fire)

    def _key(self):
        return (self.kind, self.expression, self.timezone)

    def __eq__(self, other):
        if not isinstance(other, Periodicity):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return (f"{type(self).__name__}({self.expression!r}, "
                f"timezone={self.timezone!r})")
