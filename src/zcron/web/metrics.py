"""``/metrics`` in Prometheus' text exposition format (version 0.0.4).

Counters come from each cron's ``log_counts`` (every entry ever logged,
kept when logs are cleared); lateness, durations and the missed and
skipped counts come from the entries each cron still keeps (its newest
``logs_limit``), so they describe recent runs. Labels are escaped as the
format asks: a cron's name is user input.
"""
import re

from pyramid.response import Response
from pyramid.view import view_config

from zcron import clock
from zcron.components import load_crontab, queue_for
from zcron.exceptions import InvalidInput
from zcron.interfaces import NOTRUN, STATUSES
from zcron.web.security import VIEW

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
QUANTILES = (0.5, 0.9, 0.99)
MISSED_COUNT = re.compile(r"^missed: (?:at least )?(\d+) fire times")


def escape_label(value):
    return str(value).replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")


def labels(**pairs):
    if not pairs:
        return ""
    inner = ",".join(f'{key}="{escape_label(value)}"' for key, value in pairs.items())
    return "{" + inner + "}"


def number(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


class Exposition:
    """Collects metric families, writes them in the text format."""

    def __init__(self):
        self.families = {}

    def family(self, name, kind, help_text):
        return self.families.setdefault(
            name, {"kind": kind, "help": help_text, "samples": []})

    def add(self, name, kind, help_text, value, **label_pairs):
        self.family(name, kind, help_text)["samples"].append(
            (name + labels(**label_pairs), value))

    def sample(self, family, suffix, value, **label_pairs):
        """A sample of ``family`` with a suffixed name (summary _sum/_count)."""
        self.families[family]["samples"].append(
            (family + suffix + labels(**label_pairs), value))

    def text(self):
        lines = []
        for name, family in self.families.items():
            help_text = family["help"].replace("\\", r"\\").replace("\n", r"\n")
            lines.append(f"# HELP {name} {help_text}")
            lines.append(f"# TYPE {name} {family['kind']}")
            lines.extend(f"{sample} {number(value)}" for sample, value in family["samples"])
        return "\n".join(lines) + "\n"


def quantile(values, q):
    """Nearest-rank quantile of a sorted non-empty list."""
    index = min(len(values) - 1, max(0, int(round(q * len(values) + 0.5)) - 1))
    return values[index]


def missed_count(log):
    """Fire times a NOTRUN 'missed' entry accounts for."""
    match = MISSED_COUNT.match(log.messages[0]) if log.messages else None
    return int(match.group(1)) if match else 1


def collect(root, now):
    out = Exposition()
    queue = queue_for(root)
    out.add("zcron_queue_depth", "gauge", "Jobs waiting in the queue.", len(queue))
    out.add("zcron_queue_claimed", "gauge", "Jobs claimed by workers (running or "
            "about to).", len(queue.claimed()))
    workers = queue.workers()
    alive = sum(1 for w in workers if w.alive(now))
    for state, count in (("alive", alive), ("lost", len(workers) - alive)):
        out.add("zcron_workers", "gauge", "Registered workers, by lease state.",
                count, state=state)
    for site in root.sites.values():
        try:
            crontab = load_crontab(site)
        except InvalidInput:
            out.add("zcron_crontab_error", "gauge",
                    "1 when a site's crontab cannot be read.", 1, site=site.name)
            continue
        _site(out, site.name, crontab, now)
    return out.text()


def _site(out, name, crontab, now):
    runs = {status: 0 for status in STATUSES}
    states = {"on": 0, "off": 0, "paused": 0, "done": 0}
    kept = KeptLogs()
    for cron in crontab:
        for status, count in cron.log_counts.items():
            runs[status] = runs.get(status, 0) + count
        states[cron.state(now)] += 1
        _last_run(out, name, cron)
        for log in cron.logs:
            kept.add(log)
    _site_totals(out, name, crontab.activated, states, runs, kept)


class KeptLogs:
    """What a site's kept log entries tell: the durations and lateness of
    runs, the fire times missed and the runs skipped for overlap."""

    def __init__(self):
        self.durations, self.lateness = [], []
        self.missed = self.skipped = 0

    def add(self, log):
        if log.status != NOTRUN:
            if log.duration is not None:
                self.durations.append(log.duration)
            if log.fire_time is not None:
                self.lateness.append(log.lateness)
        elif log.messages:
            if log.messages[0].startswith("missed"):
                self.missed += missed_count(log)
            elif log.messages[0].startswith("overlap"):
                self.skipped += 1


def _last_run(out, site, cron):
    """The gauges of one cron's last entry."""
    last = cron.last_log()
    if last is None:
        return
    cron_labels = {"site": site, "cron": cron.name, "uid": cron.uid}
    if last.fire_time is not None:
        out.add("zcron_last_run_lateness_seconds", "gauge",
                "Last entry's date minus its due time (a retry's own, else its fire time).",
                last.lateness, **cron_labels)
    if last.duration is not None:
        out.add("zcron_last_run_duration_seconds", "gauge",
                "Duration of the cron's last run.", last.duration, **cron_labels)


def _site_totals(out, name, activated, states, runs, kept):
    """The families of a whole site, after its crons'."""
    out.add("zcron_crontab_activated", "gauge", "1 when the site's crontab is on.",
            activated, site=name)
    for state, count in states.items():
        out.add("zcron_crons", "gauge", "Crons by state.", count, site=name, state=state)
    for status, count in runs.items():
        out.add("zcron_runs_total", "counter",
                "Log entries ever written, by status (runs and NOTRUN accounts).",
                count, site=name, status=status)
    out.add("zcron_missed_fire_times", "gauge",
            "Fire times logged NOTRUN as missed, in the kept logs.", kept.missed, site=name)
    out.add("zcron_skipped_overlap_runs", "gauge",
            "Runs logged NOTRUN for overlap, in the kept logs.", kept.skipped, site=name)
    _summary(out, "zcron_run_duration_seconds",
             "Durations of the runs in the kept logs.", kept.durations, name)
    _summary(out, "zcron_run_lateness_seconds",
             "Log date minus due time of the runs in the kept logs.", kept.lateness, name)


def _summary(out, family, help_text, values, site):
    values = sorted(values)
    samples = out.family(family, "summary", help_text)["samples"]
    for q in QUANTILES if values else ():
        samples.append((family + labels(site=site, quantile=str(q)), quantile(values, q)))
    out.sample(family, "_sum", sum(values), site=site)
    out.sample(family, "_count", len(values), site=site)


@view_config(route_name="metrics", permission=VIEW, request_method=("GET", "HEAD"))
def metrics(request):
    body = collect(request.zcron_root, clock.now())
    response = Response(body=body.encode("utf-8"))
    response.headers["Content-Type"] = CONTENT_TYPE
    return response
