"""Cron expressions (crontab(5), plus seconds first) in an IANA time zone."""
from functools import lru_cache

from zcron.periodicity.base import Periodicity, check_aware
from zcron.periodicity.describe import describe
from zcron.periodicity.syntax import parse
from zcron.periodicity.wallclock import WallClock
from zcron.periodicity.zone import ZonedSchedule, from_instant, load_zone


class CronPeriodicity(Periodicity):
    """When a cron expression fires, read on the wall clock of ``timezone``.

    Parsing happens once, here; ``next_fire_time`` then only bisects the
    selected values. Use ``get_periodicity`` to share instances.
    """

    kind = "cron"

    def __init__(self, expression, timezone="UTC"):
        normalised, self.fields = parse(expression)
        super().__init__(normalised, timezone)
        self.tzinfo = load_zone(timezone)
        self.has_seconds = self.fields.has_seconds
        self.fixed_time = self.fields.fixed_time
        self._schedule = ZonedSchedule(
            WallClock(self.fields), self.tzinfo, self.fixed_time)
        # (after, answer) of the last call: synchronising a crontab asks
        # each of its crons, sharing a few expressions, about the same now
        self._last = (None, None)

    def next_fire_time(self, after):
        """First fire time strictly after ``after``, aware in our zone, or None."""
        last_after, last_answer = self._last
        # same zone: == compares wall times, so fold tells DST's twins apart
        if last_after is not None and after == last_after \
                and after.tzinfo is last_after.tzinfo and after.fold == last_after.fold:
            return last_answer
        check_aware("after", after)
        try:
            instant = self._schedule.next_after(after)
            answer = None if instant is None else from_instant(instant, self.tzinfo)
        except OverflowError:
            # ``after`` or its answer is beyond what datetime holds in some
            # zone (year 9999): there is no representable next fire time.
            answer = None
        self._last = (after, answer)
        return answer

    def describe(self):
        """The expression in plain English, e.g. "at 08:00 on weekdays"."""
        return describe(self.fields)


def get_periodicity(expression, timezone="UTC"):
    """A shared CronPeriodicity: parsing costs far more than a fire time."""
    return _shared(expression, timezone)


# Behind a plain function so that positional and keyword calls share entries.
_shared = lru_cache(maxsize=4096)(CronPeriodicity)
