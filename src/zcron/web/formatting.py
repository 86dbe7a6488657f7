"""How times, durations and statuses read on the dashboard.

Pure functions of their arguments (``now`` is passed in), so each page
shows one consistent instant and tests need no clock.
"""
from datetime import timezone

from zcron.periodicity.zone import load_zone
from zcron.exceptions import InvalidInput

UTC = timezone.utc


class When:
    """An instant as shown: in a zone with its abbreviation and offset
    (``text``), in UTC (``utc``, for the title attribute), ISO 8601
    (``iso``, for ``<time datetime>`` and sorting) and relative to now."""

    def __init__(self, dt, zone="UTC", now=None):
        try:
            tz = load_zone(zone or "UTC")
        except InvalidInput:
            tz = UTC
        try:
            local = dt.astimezone(tz)
        except OverflowError:        # year 9999 east of UTC
            local = dt.astimezone(UTC)
        self.text = local.strftime("%Y-%m-%d %H:%M:%S ") + zone_label(local)
        self.utc = dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        self.iso = dt.astimezone(UTC).isoformat()
        self.relative = relative(dt, now) if now is not None else ""

    def __str__(self):
        return self.text


def zone_label(local):
    """'CET +01:00'; just '+03:00' where the zone has no abbreviation."""
    name = local.tzname()
    if name == "UTC":
        return name
    offset = local.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}"
    if name[0] in "+-":
        return offset
    return f"{name} {offset}"


def when(dt, zone="UTC", now=None):
    """A When, or None for no time."""
    return None if dt is None else When(dt, zone, now)


def relative(dt, now):
    """'in 4 min', '2 h 5 min ago', '12 s ago', 'now': seconds only under
    a minute, so a page refreshed every few seconds changes little."""
    seconds = (dt - now).total_seconds()
    if abs(seconds) < 1:
        return "now"
    amount = duration(abs(seconds), precise=False)
    return f"in {amount}" if seconds > 0 else f"{amount} ago"


def duration(seconds, precise=True):
    """'0.25 s', '12 s', '3 min 5 s', '2 h 10 min', '3 d 4 h'; '' for None.
    Not ``precise``: whole seconds, and none past a minute."""
    if seconds is None:
        return ""
    if seconds < 60:
        if precise and seconds < 10:
            return f"{seconds:.2f} s"
        return f"{int(round(seconds))} s"
    seconds = int(round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min {secs} s" if secs and precise else f"{minutes} min"


def status_class(status):
    """CSS class of a status badge: 'st-ok', 'st-failure', 'st-none'..."""
    return "st-" + (status or "none").lower()
