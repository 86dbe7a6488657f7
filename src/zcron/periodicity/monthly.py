"""The 'monthly' kind: times of day on one day of each month, or of every N
months counted from an anchor month that fires ("monthly on day 15 at
09:00", "every 3 months on the last friday at 17:00 from 2026-01"). A day
a month does not have does not fire that month, as in cron."""
import re
from datetime import MAXYEAR, date

from zcron.periodicity.describe import MONTH_NAMES, WEEKDAY_NAMES
from zcron.periodicity.wallclock import days_in_month
from zcron.periodicity.wallkinds import (Unreadable, WallKind, WallPeriodicity,
                                         count, listed, weekday)

ORDINALS = ("first", "second", "third", "fourth", "fifth")
LAST = "last"
MONTH = re.compile(r"(\d{4})-(\d\d)")
DAYS = ("expected 'on day N' (1 to 31), 'on the last day' or 'on the "
        "first|second|third|fourth|fifth|last monday' (any weekday)")
END = MAXYEAR * 12 + 11          # the last month index datetime holds
DEFAULT_ANCHOR = 1970 * 12       # January 1970


class MonthlyPeriodicity(WallPeriodicity):
    """On one day of every ``step``-th month from the ``anchor`` month
    (year * 12 + month - 1), none before it: day ``day`` (1..31, or LAST),
    or the ``nth`` (1..5, or LAST) ``weekday`` (Monday = 0)."""

    kind = "monthly"
    parts = ("on", "at", "from")

    def read(self, head, parts):
        if head == ["monthly"]:
            self.step = 1
        elif len(head) == 3 and head[0] == "every" and head[2] in ("month", "months"):
            self.step = count(head[1], "months")
        else:
            raise Unreadable("expected 'monthly on ...' or 'every N months on ...'")
        if "on" not in parts:
            raise Unreadable(DAYS)
        self.day, self.nth, self.weekday = _day_rule(parts["on"].split(" "))
        self.anchor = _anchor_month(parts.get("from"))
        if self._day_from(self.anchor, 1) is None:
            raise Unreadable("it never fires: none of its months has that day")

    def first_day(self, day):
        index = day.year * 12 + day.month - 1
        if index < self.anchor:
            return self._day_from(self.anchor, 1)
        behind = (index - self.anchor) % self.step
        if behind:
            return self._day_from(index + self.step - behind, 1)
        return self._day_from(index, day.day)

    def _day_from(self, index, first):
        """The first selected date on or after day ``first`` of month
        ``index`` (a selected one), or None."""
        while index <= END:
            year, month = divmod(index, 12)
            found = self._day_in(year, month + 1)
            if found is not None and found >= first:
                return date(year, month + 1, found)
            index, first = index + self.step, 1
        return None

    def _day_in(self, year, month):
        """The rule's day of that month, or None if the month has none."""
        last = days_in_month(year, month)
        if self.weekday is None:
            day = last if self.day == LAST else self.day
        elif self.nth == LAST:
            day = last - (date(year, month, last).weekday() - self.weekday) % 7
        else:
            day = 1 + (self.weekday - date(year, month, 1).weekday()) % 7 \
                + 7 * (self.nth - 1)
        return day if day <= last else None

    def describe(self):
        if self.weekday is None:
            day = "the last day" if self.day == LAST else f"day {self.day}"
        else:
            nth = LAST if self.nth == LAST else ORDINALS[self.nth - 1]
            day = f"the {nth} {WEEKDAY_NAMES[self.weekday]}"
        return f"on {day} of {self._months()} {self.at()}"

    def _months(self):
        year, month = divmod(self.anchor, 12)
        since = f" from {MONTH_NAMES[month]} {year}"
        if self.step > 1 and 12 % self.step:
            return f"every {self.step} months{since}"
        if self.anchor == DEFAULT_ANCHOR:
            since = ""
        if self.step == 1:
            return "each month" + since
        return listed([MONTH_NAMES[m] for m in range(month % self.step, 12, self.step)]) + since

def _day_rule(words):
    """(day, nth, weekday) of the words after 'on'."""
    if len(words) == 2 and words[0] == "day":
        if not words[1].isdigit() or not 1 <= int(words[1]) <= 31:
            raise Unreadable(f"day {words[1]} is not a day of the month (1 to 31)")
        return int(words[1]), None, None
    if len(words) != 3 or words[0] != "the":
        raise Unreadable(DAYS)
    if words[1:] == [LAST, "day"]:
        return LAST, None, None
    if words[1] == LAST:
        return None, LAST, weekday(words[2])
    if words[1] not in ORDINALS:
        raise Unreadable(f"{words[1]!r} is not first, second, third, fourth, "
                         "fifth or last")
    return None, ORDINALS.index(words[1]) + 1, weekday(words[2])


def _anchor_month(text):
    """The month index of 'YYYY-MM', or January 1970 if None."""
    if text is None:
        return DEFAULT_ANCHOR
    match = MONTH.fullmatch(text)
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        raise Unreadable(f"{text!r} after 'from' is not a month (YYYY-MM)")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


class MonthlyKind(WallKind):
    """On one day of each month, or of every N months, at times of day."""

    words = ("every", "monthly")
    title = "monthly schedule"
    example = "monthly on the last friday at 17:00"
    pattern = re.compile(r"monthly\b|every\s+\d+\s+months?\b", re.IGNORECASE)
    factory = MonthlyPeriodicity


MONTHLY = MonthlyKind()
