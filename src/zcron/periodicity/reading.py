"""Reading the worded schedule texts ('every 15 minutes', 'once at ...'):
their folding (case, blanks), their kinds' recognition, their error
sentence, and the ISO instants they name, resolved in the cron's zone
across DST changes."""
import re
from datetime import datetime, timedelta, timezone

from zcron.exceptions import InvalidInput
from zcron.periodicity.base import PeriodicityKind
from zcron.periodicity.zone import ZonedSchedule, to_instant

FIELD = "periodicity"
DAY = timedelta(days=1)
ISO_INSTANT = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[t ](\d\d):(\d\d)(?::(\d\d))?(z|[+-]\d\d:\d\d)?")
INSTANT_FORM = "a date and time like 2026-12-24 18:00 or 2026-12-24T18:00+01:00"


def folded(text):
    """The text as stored and matched: lower case, single blanks."""
    return " ".join(text.split()).lower() if isinstance(text, str) else ""


class WordedKind(PeriodicityKind):
    """A kind whose texts start as its ``pattern`` says (matched on the
    folded text), each read by its ``factory`` (a Periodicity class)."""

    pattern = None
    factory = None

    def recognises(self, text):
        return self.pattern.match(folded(text)) is not None

    def periodicity(self, text, timezone="UTC"):
        return self.factory(text, timezone)


def invalid(text, reason):
    """The one error a bad worded text gets."""
    return InvalidInput(FIELD, text, reason)


class _Reading:
    """One wall-clock reading, as a WallClock of it for ZonedSchedule."""

    fixed_time = True

    def __init__(self, wall):
        self.wall = wall

    def next_after(self, wall):
        return self.wall if wall.replace(tzinfo=None) < self.wall else None


def read_instant(written, tzinfo, text):
    """(naive UTC instant, normal form) of the ISO instant ``written`` in
    ``text``: with its offset, or read on ``tzinfo``'s wall clock, where a
    reading in a spring-forward gap is the gap's end and a repeated one its
    first occurrence (as a fixed-time cron fires)."""
    match = ISO_INSTANT.fullmatch(written)
    if not match:
        raise invalid(text, f"expected {INSTANT_FORM}, got {written!r}")
    try:
        wall = datetime(*(int(part or 0) for part in match.groups()[:6]))
        offset = _offset(match.group(7))
        if offset is None:
            after = (wall - 2 * DAY).replace(tzinfo=timezone.utc)
            instant = ZonedSchedule(_Reading(wall), tzinfo, True).next_after(after)
        else:
            instant = to_instant(wall.replace(tzinfo=offset))
    except (ValueError, OverflowError) as error:
        raise invalid(text, f"{written!r} is not a date and time: {error}") from None
    spec = "seconds" if wall.second else "minutes"
    return instant, wall.replace(tzinfo=offset).isoformat(" ", spec)


def _offset(written):
    if written is None:
        return None
    if written == "z":
        return timezone.utc
    sign = -1 if written[0] == "-" else 1
    hours, minutes = int(written[1:3]), int(written[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError(f"the offset {written} is not within -23:59..+23:59")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def wall_text(aware):
    """Its wall-clock reading, 'YYYY-MM-DD HH:MM', seconds when not zero."""
    return aware.replace(tzinfo=None).isoformat(" ", "seconds" if aware.second else "minutes")
