"""What the wall-clock kinds (daily, weekly, monthly) share: reading their
texts (``on``/``at``/``from`` parts, times of day, weekday names, anchor
dates), stepping from day to day on the wall clock, and DST through
``ZonedSchedule`` with the fixed-time rules."""
import re
from bisect import bisect_right
from datetime import date, datetime, timedelta

from zcron.exceptions import InvalidInput
from zcron.periodicity.base import Periodicity, PeriodicityKind, check_aware
from zcron.periodicity.describe import WEEKDAY_NAMES
from zcron.periodicity.zone import ZonedSchedule, from_instant, load_zone

# Monday = 0, as date.weekday(); each name in full or by its 3 letters.
WEEKDAYS = {name: i for i, full in enumerate(WEEKDAY_NAMES)
            for name in (full.lower(), full[:3].lower())}
DAY_NAME = "|".join(f"{full[:3]}(?:{full[3:]})?" for full in
                    (name.lower() for name in WEEKDAY_NAMES))
PARTS = ("on", "at", "from")
TIME = re.compile(r"(\d{1,2}):(\d\d)")
DATE = re.compile(r"\d{4}-\d\d-\d\d")
ONE_DAY = timedelta(days=1)
LAST_ORDINAL = date.max.toordinal()
DEFAULT_ANCHOR = date(1970, 1, 1)


class Unreadable(ValueError):
    """Why a text is not of its kind; becomes InvalidInput naming it."""


def fold(text):
    """Lower case, single blanks, none around commas: the stored form."""
    return ",".join(part.strip() for part in " ".join(text.split()).lower().split(","))


def split_parts(text, allowed):
    """(head words, {part word: its text}) of a folded text."""
    head, parts, current = [], {}, None
    for word in text.split(" "):
        if word in PARTS:
            if word not in allowed:
                raise Unreadable(f"'{word}' has no place after '{' '.join(head)}'")
            if word in parts:
                raise Unreadable(f"'{word}' is given twice")
            current = parts[word] = []
        elif current is None:
            head.append(word)
        else:
            current.append(word)
    for word, words in parts.items():
        if not words:
            raise Unreadable(f"nothing follows '{word}'")
    return head, {word: " ".join(words) for word, words in parts.items()}


def count(word, unit):
    """The N of 'every N units', 1 or more."""
    if not word.isdigit() or int(word) < 1:
        raise Unreadable(f"the number of {unit} must be a whole number of 1 or more, not {word!r}")
    return int(word)


def times_of_day(text):
    """Sorted distinct (hour, minute) of 'HH:MM[,HH:MM...]'; midnight if None."""
    if text is None:
        return ((0, 0),)
    found = set()
    for item in text.split(","):
        match = TIME.fullmatch(item)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise Unreadable(f"{item!r} is not a time of day (HH:MM, 00:00 to 23:59)")
        found.add((int(match.group(1)), int(match.group(2))))
    return tuple(sorted(found))


def weekday(word):
    try:
        return WEEKDAYS[word]
    except KeyError:
        raise Unreadable(f"{word!r} is not a weekday (monday to sunday, "
                         "or mon to sun)") from None


def weekdays(text):
    """The sorted distinct weekdays (Monday = 0) of 'mon,thu'."""
    return tuple(sorted({weekday(word) for word in text.split(",")}))


def anchor_date(text):
    """The date of 'YYYY-MM-DD', or DEFAULT_ANCHOR if None."""
    if text is None:
        return DEFAULT_ANCHOR
    try:
        if DATE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise Unreadable(f"{text!r} after 'from' is not a date (YYYY-MM-DD)")


def day_of(ordinal):
    """The date of a proleptic ordinal, or None beyond date.max."""
    return date.fromordinal(ordinal) if ordinal <= LAST_ORDINAL else None


def clock(times):
    """'08:00 and 12:30'."""
    return listed([f"{hour:02}:{minute:02}" for hour, minute in times])


def listed(words):
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


class WallTimes:
    """The wall clock of a day rule: its times of day on each day that
    ``first_day`` selects (``first_day(day)``: the first selected date on
    or after ``day``, or None). What ZonedSchedule steps through."""

    def __init__(self, times, first_day):
        self.times = times
        self.seconds = tuple(hour * 3600 + minute * 60 for hour, minute in times)
        self.first_day = first_day

    def next_after(self, wall):
        """First selected reading strictly after ``wall`` (naive), or None."""
        today = date(wall.year, wall.month, wall.day)
        i = bisect_right(self.seconds, wall.hour * 3600 + wall.minute * 60 + wall.second)
        if i < len(self.seconds) and self.first_day(today) == today:
            return datetime(wall.year, wall.month, wall.day, *self.times[i])
        found = self.first_day(today + ONE_DAY)
        if found is None:
            return None
        return datetime(found.year, found.month, found.day, *self.times[0])


class WallPeriodicity(Periodicity):
    """Times of day on the days a subclass selects, on the wall clock of
    ``timezone``; a reading skipped or repeated by DST fires once, as a
    fixed-time cron does.

    A subclass names the ``parts`` it takes besides ``at``, reads its head
    words and parts in ``read(head, parts)`` (raising Unreadable) and
    implements ``first_day`` and ``describe``.
    """

    parts = ("at", "from")

    def __init__(self, expression, timezone="UTC"):
        if not isinstance(expression, str):
            raise InvalidInput("periodicity", expression, "must be a string")
        normalised = fold(expression)
        try:
            head, parts = split_parts(normalised, self.parts)
            self.times = times_of_day(parts.pop("at", None))
            self.read(head, parts)
        except Unreadable as refusal:
            raise InvalidInput("periodicity", expression, str(refusal)) from None
        super().__init__(normalised, timezone)
        self.tzinfo = load_zone(timezone)
        self._schedule = ZonedSchedule(
            WallTimes(self.times, self.first_day), self.tzinfo, True)

    def read(self, head, parts):
        raise NotImplementedError

    def first_day(self, day):
        raise NotImplementedError

    def next_fire_time(self, after):
        """First fire time strictly after ``after``, aware in our zone, or
        None (also beyond what datetime holds, year 9999)."""
        check_aware("after", after)
        try:
            instant = self._schedule.next_after(after)
            if instant is not None:
                return from_instant(instant, self.tzinfo)
        except OverflowError:
            pass
        return None

    def at(self):
        return f"at {clock(self.times)}"


class WallKind(PeriodicityKind):
    """A wall-clock kind: recognises the texts its ``pattern`` matches at
    their start (folded, any case) and reads them with ``factory``."""

    pattern = None
    factory = None

    def recognises(self, text):
        return isinstance(text, str) and \
            self.pattern.match(" ".join(text.split())) is not None

    def periodicity(self, text, timezone="UTC"):
        return self.factory(text, timezone)
