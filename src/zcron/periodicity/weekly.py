"""The 'weekly' kind: times of day on weekdays, every week or every N weeks
counted from the Monday of an anchor date's week ("every weekday at 09:00",
"every 2 weeks on mon,thu at 09:00 from 2026-03-05")."""
import re

from zcron.periodicity.describe import WEEKDAY_NAMES
from zcron.periodicity.wallkinds import (DAY_NAME, DEFAULT_ANCHOR, Unreadable,
                                         WallKind, WallPeriodicity, anchor_date,
                                         count, day_of, listed, weekday, weekdays)

WORKING_DAYS = (0, 1, 2, 3, 4)
HEADS = ("expected 'weekly on DAYS', 'every weekday', 'every monday' (any "
         "weekday) or 'every N weeks on DAYS'")


class WeeklyPeriodicity(WallPeriodicity):
    """On ``days`` (Monday = 0) of every ``step``-th week, the weeks counted
    from the Monday of ``anchor``'s week; none before ``anchor``."""

    kind = "weekly"
    parts = ("on", "at", "from")

    def read(self, head, parts):
        self.step, self.days = self._head(head, parts.get("on"))
        self.anchor = anchor_date(parts.get("from"))
        self._anchor = self.anchor.toordinal()
        self._monday = self._anchor - self.anchor.weekday()
        # per weekday, the first selected one on or after it, else None
        self._next = tuple(next((d for d in self.days if d >= wd), None) for wd in range(7))

    def _head(self, head, on):
        """(step, days) from the head words and the 'on' text."""
        if head == ["weekly"] or (
                len(head) == 3 and head[0] == "every" and head[2] in ("week", "weeks")):
            if on is None:
                raise Unreadable("say on which days, e.g. 'on mon,thu'")
            return (1 if len(head) < 3 else count(head[1], "weeks")), weekdays(on)
        if len(head) != 2 or head[0] != "every":
            raise Unreadable(HEADS)
        if on is not None:
            raise Unreadable(f"'every {head[1]}' takes no 'on' (use 'weekly on DAYS')")
        if head[1] == "weekday":
            return 1, WORKING_DAYS
        return 1, (weekday(head[1]),)

    def first_day(self, day):
        ordinal = max(day.toordinal(), self._anchor)
        week, wd = divmod(ordinal - self._monday, 7)
        if week % self.step == 0 and self._next[wd] is not None:
            return day_of(ordinal - wd + self._next[wd])
        week += -week % self.step or self.step
        return day_of(self._monday + 7 * week + self.days[0])

    def describe(self):
        names = listed([WEEKDAY_NAMES[d] for d in self.days])
        if self.step > 1:
            every = f"every {self.step} weeks on {names}"
        elif self.days == WORKING_DAYS:
            every = "every weekday"
        else:
            every = "every day" if len(self.days) == 7 else f"every {names}"
        since = "" if self.anchor == DEFAULT_ANCHOR else f" from {self.anchor}"
        return f"{every} {self.at()}{since}"

class WeeklyKind(WallKind):
    """On weekdays of every week, or of every N weeks, at times of day."""

    words = ("every", "weekly")
    title = "weekly schedule"
    example = "every weekday at 09:00"
    pattern = re.compile(rf"weekly\b|every\s+(weekday|{DAY_NAME}|\d+\s+weeks?)\b",
                         re.IGNORECASE)
    factory = WeeklyPeriodicity


WEEKLY = WeeklyKind()
