"""Cron text to sets of values, with croniter as the judge of each field.

croniter understands more than crontab(5) (``H``, and ``R`` which picks a
*random* value), reads ``5-5`` as "every minute", and reports errors
without naming the field. So each field is first screened here, then
expanded alone by croniter, so that any error it raises names the field at
fault. The Quartz day items (``L``, ``LW``, ``nW``; ``d#n``, ``dL``) depend
on the month, so they are read here into rules, not values: ``wallclock``
says which days they select.
"""
import re
from dataclasses import dataclass
from functools import lru_cache

from croniter import CroniterError, croniter

from zcron.exceptions import InvalidCronExpression
from zcron.periodicity.wallclock import LAST, selects_some_day

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

# Cron separates fields with ASCII blanks only, as croniter does.
FIELD_TEXT = re.compile(r"\S+", re.ASCII)
FORBIDDEN = re.compile(r"[^0-9a-z*,/-]")
WORD = re.compile(r"[a-z]+", re.IGNORECASE)
DAY_MARKS = re.compile(r"[lw#]")
NEAREST = re.compile(r"([0-9]+)w")
WEEKDAY_WORD = "[0-9]+|" + "|".join(DAY_NAMES)
NTH_OR_LAST = re.compile(
    rf"(?P<day>{WEEKDAY_WORD})(?:#(?P<nth>[0-9]+)|l)|l(?P<last>{WEEKDAY_WORD})")
DAY_FORMS = "a day, L (the last day), LW (the last weekday) or nW (the weekday nearest day n)"
WEEKDAY_FORMS = "a day of the week, d#n (the n-th weekday d) or dL (the last weekday d)"


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
    day_rules: tuple = ()      # ("L", 0), ("LW", 0), ("W", n)
    weekday_rules: tuple = ()  # (weekday, n): n-th of the month, or LAST


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
    values, rules = {}, {}
    for field, text in zip(fields, texts):
        values[field], rules[field] = _expand(expression, field, text)
    text_of = dict(zip(fields, texts))
    cron = CronFields(
        day_rules=rules[DAY],
        weekday_rules=rules[WEEKDAY],
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
    """crontab(5): a field starting with "*" leaves the days unrestricted;
    so does a "*" anywhere in its list, which selects every value."""
    return not any(item.startswith(("*", "?")) for item in text.split(","))


def _expand(expression, field, text):
    """``(values, rules)`` of one field: rules only in the day fields."""
    if text == "?" and field.may_be_any:
        return field.values, ()
    plain, rules = _take_rules(expression, field, text)
    if not plain:
        return (), rules
    lowered = plain.lower()
    _screen(expression, field, text, plain)
    try:
        return _croniter_values(field, _normalise(lowered, field)), rules
    except CroniterError:
        raise InvalidCronExpression(
            expression, f"the {field.label} field {text!r} {_diagnose(lowered, field)}"
        ) from None


def _take_rules(expression, field, text):
    """The plain items of a list, joined, and the rules of the others."""
    read_rule = RULE_READERS.get(field)
    if read_rule is None:
        return text, ()
    plain, rules = [], set()
    for item in text.split(","):
        rule = read_rule(expression, text, item)
        if rule is None:
            plain.append(item)
        else:
            rules.add(rule)
    return ",".join(plain), tuple(sorted(rules))


def _day_rule(expression, text, item):
    """``L``, ``LW`` or ``nW`` as a rule; None for a plain item."""
    lowered = item.lower()
    if not DAY_MARKS.search(lowered):
        return None
    if lowered in ("l", "lw"):
        return (lowered.upper(), 0)
    nearest = NEAREST.fullmatch(lowered)
    if nearest is None:
        raise _not_a_form(expression, DAY, text, item, DAY_FORMS)
    day = int(nearest[1])
    _check_range(expression, DAY, text, day)
    return ("W", day)


def _weekday_rule(expression, text, item):
    """``d#n``, ``dL`` or ``Ld`` as (weekday, n or LAST); None for a plain item."""
    lowered = item.lower()
    if "#" not in lowered and "l" not in lowered:
        return None
    match = NTH_OR_LAST.fullmatch(lowered)
    if match is None:
        raise _not_a_form(expression, WEEKDAY, text, item, WEEKDAY_FORMS)
    day = _number(match["day"] or match["last"], WEEKDAY)
    _check_range(expression, WEEKDAY, text, day)
    if match["nth"] is None:
        return (day % 7, LAST)
    nth = int(match["nth"])
    if not 1 <= nth <= 5:
        raise InvalidCronExpression(
            expression, f"the day-of-week field {text!r} has an occurrence "
                        f"outside 1-5 in {item!r}")
    return (day % 7, nth)


def _not_a_form(expression, field, text, item, forms):
    return InvalidCronExpression(
        expression, f"{item!r} in the {field.label} field {text!r} is not {forms}")


def _check_range(expression, field, text, value):
    if not field.low <= value <= field.high:
        raise InvalidCronExpression(
            expression, f"the {field.label} field {text!r} has a value "
                        f"outside {field.low}-{field.high}")


RULE_READERS = {DAY: _day_rule, WEEKDAY: _weekday_rule}


@lru_cache(maxsize=1024)
def _croniter_values(field, text):
    """Expand one field alone, so an error is that field's; fields recur
    across crons ("*" above all), and croniter takes ~60 us a call."""
    slots = ["*"] * 5
    slots[field.slot] = text
    expanded = croniter.expand(" ".join(slots))[0][field.slot]
    return field.values if expanded == ["*"] else tuple(sorted(expanded))


def _screen(expression, field, text, plain):
    """Refuse what croniter would accept but crontab(5) does not define."""
    lowered = plain.lower()
    forbidden = FORBIDDEN.search(lowered)
    if forbidden:
        raise InvalidCronExpression(
            expression, f"{forbidden.group()!r} is not allowed in the "
                        f"{field.label} field {text!r}")
    for word in WORD.findall(plain):
        if word.lower() not in field.names:
            raise InvalidCronExpression(
                expression, f"{word!r} in the {field.label} field {text!r} "
                            f"is not {_names_help(field)}")
    for item in lowered.split(","):
        # whatever the range: "5-5/0" is as wrong as "*/0"
        step = item.partition("/")[2]
        if "/" in item and not (step.isdigit() and int(step) > 0):
            raise InvalidCronExpression(
                expression, f"the {field.label} field {text!r} has a step "
                            "that is not a whole number above 0")


def _names_help(field):
    if field.names:
        return f"a {field.label} name ({field.names[0].upper()}-{field.names[-1].upper()})"
    return "a number"


def _normalise(lowered, field):
    """crontab(5) reads "5-5" (even "5-5/3") as 5, croniter as the whole
    field; and croniter fails on "*" in a list, which is every value."""
    items = []
    for item in lowered.split(","):
        low, dash, high = item.partition("/")[0].partition("-")
        value = _number(low, field)
        if dash and value is not None and value == _number(high, field):
            item = low
        elif item == "*":
            item = f"{field.low}-{field.values[-1]}"
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
        for bound in item.partition("/")[0].split("-"):
            if bound.isdigit() and not field.low <= int(bound) <= field.high:
                return f"has a value outside {field.low}-{field.high}"
    return ("is not a value, a range (a-b), a step (*/n, a-b/n) "
            "or a list of those (a,b)")


def _check_fires(expression, cron):
    """Refuse what can never fire, like "0 0 30 2 *" or "0 0 30W 2 *". When
    both day fields are restricted, any listed weekday comes in time."""
    if not cron.days_either and not selects_some_day(cron):
        raise InvalidCronExpression(
            expression, "it never fires: none of its months has any of its days")
