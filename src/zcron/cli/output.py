"""What the commands print: tables and text for people, JSON for scripts.

Times are shown in a cron's own zone with the zone's abbreviation and
offset (``2026-11-22 08:00 CET (+01:00)``), or in UTC when asked; JSON
carries ISO 8601 strings with their offset.
"""
import json
import sys
import textwrap
from datetime import datetime, timezone
from itertools import islice

import click

from zcron.cli.terminal import colour_on, cut, fit, paint, width_limit
from zcron.exceptions import UnknownTimezone
from zcron.model.timeutil import FOREVER
from zcron.periodicity.zone import load_zone

UTC = timezone.utc
NONE = "-"
PAINTED = ("STATUS", "STATE")      # the columns a table paints on a terminal
SHORT_UID = 8          # characters of a uid in tables: any unique start names a cron
FOREVER_ISO = FOREVER.isoformat()
PAGE = 100             # rows a streamed table is measured on, and printed at a time


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


def format_time(dt, zone_name="UTC", utc=False, seconds=None):
    """``2026-11-22 08:00 CET (+01:00)``; the seconds when ``seconds``, or
    (None) when not zero."""
    if dt is None:
        return NONE
    local = in_zone(dt, zone_name, utc)
    shown = local.second if seconds is None else seconds
    text = local.strftime("%Y-%m-%d %H:%M:%S" if shown else "%Y-%m-%d %H:%M")
    return f"{text} {local.tzname()} ({format_offset(local)})"


RELATIVE_UNITS = (("s", 1, 60), ("min", 60, 90 * 60), ("h", 3600, 36 * 3600),
                  ("d", 86400, float("inf")))     # unit, its seconds, used below


def relative(dt, now):
    """``in 3 min``, ``2 h ago``, ``now``: how far ``dt`` is from ``now``."""
    seconds = (dt - now).total_seconds()
    if abs(seconds) < 1:
        return "now"
    unit, size = next((u, size) for u, size, below in RELATIVE_UNITS
                      if abs(seconds) < below)
    text = f"{round(abs(seconds) / size)} {unit}"
    return f"in {text}" if seconds > 0 else f"{text} ago"


def time_column(texts, zones, utc, now=None):
    """A table's column of ISO times (or None), each in its zone, after how
    far it is from ``now`` when given (what stays when the column is cut):
    seconds on every line if on any, the times aligned."""
    times = [None if t is None else datetime.fromisoformat(t) for t in texts]
    seconds = any(t is not None and t.second for t in times)
    relatives = [None if t is None or now is None else relative(t, now) for t in times]
    width = max((len(r) for r in relatives if r), default=0)

    def shown(t, z, r):
        text = format_time(t, z, utc, seconds)
        return text if r is None else f"{r:<{width}}  {text}"
    return [NONE if t is None else shown(t, z, r) for t, z, r in zip(times, zones, relatives)]


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


def table(headers, rows, width=None, colour=False, cut_first=()):
    """Left-aligned columns separated by two spaces; the last one is not
    padded, so long messages do not widen the others. With ``width``,
    cells are cut (ending in …) so that lines fit it, the columns
    ``cut_first`` (indexes) before the others; with ``colour``, the
    STATUS and STATE columns are painted."""
    rows = list(cells(rows))
    widths = column_widths(headers, rows, width, cut_first)
    painted = painted_columns(headers, colour)
    lines = [table_line(headers, widths, set())]
    lines.extend(table_line(row, widths, painted) for row in rows)
    return "\n".join(lines)


def cells(rows):
    return ([NONE if cell is None else str(cell) for cell in row] for row in rows)


def column_widths(headers, rows, width, cut_first):
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows)]
    return widths if width is None else fit(widths, headers, width, cut_first)


def painted_columns(headers, colour):
    return {i for i, h in enumerate(headers) if h in PAINTED} if colour else set()


def table_line(row, widths, painted, cutting=True):
    """One line of a table; the cells of the columns ``painted`` in colour."""
    cells = [cut(cell, width) for cell, width in zip(row, widths)] if cutting else row
    padded = [c.ljust(width) for c, width in zip(cells[:-1], widths)] + [cells[-1]]
    return "  ".join(paint(p, c) if i in painted else p
                     for i, (p, c) in enumerate(zip(padded, cells))).rstrip()


def echo_table(headers, rows, empty="nothing to show", cut_first=()):
    """A table fitting the terminal, in colour there (see zcron.cli.terminal)."""
    if not rows:
        click.echo(f"({empty})")
        return
    click.echo(table(headers, rows, width_limit(), colour_on(), cut_first))


def echo_rows(headers, rows, empty="nothing to show", cut_first=()):
    """``echo_table`` of rows printed a page at a time as they come (the
    list of a million crons starts at once): the columns are measured on
    the first PAGE rows; on a terminal later cells are cut to them, piped
    none is (a longer cell only shifts its line)."""
    rows = cells(rows)
    page = list(islice(rows, PAGE))
    if not page:
        click.echo(f"({empty})")
        return
    width = width_limit()
    widths = column_widths(headers, page, width, cut_first)
    painted = painted_columns(headers, colour_on())
    lines = [table_line(headers, widths, set())]
    while page:
        lines += [table_line(row, widths, painted, width is not None) for row in page]
        click.echo("\n".join(lines))      # flushed: the first page shows at once
        lines, page = [], list(islice(rows, PAGE))


def echo_json_list(items):
    """``echo_json`` of a list, printed item by item as they come: the same text."""
    opening = "["
    for item in items:
        text = textwrap.indent(json.dumps(item, ensure_ascii=False, indent=2), "  ")
        click.echo(f"{opening}\n{text}", nl=False)
        opening = ","
    click.echo("[]" if opening == "[" else "\n]")


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
