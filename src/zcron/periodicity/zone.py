"""Wall-clock readings to instants, treating DST changes as cronie does.

A *fixed-time* cron (minute and hour do not start with "*") fires once per
selected reading: a reading skipped by a spring-forward fires when the gap
ends, a repeated one at its first occurrence. Any other cron follows
elapsed time: it fires at every instant whose reading is selected, so not
in a gap, and twice in a repeated hour.

Instants are naive UTC datetimes here, and readings local datetimes whose
tzinfo is ignored: their arithmetic is plain, and cheaper than
``datetime.replace`` (about 1 us). zoneinfo
tells, for each reading, the offset of its first and second occurrence
(``fold`` 0 and 1): equal for an ordinary reading, first > second for a
repeated one, first < second for a skipped one. Transitions are found by
bisection, so a per-second cron never steps through the seconds of a gap.
"""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from zcron.exceptions import UnknownTimezone

EPOCH = datetime(1970, 1, 1)
UTC_EPOCH = EPOCH.replace(tzinfo=timezone.utc)
SECOND = timedelta(seconds=1)


def to_instant(aware):
    """The naive UTC datetime of an aware one (its fold respected)."""
    return EPOCH + (aware - UTC_EPOCH)


def from_instant(instant, tzinfo):
    """The aware datetime in ``tzinfo``, with the right fold, of an instant."""
    return (UTC_EPOCH + (instant - EPOCH)).astimezone(tzinfo)


def load_zone(name):
    """The ZoneInfo for an IANA name; UnknownTimezone for anything else."""
    if not isinstance(name, str):
        raise UnknownTimezone(name, "must be a string")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # ValueError: "", "../x", a file that is not TZif; OSError: "Europe".
        raise UnknownTimezone(name) from None


class ZonedSchedule:
    """Fire instants of a WallClock read in one time zone."""

    def __init__(self, wallclock, tzinfo, fixed_time):
        self.wallclock = wallclock
        self.tzinfo = tzinfo
        self.fixed_time = fixed_time

    def next_after(self, after):
        """First fire instant strictly after the aware ``after``, or None."""
        instant = to_instant(after)
        # Through UTC: astimezone() to the same zone would keep a reading
        # that does not exist, or the wrong fold.
        local = after.astimezone(timezone.utc).astimezone(self.tzinfo)
        offset = self.tzinfo.utcoffset(local)
        if self.fixed_time:
            if local.fold:
                # Second occurrence of a repeated hour: its readings fired
                # at their first occurrence, so resume where it ends.
                other = self._offset_of(local, fold=0)
                end = self._transition(instant - (other - offset), instant)
                return self._fixed_after(end + other - SECOND)
            return self._fixed_after(local)
        found = self._elapsed_after(local, instant)
        other = offset if local.fold else self._offset_of(local, fold=1)
        if other < offset:
            # First occurrence of a repeated hour: the clock is about to go
            # back, and readings already past will occur again, maybe
            # before the next later reading.
            back = self._transition(instant, instant + (offset - other))
            again = self.wallclock.next_after(back + other - SECOND)
            if again is not None and (found is None or again - other < found):
                return again - other
        return found

    def _fixed_after(self, wall):
        wall = self.wallclock.next_after(wall)
        if wall is None:
            return None
        first, second = self._offsets(wall)
        if first < second:      # skipped: fires once, as the gap ends
            return self._transition(wall - second, wall - first)
        return wall - first

    def _elapsed_after(self, wall, instant):
        while True:
            wall = self.wallclock.next_after(wall)
            if wall is None:
                return None
            first, second = self._offsets(wall)
            if first < second:  # skipped: go on from the end of the gap
                wall = self._transition(wall - second, wall - first) + second - SECOND
                continue
            if wall - first > instant:
                return wall - first
            return wall - second    # repeated, its first occurrence is past

    def _offsets(self, wall):
        return self.tzinfo.utcoffset(wall), self._offset_of(wall, fold=1)

    def _offset_of(self, wall, fold):
        """The offset of one occurrence of a reading (aware or naive)."""
        return self.tzinfo.utcoffset(datetime(
            wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second,
            fold=fold))

    def _offset_at(self, instant):
        return self.tzinfo.utcoffset(from_instant(instant, self.tzinfo))

    def _transition(self, before, after):
        """The instant in (before, after] where the one offset change in it
        takes effect; zones change offset on whole seconds."""
        low = (before - EPOCH) // SECOND
        high = -((EPOCH - after) // SECOND)
        old = self._offset_at(EPOCH + low * SECOND)
        while high - low > 1:
            middle = (low + high) // 2
            if self._offset_at(EPOCH + middle * SECOND) == old:
                low = middle
            else:
                high = middle
        return EPOCH + high * SECOND
