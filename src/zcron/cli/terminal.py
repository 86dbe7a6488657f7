"""What depends on the terminal the output goes to: its width (tables are
cut to fit it; no limit when piped) and colours (statuses and states on a
terminal; plain when piped, with ``NO_COLOR`` set or ``--no-color``)."""
import os
import shutil
import sys

import click

NO_COLOR_KEY = "zcron.no_color"      # in the click context's meta, by --no-color
CUT = "…"
MIN_WIDTH = 8                         # a column is not cut narrower (nor its header)

COLOURS = {
    "OK": "green", "WARN": "yellow", "FAILURE": "red", "NOTRUN": "magenta",
    "on": "green", "paused": "yellow", "off": "bright_black", "done": "bright_black",
}


def stdout_is_tty():
    return bool(getattr(sys.stdout, "isatty", None) and sys.stdout.isatty())


def width_limit():
    """The terminal's width (``COLUMNS`` first), or None when piped."""
    if os.environ.get("COLUMNS", "").isdigit() or stdout_is_tty():
        return shutil.get_terminal_size().columns
    return None


def colour_on():
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(NO_COLOR_KEY):
        return False
    return not os.environ.get("NO_COLOR") and stdout_is_tty()


def paint(padded, text):
    """``padded`` (a cell, padded) in the colour of its ``text``'s first word."""
    colour = COLOURS.get(text.split(" ", 1)[0]) if text else None
    return click.style(padded, fg=colour) if colour else padded


def fit(widths, headers, limit, cut_first=()):
    """Column widths whose row, two spaces between columns, is at most
    ``limit`` wide: the widest of ``cut_first`` (indexes) cut first, then
    the widest of all; none below its header (or MIN_WIDTH)."""
    widths = list(widths)
    floors = [min(w, max(len(h), MIN_WIDTH)) for w, h in zip(widths, headers)]
    excess = sum(widths) + 2 * (len(widths) - 1) - limit
    for columns in (list(cut_first), range(len(widths))):
        while excess > 0 and columns:
            i = max(columns, key=lambda n: widths[n] - floors[n])
            if widths[i] <= floors[i]:
                break
            widths[i] -= 1
            excess -= 1
    return widths


def cut(text, width):
    return text if len(text) <= width else text[:max(width - 1, 0)] + CUT
