"""Datetimes in and out of JSON: ISO 8601 with offsets; naive means UTC."""
from datetime import datetime, timedelta, timezone

from zcron.exceptions import InvalidInput

UTC = timezone.utc
# Pausing "until resumed" is pausing until a date nobody reaches.
FOREVER = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_us(dt):
    """Aware datetime -> integer microseconds since the epoch: exact, and
    small in pickles and BTree keys."""
    delta = dt.astimezone(UTC) - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(us):
    return EPOCH + timedelta(microseconds=us)


def stamp_time(us, older=None):
    """The datetime of a stamp kept as integer microseconds (None: unset);
    ``older`` is the datetime a record kept before its stamps were integers."""
    return older if us is None else from_us(us)


def to_utc(dt):
    """Aware UTC datetime; naive datetimes are taken as UTC."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def dump_time(dt):
    return None if dt is None else dt.isoformat()


def load_time(value, field):
    """Parse an ISO 8601 string (collective.cron's '%Y-%m-%d %H:%M:%S'
    included) into an aware UTC datetime; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return to_utc(value)
    if not isinstance(value, str):
        raise InvalidInput(field, value, "expected an ISO 8601 date string")
    try:
        return to_utc(datetime.fromisoformat(value.strip()))
    except ValueError:
        raise InvalidInput(field, value, "expected an ISO 8601 date") from None
