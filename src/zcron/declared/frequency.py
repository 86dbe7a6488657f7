"""The superdjango scheduler's ``every`` and ``at`` words as zcron schedule
texts: ``10 minutes`` is ``every 10 minutes``, ``sunday`` at ``23:30`` is
``every sunday at 23:30``; ``at`` goes with a day or weekday frequency."""
import re

from zcron.exceptions import InvalidInput

ELAPSED = re.compile(r"(?:(\d+) )?(second|minute|hour)s?")
DAYS = re.compile(r"(?:(\d+) )?days?")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY = ("weekday", "weekdays")
AT = re.compile(r"([01]?\d|2[0-3]):[0-5]\d")
EXPECTED = ("expected N seconds, N minutes, N hours, N days, day, weekday or a "
            "day's name (monday...)")


def schedule_text(every, at, where):
    """The zcron schedule text of ``every`` (and ``at``, or None); InvalidInput
    naming ``where`` (``scheduler.ini [label]``) otherwise."""
    words = " ".join(every.lower().split())
    elapsed = ELAPSED.fullmatch(words)
    if elapsed:
        if at is not None:
            raise InvalidInput("at", at, f"goes with a day or weekday frequency, not "
                                         f"{every!r} (declared at {where})")
        return f"every {words}"
    if at is not None and not AT.fullmatch(at.strip()):
        raise InvalidInput("at", at, f"expected HH:MM, 24 hours (declared at {where})")
    time = at.strip() if at is not None else "00:00"
    days = DAYS.fullmatch(words)
    if days:
        count = days.group(1)
        return f"every {count} days at {time}" if count else f"every day at {time}"
    if words in WEEKDAY:
        return f"every weekday at {time}"
    if words in DAY_NAMES:
        return f"every {words} at {time}"
    raise InvalidInput("every", every, f"{EXPECTED} (declared at {where})")
