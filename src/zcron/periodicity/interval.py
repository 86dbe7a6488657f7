"""The 'interval' kind: every N seconds, minutes or hours of elapsed time,
counted from an anchor instant (default the Unix epoch), so DST never moves
them and every worker computes the same fire times without state."""
import re
from datetime import timedelta

from zcron.periodicity.base import Periodicity, check_aware
from zcron.periodicity.reading import WordedKind, folded, invalid, read_instant, wall_text
from zcron.periodicity.zone import EPOCH, from_instant, load_zone, to_instant

RECOGNISED = re.compile(r"every\s+(\d+\s+)?(second|minute|hour)s?\b")
FORM = re.compile(r"every (?:(\d+) )?(second|minute|hour)s?(?: from (.+))?")
SECONDS = {"second": 1, "minute": 60, "hour": 3600}
EXPECTED = ("expected 'every N seconds', 'every N minutes' or 'every N hours' "
            "(N a whole number >= 1), optionally 'from 2026-01-01 00:00'")


class IntervalPeriodicity(Periodicity):
    """Fire times anchor + k * step: plain arithmetic on instants."""

    kind = "interval"

    def __init__(self, expression, timezone="UTC"):
        match = FORM.fullmatch(folded(expression))
        if not match:
            raise invalid(expression, EXPECTED)
        count, unit, start = match.groups()
        self.count, self.unit = int(count or 1), unit
        if self.count < 1:
            raise invalid(expression, f"the interval must be at least 1 {unit}")
        try:
            self.step = timedelta(seconds=self.count * SECONDS[unit])
        except OverflowError:
            raise invalid(expression, "the interval is too long") from None
        self.tzinfo = load_zone(timezone)
        self.anchor, self.start = EPOCH, None
        normal = f"every {self.count} {unit}s" if self.count > 1 else f"every {unit}"
        if start is not None:
            self.anchor, self.start = read_instant(start, self.tzinfo, expression)
            normal += f" from {self.start}"
        super().__init__(normal, timezone)

    def next_fire_time(self, after):
        """First anchor + k * step strictly after ``after`` (k >= 0 when
        the text names its anchor), aware in our zone, or None."""
        check_aware("after", after)
        try:
            steps = (to_instant(after) - self.anchor) // self.step + 1
            if steps < 0 and self.start is not None:
                steps = 0
            return from_instant(self.anchor + steps * self.step, self.tzinfo)
        except OverflowError:
            return None

    def describe(self):
        """'every 15 minutes', 'every hour, from 2026-01-01 08:00 (Europe/Zurich)'."""
        words = self.expression.partition(" from ")[0]
        if self.start is None:
            return words
        start = from_instant(self.anchor, self.tzinfo)
        return f"{words}, from {wall_text(start)} ({self.timezone})"


class IntervalKind(WordedKind):
    """Elapsed-time intervals: 'every 15 minutes', 'every hour'."""

    words = ("every",)
    title = "interval"
    example = "every 15 minutes"
    pattern = RECOGNISED
    factory = IntervalPeriodicity


INTERVAL = IntervalKind()
