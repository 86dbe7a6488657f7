"""The 'cron' kind: cron expressions (crontab(5), plus seconds first) in an
IANA time zone."""
from zcron.periodicity.base import Periodicity, PeriodicityKind, check_aware
from zcron.periodicity.describe import describe
from zcron.periodicity.syntax import parse
from zcron.periodicity.wallclock import wallclock_for
from zcron.periodicity.zone import ZonedSchedule, from_instant, load_zone


class CronPeriodicity(Periodicity):
    """When a cron expression fires, read on the wall clock of ``timezone``.

    Parsing happens once, here; ``next_fire_time`` then only bisects the
    selected values. Use ``zcron.periodicity.get_periodicity`` to share
    instances.
    """

    kind = "cron"

    def __init__(self, expression, timezone="UTC"):
        normalised, self.fields = parse(expression)
        super().__init__(normalised, timezone)
        self.tzinfo = load_zone(timezone)
        self.has_seconds = self.fields.has_seconds
        self.fixed_time = self.fields.fixed_time
        self._schedule = ZonedSchedule(
            wallclock_for(self.fields), self.tzinfo, self.fixed_time)
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


class CronKind(PeriodicityKind):
    """Cron expressions. Registered as 'cron', the fallback kind: it also
    reads every text no other kind recognises, which then gets a cron
    expression's error."""

    title = "cron expression"
    example = "*/5 * * * *"

    def recognises(self, text):
        # the first field (minute, or second) starts with a digit or "*",
        # an alias with "@"
        return isinstance(text, str) and text.lstrip()[:1] in _FIRST_CHARACTERS

    def periodicity(self, text, timezone="UTC"):
        return CronPeriodicity(text, timezone)


_FIRST_CHARACTERS = frozenset("0123456789*@")

CRON = CronKind()
