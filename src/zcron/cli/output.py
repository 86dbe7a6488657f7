"""What the commands print: tables and text for people, JSON for scripts.

Times are shown in a cron's own zone with the zone's abbreviation and
offset (``2026-11-22 08:00 CET (+01:00)``), or in UTC when asked; JSON
carries ISO 8601 strings with their offset.
"""
import json
import sys
from datetime import datetime, timezone

import click

from zcron.exceptions import UnknownTimezone
from zcron.model.timeutil import FOREVER
from zcron.periodicity.zone import load_zone

UTC = timezone.utc
NONE = "-"
FOREVER_ISO = FOREVER.isoformat()


# -- time --------------------------------------------------------------------

def zone(name):
    """The tzinfo of an IANA name; UTC for a name this machine lacks (a
    saved cron whose zone left the tz database still prints)."""
    try:
        return load_zone(name)
    except UnknownTimezone:
        return UTC


def format_offset(dt):
    seconds = int(dt.utcoffset().total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}"


def in_zone(dt, zone_name, utc=False):
    return dt.astimezone(UTC if utc else zone(zone_name))


def format_time(dt, zone_name="UTC", utc=False):
    """``2026-11-22 08:00 CET (+01:00)``; seconds only when not zero."""
    if dt is None:
        return NONE
    local = in_zone(dt, zone_name, utc)
    text = local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")
    return f"{text} {local.tzname()} ({format_offset(local)})"


def format_iso(text, zone_name="UTC", utc=False):
    """``format_time`` of an ISO 8601 string from a dump (or of None)."""
    if text is None:
        return NONE
    return format_time(datetime.fromisoformat(text), zone_name, utc)


def format_pause_end(text, zone_name="UTC", utc=False):
    """The end of a pause from a dump's ``paused_until``: a time, or
    ``resumed`` for a pause without end."""
    return "resumed" if text == FOREVER_ISO else format_iso(text, zone_name, utc)


def iso_time(dt, zone_name="UTC", utc=False):
    """ISO 8601 with the offset, for JSON."""
    return None if dt is None else in_zone(dt, zone_name, utc).isoformat()


def clock_time(dt, utc=False):
    """``HH:MM:SS`` on this machine's clock (or UTC), for live lines."""
    return (dt.astimezone(UTC) if utc else dt.astimezone()).strftime("%H:%M:%S")


def format_duration(seconds):
    if seconds is None:
        return NONE
    if seconds < 10:
        return f"{seconds:.2f}s"
    if seconds < 120:
        return f"{seconds:.1f}s"
    minutes, seconds = divmod(int(round(seconds)), 60)
    if minutes < 120:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def plural(count, word):
    return f"{count} {word}" + ("" if count == 1 else "s")


def format_seconds(value):
    """A policy value in seconds, as given: ``3600``, ``1.5``, ``-``."""
    if value is None:
        return NONE
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


# -- JSON and tables -----------------------------------------------------------

def echo_json(data):
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def echo_result(data, as_json, text):
    """A command's result: ``data`` as JSON with ``--json``, else ``text``."""
    if as_json:
        echo_json(data)
    else:
        click.echo(text)


def table(headers, rows):
    """Left-aligned columns separated by two spaces; the last one is not
    padded, so long messages do not widen the others."""
    rows = [[NONE if cell is None else str(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = []
    for row in [list(headers)] + rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join(cells + [row[-1]]).rstrip())
    return "\n".join(lines)


def echo_table(headers, rows, empty="nothing to show"):
    if not rows:
        click.echo(f"({empty})")
        return
    click.echo(table(headers, rows))


def first_line(messages):
    """The first message, on one line, with a count of the others."""
    if not messages:
        return ""
    text = " ".join(str(messages[0]).split())
    if len(messages) > 1:
        text += f" (+{len(messages) - 1} more)"
    return text


def note(text):
    """A remark for people, on stderr, that never mixes with data."""
    click.echo(f"note: {text}", err=True)


# -- progress ------------------------------------------------------------------

def stderr_is_tty():
    stream = sys.stderr
    return bool(getattr(stream, "isatty", None) and stream.isatty())


class Progress:
    """Phases and bars on stderr when it is a terminal; silent otherwise
    (the command prints its final count either way)."""

    def __init__(self, enabled=None):
        self.enabled = stderr_is_tty() if enabled is None else enabled

    def phase(self, text):
        if self.enabled:
            click.echo(f"{text} ...", err=True)

    def each(self, items, label):
        """Iterate ``items`` (a sized sequence) with a progress bar."""
        if not self.enabled:
            yield from items
            return
        with click.progressbar(items, label=label, file=sys.stderr,
                               show_pos=True) as bar:
            yield from bar


def one_line(text):
    """A message of several lines (a library's error) as one."""
    return " ".join(line.strip() for line in str(text).strip().splitlines() if line.strip())
