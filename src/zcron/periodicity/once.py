"""The 'once' kind: one instant, 'once at 2026-12-24 18:00' (read in the
cron's zone) or with its offset; after it, the periodicity never fires."""
import re

from zcron.periodicity.base import Periodicity, check_aware
from zcron.periodicity.reading import (INSTANT_FORM, WordedKind, folded, invalid,
                                       read_instant, wall_text)
from zcron.periodicity.zone import from_instant, load_zone, to_instant

RECOGNISED = re.compile(r"once\b")
FORM = re.compile(r"once at (.+)")


class OncePeriodicity(Periodicity):
    """Fires at one instant, if ``after`` is before it."""

    kind = "once"
    finite = True

    def __init__(self, expression, timezone="UTC"):
        match = FORM.fullmatch(folded(expression))
        if not match:
            raise invalid(expression, f"expected 'once at' and {INSTANT_FORM}")
        self.tzinfo = load_zone(timezone)
        self.instant, written = read_instant(match.group(1), self.tzinfo, expression)
        try:
            self.at = from_instant(self.instant, self.tzinfo)
        except OverflowError:
            raise invalid(expression, f"{written!r} is out of range in {timezone}") from None
        super().__init__(f"once at {written}", timezone)

    def next_fire_time(self, after):
        """The instant, aware in our zone, if strictly after ``after``; else None."""
        check_aware("after", after)
        # as instants: in our own zone, < would compare wall times, fold ignored
        return self.at if to_instant(after) < self.instant else None

    def describe(self):
        """'once, on 2026-12-24 at 18:00 (Europe/Zurich)'."""
        day, time = wall_text(self.at).split(" ")
        return f"once, on {day} at {time} ({self.timezone})"


class OnceKind(WordedKind):
    """One instant: 'once at 2026-12-24 18:00'."""

    words = ("once",)
    title = "once"
    example = "once at 2026-12-24 18:00"
    pattern = RECOGNISED
    factory = OncePeriodicity


ONCE = OnceKind()
