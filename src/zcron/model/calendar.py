"""Exclusion calendars (named sets of dates, date ranges, yearly dates and
blackout times), and ``fire_time_after``: a periodicity's next fire time
with a cron's bounds and calendars applied, the one rule all callers use."""
import hashlib
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from persistent import Persistent
from zope.interface import implementer

from zcron.exceptions import InvalidDump, InvalidInput
from zcron.interfaces import ICalendar
from zcron.periodicity import get_periodicity

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
DURATION_RE = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
RULES = ("dates", "ranges", "yearly", "blackouts")
# Excluded fire times skipped in a row before the schedule counts as
# running out: a calendar excluding everything must not loop forever.
SKIP_LIMIT = 10_000
TICK = timedelta(microseconds=1)


def check_calendar_name(value):
    if not isinstance(value, str) or not NAME_RE.match(value):
        raise InvalidInput("calendar", value, "expected a name of letters, digits, '.', '_', '-'")
    return value


def _date(field, value):
    try:
        return date.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        raise InvalidInput(field, value, "expected a date YYYY-MM-DD") from None


def _range(value):
    first, sep, last = str(value).partition("..")
    start, end = _date("range", first), _date("range", last) if sep else None
    if end is None or end < start:
        raise InvalidInput("range", value, "expected FIRST..LAST, FIRST not after LAST")
    return start, end


def _yearly(value):
    try:
        day = date.fromisoformat(f"2000-{value.strip()}")     # a leap year: 02-29 is fine
    except (AttributeError, ValueError):
        raise InvalidInput("yearly", value, "expected a day of the year MM-DD") from None
    return day.month, day.day


def parse_duration(field, text):
    """'1h', '90m', '1h30m', '2d', '45s' -> a positive timedelta."""
    match = DURATION_RE.match(text.strip()) if isinstance(text, str) else None
    if not match or not any(match.groups()):
        raise InvalidInput(field, text, "expected a duration such as 1h, 30m, 1h30m, 2d")
    d, h, m, s = (int(g or 0) for g in match.groups())
    duration = timedelta(days=d, hours=h, minutes=m, seconds=s)
    if not duration:
        raise InvalidInput(field, text, "a blackout lasts more than 0s")
    return duration


def _blackout(value):
    """'SCHEDULE TEXT for DURATION' -> (text, duration)."""
    text, sep, duration = str(value).rpartition(" for ")
    if not sep or not text.strip():
        raise InvalidInput("blackout", value, "expected 'SCHEDULE for DURATION'")
    try:
        get_periodicity(text.strip(), "UTC")
    except InvalidInput as e:
        raise InvalidInput("blackout", value, e.reason) from None
    return text.strip(), parse_duration("blackout", duration)


PARSERS = {"dates": lambda v: _date("date", v), "ranges": _range,
           "yearly": _yearly, "blackouts": _blackout}


def _texts(rule, values):
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise InvalidInput(rule, values, "expected a list of texts")
    texts = tuple(dict.fromkeys(str(v).strip() for v in values))
    for text in texts:
        PARSERS[rule](text)          # raises on the first bad one
    return texts


@implementer(ICalendar)
class Calendar(Persistent):
    """Rules are kept as their texts (what users typed, what dumps carry);
    parsed forms are cached per process."""

    dates = ranges = yearly = blackouts = ()

    def __init__(self, name, dates=(), ranges=(), yearly=(), blackouts=()):
        self.name = check_calendar_name(name)
        given = {"dates": dates, "ranges": ranges, "yearly": yearly, "blackouts": blackouts}
        for rule, values in given.items():
            texts = _texts(rule, values)
            if texts:
                setattr(self, rule, texts)

    def digest(self):
        """Changes whenever a rule does: part of the job signatures of the
        crons skipping this calendar, so an edit re-queues their jobs."""
        text = "\n".join("|".join(getattr(self, rule)) for rule in RULES)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _parsed(self):
        cached = getattr(self, "_v_parsed", None)
        if cached is None:
            cached = self._v_parsed = {rule: [PARSERS[rule](t) for t in getattr(self, rule)]
                                       for rule in RULES}
        return cached

    def resume_at(self, fire, zone):
        """None if ``fire`` is not excluded; else the first instant after
        the exclusion that covers it (dates read on ``zone``'s wall clock)."""
        parsed, day = self._parsed(), fire.astimezone(ZoneInfo(zone)).date()
        last = None
        if day in parsed["dates"] or (day.month, day.day) in parsed["yearly"]:
            last = day
        for first, final in parsed["ranges"]:
            if first <= day <= final:
                last = max(last or final, final)
        ends = [] if last is None else [_midnight_after(last, zone)]
        for text, duration in parsed["blackouts"]:
            begin = get_periodicity(text, zone).next_fire_time(fire - duration)
            if begin is not None and begin <= fire:
                ends.append(begin + duration)
        return max(ends) if ends else None

    def dump(self):
        data = {"name": self.name}
        data.update((rule, list(getattr(self, rule))) for rule in RULES)
        return data

    @classmethod
    def load(cls, data):
        if not isinstance(data, dict) or not data.get("name"):
            raise InvalidDump(str(data)[:80], "a calendar must be an object with a 'name'")
        return cls(data["name"], **{rule: data.get(rule) or () for rule in RULES})

    def __repr__(self):
        return f"<Calendar {self.name}>"


def _midnight_after(day, zone):
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(zone))


def fire_time_after(periodicity, after, start=None, end=None, calendars=()):
    """The first fire time of ``periodicity`` strictly after ``after``,
    none before ``start`` nor after ``end``, none a calendar excludes."""
    if start is not None and after < start:
        after = start - TICK
    fire, skipped = periodicity.next_fire_time(after), 0
    while fire is not None and calendars:
        resume = excluded_until(fire, periodicity.timezone, calendars)
        if resume is None:
            break
        skipped += 1
        if skipped > SKIP_LIMIT or (end is not None and fire > end):
            return None
        fire = periodicity.next_fire_time(max(fire, resume - TICK))
    if fire is None or (end is not None and fire > end):
        return None
    return fire


def excluded_until(fire, zone, calendars):
    """None if no calendar excludes ``fire``; else when the exclusion ends."""
    ends = [r for r in (c.resume_at(fire, zone) for c in calendars) if r is not None]
    return max(ends) if ends else None


def excluded_by(fire, zone, calendars):
    """The names of the calendars excluding ``fire`` (for previews)."""
    return [c.name for c in calendars if c.resume_at(fire, zone) is not None]
