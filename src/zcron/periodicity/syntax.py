"""Cron text to sets of values, with croniter as the judge of each field.

croniter understands more than crontab(5) (``L``, ``W``, ``#``, ``H``, and
``R`` which picks a *random* value), reads ``5-5`` as "every minute", and
reports errors without naming the field. So each field is first screened
here, then expanded alone by croniter, so that any error it raises names
the field at fault.
"""
import re
from dataclasses import dataclass
from functools import lru_cache

from croniter import CroniterError, croniter

from zcron.exceptions import InvalidCronExpression

ALIASES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun",
               "jul", "aug", "sep", "oct", "nov", "dec")
DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
LONGEST_MONTHS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# Cron separates fields with ASCII blanks only, as croniter does.
FIELD_TEXT = re.compile(r"\S+", re.ASCII)
FORBIDDEN = re.compile(r"[^0-9a-z*,/-]")
WORD = re.compile(r"[a-z]+", re.IGNORECASE)


@dataclass(frozen=True)
class Field:
    label: str
    values: tuple      # every value it can select, ascending
    high: int          # highest value one may write: 7 is Sunday too
    slot: int          # its position in a 5-field expression given to croniter
    names: tuple = ()
    may_be_any: bool = False   # "?" is allowed, as in Quartz

    @property
    def low(self):
        return self.values[0]


SECOND = Field("second", tuple(range(60)), 59, slot=0)
MINUTE = Field("minute", tuple(range(60)), 59, slot=0)
HOUR = Field("hour", tuple(range(24)), 23, slot=1)
DAY = Field("day-of-month", tuple(range(1, 32)), 31, slot=2, may_be_any=True)
MONTH = Field("month", tuple(range(1, 13)), 12, slot=3, names=MONTH_NAMES)
WEEKDAY = Field("day-of-week", tuple(range(7)), 7, slot=4, names=DAY_NAMES,
                may_be_any=True)

FIVE_FIELDS = (MINUTE, HOUR, DAY, MONTH, WEEKDAY)
SIX_FIELDS = (SECOND,) + FIVE_FIELDS
FIELD_COUNT_HELP = ("expected 5 fields (minute hour day-of-month month "
                    "day-of-week) or 6 with seconds first")


@dataclass(frozen=True)
class CronFields:
    """The sorted values each field allows, and the two crontab(5) flags."""

    seconds: tuple
    minutes: tuple
    hours: tuple
    days: tuple
    months: tuple
    weekdays: tuple        # 0 = Sunday .. 6 = Saturday
    days_either: bool      # both day fields restricted: a day matches either
    fixed_time: bool       # neither minute nor hour starts with "*"
    has_seconds: bool


def parse(expression):
    """Return ``(normalised expression, CronFields)`` or raise InvalidCronExpression."""
    if not isinstance(expression, str):
        raise InvalidCronExpression(expression, "must be a string")
    texts = FIELD_TEXT.findall(expression)
    if not texts:
        raise InvalidCronExpression(expression, "it is empty")
    normalised = " ".join(texts)
    if len(texts) == 1 and texts[0].startswith("@"):
        texts = _alias(expression, texts[0]).split()
    if len(texts) not in (5, 6):
        raise InvalidCronExpression(
            expression, f"{FIELD_COUNT_HELP}, got {len(texts)}")
    fields = SIX_FIELDS if len(texts) == 6 else FIVE_FIELDS
    values = {field: _expand(expression, field, text)
              for field, text in zip(fields, texts)}
    text_of = dict(zip(fields, texts))
    cron = CronFields(
        seconds=values.get(SECOND, (0,)),
        minutes=values[MINUTE],
        hours=values[HOUR],
        days=values[DAY],
        months=values[MONTH],
        weekdays=values[WEEKDAY],
        days_either=_restricts(text_of[DAY]) and _restricts(text_of[WEEKDAY]),
        fixed_time=_restricts(text_of[MINUTE]) and _restricts(text_of[HOUR]),
        has_seconds=len(texts) == 6,
    )
    _check_fires(expression, cron)
    return normalised, cron


def _alias(expression, word):
    try:
        return ALIASES[word.lower()]
    except KeyError:
        raise InvalidCronExpression(
            expression, f"unknown alias {word} (known: {', '.join(ALIASES)})"
        ) from None


def _restricts(text):
    """crontab(5): a field starting with "*" leaves the days unrestricted."""
    return not text.startswith(("*", "?"))


def _expand(expression, field, text):
    lowered = text.lower()
    if lowered == "?" and field.may_be_any:
        return field.values
    _screen(expression, field, text, lowered)
    try:
        return _croniter_values(field, _collapse_equal_ranges(lowered, field))
    except CroniterError:
        raise InvalidCronExpression(
            expression, f"the {field.label} field {text!r} {_diagnose(lowered, field)}"
        ) from None


@lru_cache(maxsize=1024)
def _croniter_values(field, text):
    """Expand one field alone, so an error is that field's; fields recur
    across crons ("*" above all), and croniter takes ~60 us a call."""
    slots = ["*"] * 5
    slots[field.slot] = text
    expanded = croniter.expand(" ".join(slots))[0][field.slot]
    return field.values if expanded == ["*"] else tuple(sorted(expanded))


def _screen(expression, field, text, lowered):
    """Refuse what croniter would accept but crontab(5) does not define."""
    forbidden = FORBIDDEN.search(lowered)
    if forbidden:
        raise InvalidCronExpression(
            expression, f"{forbidden.group()!r} is not allowed in the "
                        f"{field.label} field {text!r}")
    for word in WORD.findall(text):
        if word.lower() not in field.names:
            raise InvalidCronExpression(
                expression, f"{word!r} in the {field.label} field {text!r} "
                            f"is not {_names_help(field)}")


def _names_help(field):
    if field.names:
        return f"a {field.label} name ({field.names[0].upper()}-{field.names[-1].upper()})"
    return "a number"


def _collapse_equal_ranges(lowered, field):
    """crontab(5) reads "5-5" (even "5-5/3") as 5; croniter as the whole field."""
    items = []
    for item in lowered.split(","):
        low, dash, high = item.partition("/")[0].partition("-")
        value = _number(low, field)
        if dash and value is not None and value == _number(high, field):
            item = low
        items.append(item)
    return ",".join(items)


def _number(token, field):
    if token.isdigit():
        return int(token)
    if token in field.names:
        return field.names.index(token) + field.low
    return None


def _diagnose(lowered, field):
    """Say why croniter refused a field, from its text alone."""
    for item in lowered.split(","):
        span, slash, step = item.partition("/")
        if slash and not (step.isdigit() and int(step) > 0):
            return "has a step that is not a whole number above 0"
        for bound in span.split("-"):
            if bound.isdigit() and not field.low <= int(bound) <= field.high:
                return f"has a value outside {field.low}-{field.high}"
    return ("is not a value, a range (a-b), a step (*/n, a-b/n) "
            "or a list of those (a,b)")


def _check_fires(expression, cron):
    """Refuse what can never fire, like "0 0 30 2 *": the day rule allows
    only the listed days, and none exists in any listed month."""
    if cron.days_either:
        return          # any listed weekday occurs in every month
    if not any(cron.days[0] <= LONGEST_MONTHS[month - 1] for month in cron.months):
        raise InvalidCronExpression(
            expression, "it never fires: none of its months has any of its days")
