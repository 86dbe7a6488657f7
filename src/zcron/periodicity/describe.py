"""Cron fields in plain English, so a listing can say what a cron does.

Common forms read naturally ("at 08:00 on weekdays"); the rest are spelled
out field by field ("at seconds 15 and 45 of minutes 0 to 10 of hour 8"),
never in cron syntax.
"""
from zcron.periodicity.syntax import DAY, HOUR, MINUTE, MONTH, SECOND, WEEKDAY
from zcron.periodicity.wallclock import LAST

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
               "August", "September", "October", "November", "December")
# Monday first, so that "Friday to Sunday" reads as one run.
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                 "Saturday", "Sunday")
WORKING_DAYS = (1, 2, 3, 4, 5)
WEEKEND = (0, 6)
OCCURRENCES = ("first", "second", "third", "fourth", "fifth")


def describe(fields):
    """CronFields in words: time of day, then days, then months."""
    when = _time(fields)
    if _one_date(fields):
        return f"{when} on {fields.days[0]} {MONTH_NAMES[fields.months[0] - 1]}"
    days = _days(fields)
    parts = [when]
    if days:
        parts.append(days)
    elif _at_clock_times(fields):
        parts.append("every day")
    if fields.months != MONTH.values:
        parts.append("in " + _listed(fields.months, lambda m: MONTH_NAMES[m - 1]))
    return " ".join(parts)


# -- time of day -----------------------------------------------------------

def _time(fields):
    seconds, minutes, hours = fields.seconds, fields.minutes, fields.hours
    if _at_clock_times(fields):
        return "at " + _joined([_clock(h, m, seconds[0])
                                for h in hours for m in minutes])
    if seconds == (0,):
        return _on_the_minute(minutes, hours)
    return _within_minutes(seconds, minutes, hours)


def _at_clock_times(fields):
    """Few enough times a day to list them: "at 08:00 and 17:30"."""
    return len(fields.seconds) == 1 and len(fields.minutes) * len(fields.hours) <= 4


def _on_the_minute(minutes, hours):
    every = _frequency(minutes, MINUTE)
    if every:
        return every if hours == HOUR.values else f"{every} of {_noun(hours, HOUR)}"
    hourly = _frequency(hours, HOUR)
    if hourly:
        return f"{hourly} at {_counted('minute', minutes)}"
    if len(minutes) == 1 and hours == tuple(range(hours[0], hours[-1] + 1)):
        return (f"every hour from {_clock(hours[0], minutes[0], 0)} "
                f"to {_clock(hours[-1], minutes[0], 0)}")
    return f"at {_counted('minute', minutes)} past {_counted('hour', hours)}"


def _within_minutes(seconds, minutes, hours):
    every = _frequency(seconds, SECOND)
    if every is None:
        every = f"at {_counted('second', seconds)}"
        if minutes == MINUTE.values:
            every = f"every minute {every}"
    if len(minutes) == 1 and len(hours) == 1:
        return f"{every} during {_clock(hours[0], minutes[0], 0)}"
    if minutes != MINUTE.values:
        every += f" of {_noun(minutes, MINUTE)}"
    if hours != HOUR.values:
        every += f" of {_noun(hours, HOUR)}"
    return every


def _clock(hour, minute, second):
    return f"{hour:02}:{minute:02}" + (f":{second:02}" if second else "")


def _frequency(values, field):
    """ "every minute", "every 5 minutes", "every 7th minute", or None."""
    if values == field.values:
        return f"every {field.label}"
    step = _step(values, field)
    if step is None:
        return None
    if len(field.values) % step:
        return f"every {_ordinal(step)} {field.label}"
    return f"every {step} {field.label}s"


def _noun(values, field):
    step = _step(values, field)
    if step:
        return f"every {_ordinal(step)} {field.label}"
    return _counted(field.label, values)


def _step(values, field):
    """n when the values are every n-th of the field from its first, else None."""
    if len(values) < 2 or values[0] != field.low:
        return None
    step = values[1] - values[0]
    return step if values == field.values[::step] else None


# -- days ------------------------------------------------------------------

def _one_date(fields):
    """One day of one month, whatever its weekday: "on 1 January"."""
    return (not fields.days_either and fields.weekdays == WEEKDAY.values
            and len(fields.days) == 1 and not fields.day_rules
            and len(fields.months) == 1)


def _days(fields):
    any_day = fields.days == DAY.values
    any_weekday = fields.weekdays == WEEKDAY.values
    if fields.days_either:
        if any_day or any_weekday:
            return ""
        return f"{_days_of_month(fields)} or {_weekdays(fields)}"
    if any_weekday:
        return "" if any_day else _days_of_month(fields)
    if any_day:
        return _weekdays(fields)
    names = [WEEKDAY_NAMES[d] for d in _monday_first(fields.weekdays)]
    either = ([f"a {_joined(names, 'or')}"] if names else []) + [
        f"{_weekday_rule(rule)} of the month" for rule in fields.weekday_rules]
    return f"{_days_of_month(fields)} if it is {_joined(either, 'or')}"


def _days_of_month(fields):
    """ "on days 1 and 15 of the month", "on the last day of the month"."""
    rules = [_day_rule(rule) for rule in fields.day_rules]
    if not fields.days:
        return "on " + _joined(rules)
    step = _step(fields.days, DAY)
    if step:
        listed = f"on every {_ordinal(step)} day of the month"
    else:
        listed = f"on {_counted('day', fields.days)} of the month"
    return _joined([listed] + rules)


def _day_rule(rule):
    kind, day = rule
    if kind == "W":
        return f"the weekday nearest the {_ordinal(day)}"
    return f"the last {'day' if kind == 'L' else 'weekday'} of the month"


def _weekdays(fields):
    """ "on weekdays", "on Monday and the last Friday of the month"."""
    weekdays = fields.weekdays
    rules = _joined([_weekday_rule(rule) for rule in fields.weekday_rules])
    if not weekdays:
        return f"on {rules} of the month"
    if weekdays == WORKING_DAYS:
        listed = "on weekdays"
    elif weekdays == WEEKEND:
        listed = "on weekends"
    else:
        listed = "on " + _listed(_monday_first(weekdays), WEEKDAY_NAMES.__getitem__)
    return f"{listed} and {rules} of the month" if rules else listed


def _weekday_rule(rule):
    weekday, nth = rule
    which = "last" if nth == LAST else OCCURRENCES[nth - 1]
    return f"the {which} {WEEKDAY_NAMES[(weekday - 1) % 7]}"


def _monday_first(weekdays):
    """Indexes into WEEKDAY_NAMES, in order."""
    return sorted((d - 1) % 7 for d in weekdays)


# -- words -----------------------------------------------------------------

def _counted(unit, values):
    return f"{unit}{'s' if len(values) > 1 else ''} {_listed(values, str)}"


def _listed(values, name):
    """Names of the values, runs of three or more as "a to b"."""
    runs = []
    for value in values:
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    words = []
    for run in runs:
        if len(run) >= 3:
            words.append(f"{name(run[0])} to {name(run[-1])}")
        else:
            words.extend(name(value) for value in run)
    return _joined(words)


def _joined(words, conjunction="and"):
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def _ordinal(number):
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return str(number) + {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
