"""The next matching wall-clock reading, computed from the value sets,
and the days the Quartz day rules (L, LW, nW; d#n, dL) select in a month.

croniter's own iteration costs tens of microseconds a step; this one only
bisects sorted values and walks at most one month of days per selected
month. It knows nothing of time zones: see ``zone``.
"""
from bisect import bisect_left, bisect_right
from datetime import MAXYEAR, date, datetime

DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
LAST = -1           # (weekday, LAST): the last such weekday of the month
SATURDAY, SUNDAY = 6, 0
# 28 years within 1901-2099: each month starts on each weekday, February
# leap or not
CALENDAR_CYCLE = range(2001, 2029)
MONTHS_KEPT = 64


def days_in_month(year, month):
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return DAYS_IN_MONTH[month - 1]


class WallClock:
    """Finds naive datetimes whose fields are all selected by a cron."""

    def __init__(self, fields):
        self.seconds = fields.seconds
        self.minutes = fields.minutes
        self.hours = fields.hours
        self.months = fields.months
        self.days = fields.days
        self.month_set = frozenset(fields.months)
        self.day_selected = tuple(day in fields.days for day in range(32))
        self.weekday_selected = tuple(wd in fields.weekdays for wd in range(7))
        self.days_either = fields.days_either
        # Only the day of month matters when every weekday is allowed and
        # both must match: then days are found by bisection.
        self.days_only = not fields.days_either and all(self.weekday_selected)

    def next_after(self, wall):
        """First selected reading strictly after ``wall`` (whole seconds), or None."""
        year, month, day = wall.year, wall.month, wall.day
        if month in self.month_set and self._selects_date(year, month, day, wall):
            time = self._time_after(wall.hour, wall.minute, wall.second)
            if time is not None:
                return datetime(year, month, day, *time)
        found = self._day_after(year, month, day)
        if found is None:
            return None
        return datetime(*found, self.hours[0], self.minutes[0], self.seconds[0])

    def _time_after(self, hour, minute, second):
        if hour in self.hours:
            if minute in self.minutes:
                i = bisect_right(self.seconds, second)
                if i < len(self.seconds):
                    return hour, minute, self.seconds[i]
            i = bisect_right(self.minutes, minute)
            if i < len(self.minutes):
                return hour, self.minutes[i], self.seconds[0]
        i = bisect_right(self.hours, hour)
        if i < len(self.hours):
            return self.hours[i], self.minutes[0], self.seconds[0]
        return None

    def _day_after(self, year, month, day):
        """First selected (year, month, day) strictly after the given day."""
        first = day + 1
        while year <= MAXYEAR:
            if month in self.month_set:
                found = self._day_in_month(year, month, first)
                if found is not None:
                    return year, month, found
            i = bisect_right(self.months, month)
            if i < len(self.months):
                month = self.months[i]
            else:
                year, month = year + 1, self.months[0]
            first = 1
        return None

    def _day_in_month(self, year, month, first):
        """First selected day >= ``first`` in that month, or None."""
        last = days_in_month(year, month)
        if self.days_only:
            i = bisect_left(self.days, first)
            if i < len(self.days) and self.days[i] <= last:
                return self.days[i]
            return None
        if first > last:
            return None
        weekday = date(year, month, first).isoweekday() % 7   # 0 = Sunday
        for day in range(first, last + 1):
            if self._selects(day, weekday):
                return day
            weekday = (weekday + 1) % 7
        return None

    def _selects_date(self, year, month, day, wall):
        return self._selects(day, wall.isoweekday() % 7)

    def _selects(self, day, weekday):
        if self.days_either:
            return self.day_selected[day] or self.weekday_selected[weekday]
        return self.day_selected[day] and self.weekday_selected[weekday]


class CalendarClock(WallClock):
    """A WallClock whose day fields hold rules: the days each month selects
    are computed once, and kept for the months in use."""

    def __init__(self, fields):
        super().__init__(fields)
        self.fields = fields
        self._months = {}

    def _selects_date(self, year, month, day, wall):
        return day in self._month(year, month)

    def _day_in_month(self, year, month, first):
        days = self._month(year, month)
        i = bisect_left(days, first)
        return days[i] if i < len(days) else None

    def _month(self, year, month):
        days = self._months.get((year, month))
        if days is None:
            if len(self._months) >= MONTHS_KEPT:
                self._months.clear()
            days = self._months[year, month] = month_days(self.fields, year, month)
        return days


def wallclock_for(fields):
    """The cheaper clock the fields allow."""
    if fields.day_rules or fields.weekday_rules:
        return CalendarClock(fields)
    return WallClock(fields)


def selects_some_day(fields):
    """Whether the day fields select a day in some month they allow."""
    return any(month_days(fields, year, month)
               for year in CALENDAR_CYCLE for month in fields.months)


def month_days(fields, year, month):
    """The days of that month the day fields select, ascending."""
    last = days_in_month(year, month)
    first = date(year, month, 1).isoweekday() % 7      # the 1st's weekday
    by_date = {day for day in fields.days if day <= last}
    by_date.update(_rule_day(rule, last, first) for rule in fields.day_rules)
    by_weekday = {day for day in range(1, last + 1)
                  if (first + day - 1) % 7 in fields.weekdays}
    by_weekday.update(_weekday_day(rule, last, first) for rule in fields.weekday_rules)
    by_date.discard(None)
    by_weekday.discard(None)
    chosen = by_date | by_weekday if fields.days_either else by_date & by_weekday
    return tuple(sorted(chosen))


def _rule_day(rule, last, first):
    """The day of ("L", 0), ("LW", 0) or ("W", n); None if n is past ``last``.

    Quartz's nearest weekday stays in the month: a Saturday 1st gives
    Monday 3rd, a Sunday last day the Friday before."""
    kind, day = rule
    if kind != "W":
        day = last
    elif day > last:
        return None
    if kind == "L":
        return day
    weekday = (first + day - 1) % 7
    if weekday == SATURDAY:
        return day - 1 if day > 1 else day + 2
    if weekday == SUNDAY:
        return day + 1 if day < last else day - 2
    return day


def _weekday_day(rule, last, first):
    """The day of (weekday, n): its n-th, or LAST, in the month, or None."""
    weekday, nth = rule
    day = 1 + (weekday - first) % 7
    if nth == LAST:
        return day + 7 * ((last - day) // 7)
    day += 7 * (nth - 1)
    return day if day <= last else None
