"""The next matching wall-clock reading, computed from the value sets.

croniter's own iteration costs tens of microseconds a step; this one only
bisects sorted values and walks at most one month of days per selected
month. It knows nothing of time zones: see ``zone``.
"""
from bisect import bisect_left, bisect_right
from datetime import MAXYEAR, date, datetime

DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


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
        if month in self.month_set and self._selects(day, wall.isoweekday() % 7):
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

    def _selects(self, day, weekday):
        if self.days_either:
            return self.day_selected[day] or self.weekday_selected[weekday]
        return self.day_selected[day] and self.weekday_selected[weekday]
