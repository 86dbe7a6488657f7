"""A cron's fields: each one's validator and default, and ``validate``,
which cleans values before a cron takes them (also what ``zcron check``
asks field by field)."""
import json
import re
import uuid
from datetime import datetime

from zcron.exceptions import InvalidEnviron, InvalidInput
from zcron.interfaces import MISSED_POLICIES, OVERLAP_POLICIES
from zcron.model.calendar import check_calendar_name
from zcron.model.timeutil import load_time

UID_RE = re.compile(r"^[0-9a-f]{32}$")


# -- validators: each returns the clean value or raises InvalidInput --------

def new_uid():
    return uuid.uuid4().hex


def uid_given(value):
    """A dump's uid counts as given unless missing, null or "" (then a new
    one is made); a given one must be valid, [] and 0 included."""
    return value not in (None, "")


def _uid(value):
    if not isinstance(value, str) or not UID_RE.match(value.lower()):
        raise InvalidInput("uid", value, "expected 32 hexadecimal characters")
    return value.lower()


def _name(value):
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("name", value, "expected a runner name")
    return value.strip()


def _text(field):
    def check(value):
        if value is None:
            return ""
        if not isinstance(value, str):
            raise InvalidInput(field, value, "expected text")
        return value
    return check


def _bool(field):
    def check(value):
        if not isinstance(value, bool):
            raise InvalidInput(field, value, "expected true or false")
        return value
    return check


def _number(field, optional=False, integer=False, minimum=0):
    def check(value):
        if value is None and optional:
            return None
        kinds = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or value < minimum:
            what = "a whole number" if integer else "a number of seconds"
            raise InvalidInput(field, value, f"expected {what} >= {minimum}"
                               + (" or null" if optional else ""))
        return value
    return check


def _choice(field, choices):
    def check(value):
        if value not in choices:
            raise InvalidInput(field, value, "expected one of " + ", ".join(choices))
        return value
    return check


def _isolation(value):
    """None (the worker's default), 'thread' or 'process'."""
    return None if value is None else _choice("isolation", ("thread", "process"))(value)


def _environ(value):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidEnviron(value)
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise InvalidEnviron(value, f"must be JSON-serialisable ({e})") from None
    # a private copy, so a caller mutating its dict changes nothing here
    return json.loads(json.dumps(value))


def _expression(field):
    def check(value):
        if not isinstance(value, str):
            raise InvalidInput(field, value, "expected text")
        return value     # parsed with the time zone, in Cron._apply
    return check


def _instant(field):
    def check(value):
        if isinstance(value, datetime) and value.utcoffset() is None:
            raise InvalidInput(field, value, "must be timezone-aware")
        return load_time(value, field)    # UTC, so dumps round-trip
    return check


def _exclude(value):
    """Calendar names, each once, in the order given."""
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise InvalidInput("exclude", value, "expected a list of calendar names")
    try:
        return tuple(dict.fromkeys(check_calendar_name(name) for name in value))
    except InvalidInput as e:
        raise InvalidInput("exclude", value, f"{e.value!r}: {e.reason}") from None


# name -> (validator, default). Order is the dump order.
FIELDS = {
    "uid": (_uid, None),
    "name": (_name, None),
    "user": (_text("user"), ""),
    "activated": (_bool("activated"), True),
    "periodicity": (_expression("periodicity"), None),
    "timezone": (_expression("timezone"), "UTC"),
    "logs_limit": (_number("logs_limit", integer=True, minimum=1), 50),
    "environ": (_environ, None),
    "missed": (_choice("missed", MISSED_POLICIES), "once"),
    "catchup_window": (_number("catchup_window"), 3600),
    "overlap": (_choice("overlap", OVERLAP_POLICIES), "skip"),
    "timeout": (_number("timeout", optional=True, minimum=0.001), None),
    "warn_after": (_number("warn_after", optional=True, minimum=0.001), None),
    "retries": (_number("retries", integer=True), 0),
    "retry_backoff": (_number("retry_backoff"), 60),
    "jitter": (_number("jitter"), 0),
    "retry_interrupted": (_bool("retry_interrupted"), False),
    "paused_until": (_instant("paused_until"), None),
    "pause_note": (_text("pause_note"), ""),
    "start": (_instant("start"), None),
    "end": (_instant("end"), None),
    "max_runs": (_number("max_runs", optional=True, integer=True, minimum=1), None),
    "exclude": (_exclude, ()),
    "declared": (_text("declared"), ""),
    "isolation": (_isolation, None),
    "max_memory": (_number("max_memory", optional=True, integer=True, minimum=1), None),
    "alert_no_success": (_number("alert_no_success", optional=True, minimum=0.001), None),
    "alert_running": (_number("alert_running", optional=True, minimum=0.001), None),
    "pause_after_failures": (_number("pause_after_failures", optional=True, integer=True,
                                     minimum=1), None),
    "keep_ok_for": (_number("keep_ok_for", optional=True, minimum=1), None),
    "keep_failures_for": (_number("keep_failures_for", optional=True, minimum=1), None),
}
TIMES = ("paused_until", "start", "end")     # dumped as ISO 8601 texts
EDITABLE = tuple(f for f in FIELDS if f != "uid")


def validate(values):
    """Clean a dict of field values; raise InvalidInput on the first bad one."""
    clean = {}
    for field, value in values.items():
        if field not in FIELDS:
            raise InvalidInput("field", field, "not a cron field")
        clean[field] = FIELDS[field][0](value)
    return clean


def check_bounds(start, end):
    """An end before the start leaves no fire time: refused, naming ``end``."""
    if start is not None and end is not None and end < start:
        raise InvalidInput("end", end.isoformat(), f"is before the start {start.isoformat()}")
