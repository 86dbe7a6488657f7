"""History at a glance, drawn on the server: a cron's strip of recent
outcomes (the crontab table) and its chart of duration and lateness over
its kept entries (the logs page), as inline SVG: no script, no build step.
They return markup (templates insert it with ``structure:``): every text
in it is escaped here.

Both read the cron's kept entries only (the crontab page loads each cron's
log record already, for its last run): they cost no extra record."""
from datetime import timezone
from html import escape

from zcron.exceptions import InvalidInput
from zcron.interfaces import NOTRUN
from zcron.periodicity.zone import load_zone
from zcron.web.formatting import duration, status_class, when

STRIP_MARKS = 20
WIDTH, HEIGHT, PAD = 720, 180, 36        # the chart's box, and room for its labels
SERIES = (("duration", "Duration"), ("lateness", "Late by"))


def strip(cron):
    """The newest STRIP_MARKS outcomes, oldest left, newest right; each
    mark says its status and date (title and aria-label). Cheap: one zone
    lookup and one strftime a mark (a crontab page draws 20 a cron)."""
    zone = _zone(cron.timezone)
    marks = []
    for log in reversed(cron.logs[:STRIP_MARKS]):
        label = escape(f"{log.status} {log.date.astimezone(zone):%Y-%m-%d %H:%M %Z}")
        marks.append(f'<span class="mark {status_class(log.status)}" role="listitem" '
                     f'title="{label}" aria-label="{label}"></span>')
    if not marks:
        return '<span class="muted">—</span>'
    return ('<span class="strip-marks" role="list" aria-label="recent outcomes, newest '
            f'right">{"".join(marks)}</span>')


def _zone(name):
    """The cron's zone, UTC when it is gone from the system."""
    try:
        return load_zone(name)
    except InvalidInput:
        return timezone.utc


def lateness(log):
    """Seconds from its fire time to its entry (None for NOTRUN: no run)."""
    if log.fire_time is None or log.status == NOTRUN:
        return None
    return max(0.0, (log.date - log.fire_time).total_seconds())


def points(logs):
    """[(log, {series: seconds or None})], oldest first."""
    return [(log, {"duration": log.duration, "lateness": lateness(log)})
            for log in reversed(tuple(logs))]


def timing_chart(logs, zone="UTC"):
    """An SVG chart of duration and lateness, one point per kept entry,
    oldest left, on one scale of seconds from 0 to the largest value."""
    data = points(logs)
    values = [v for _, vs in data for v in vs.values() if v is not None]
    if not values:
        return '<p class="muted" id="no-chart">No timing to chart yet.</p>'
    top = max(values) or 1.0
    step = (WIDTH - 2 * PAD) / max(1, len(data) - 1)

    def xy(i, seconds):
        return PAD + i * step, HEIGHT - PAD - (HEIGHT - 2 * PAD) * seconds / top
    parts = [_axes(top, data, zone)]
    for key, label in SERIES:
        parts.append(_series(key, label, data, xy, zone))
    title = f"Duration and lateness of the last {len(data)} entries"
    return (f'<figure class="chart" id="timing-chart"><svg viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'role="img" aria-label="{title}" xmlns="http://www.w3.org/2000/svg">'
            f'<title>{title}</title>{"".join(parts)}</svg>{_legend()}</figure>')


def _axes(top, data, zone):
    """The frame, the scale's top and 0, and the first and last dates."""
    bottom, right = HEIGHT - PAD, WIDTH - PAD
    first, last = (escape(when(data[i][0].date, zone).text[:16]) for i in (0, -1))
    p, t, d = PAD, PAD - 4, bottom + 16
    return (f'<g class="axes"><line x1="{p}" y1="{p}" x2="{p}" y2="{bottom}"/>'
            f'<line x1="{p}" y1="{bottom}" x2="{right}" y2="{bottom}"/>'
            f'<text x="{t}" y="{p}" text-anchor="end">{escape(duration(top))}</text>'
            f'<text x="{t}" y="{bottom}" text-anchor="end">0</text>'
            f'<text x="{p}" y="{d}">{first}</text>'
            f'<text x="{right}" y="{d}" text-anchor="end">{last}</text></g>')


def _series(key, label, data, xy, zone):
    """One line and its points, each point titled with its entry."""
    coords = [(i, xy(i, vs[key]), log) for i, (log, vs) in enumerate(data)
              if vs[key] is not None]
    if not coords:
        return ""
    line = " ".join(f"{x:.1f},{y:.1f}" for _, (x, y), _ in coords)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="{status_class(log.status)}">'
        f'<title>{escape(_point_title(label, log, data[i][1][key], zone))}</title></circle>'
        for i, (x, y), log in coords)
    return f'<g class="series {key}"><polyline points="{line}"/>{dots}</g>'


def _point_title(label, log, seconds, zone):
    return f"{when(log.date, zone).text}: {log.status}, {label.lower()} {duration(seconds)}"


def _legend():
    keys = " ".join(f'<span class="key {key}">{label}</span>' for key, label in SERIES)
    return f'<figcaption class="legend">{keys}</figcaption>'

