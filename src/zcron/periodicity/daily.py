"""The 'daily' kind: times of day every day or every N days counted from
an anchor date ("every 2 days at 08:00,12:30 from 2026-03-01")."""
import re

from zcron.periodicity.wallkinds import (DEFAULT_ANCHOR, Unreadable, WallKind,
                                         WallPeriodicity, anchor_date, count,
                                         day_of)


class DailyPeriodicity(WallPeriodicity):
    """Every ``step`` days from ``anchor`` (none before it), at ``times``."""

    kind = "daily"

    def read(self, head, parts):
        if head == ["every", "day"]:
            self.step = 1
        elif len(head) == 3 and head[0] == "every" and head[2] in ("day", "days"):
            self.step = count(head[1], "days")
        else:
            raise Unreadable("expected 'every day' or 'every N days', "
                             "then 'at HH:MM' and 'from YYYY-MM-DD' if wanted")
        self.anchor = anchor_date(parts.get("from"))
        self._anchor = self.anchor.toordinal()

    def first_day(self, day):
        days = day.toordinal() - self._anchor
        if days <= 0:
            return self.anchor
        return day_of(day.toordinal() + -days % self.step)

    def describe(self):
        every = "every day" if self.step == 1 else f"every {self.step} days"
        since = "" if self.anchor == DEFAULT_ANCHOR else f" from {self.anchor}"
        return f"{every} {self.at()}{since}"


class DailyKind(WallKind):
    """Every day, or every N days, at times of day."""

    words = ("every",)
    title = "daily schedule"
    example = "every day at 09:00"
    pattern = re.compile(r"every\s+(\d+\s+days?|day)\b", re.IGNORECASE)
    factory = DailyPeriodicity


DAILY = DailyKind()
