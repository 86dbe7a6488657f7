"""``/metrics`` for Prometheus: a prometheus_client collector over zcron's
data, written in the text exposition format (version 0.0.4).

Each metric is one small function, registered for what it describes:
``@whole`` (the root: queue, workers), ``@per_site`` (a site's crontab and
what its crons add up to) or ``@per_cron`` (one cron); the collector walks
the sites and crons once and calls them. Counters come from each cron's
``log_counts`` (every entry ever logged, kept when logs are cleared);
lateness, durations and the missed and skipped counts come from the
entries each cron still keeps (its newest ``logs_limit``), so they
describe recent runs.
"""
import re

from prometheus_client.exposition import generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.samples import Sample
from pyramid.response import Response
from pyramid.view import view_config

from zcron import clock
from zcron.alerts.status import cron_gauges
from zcron.components import load_crontab, queue_for
from zcron.exceptions import InvalidInput
from zcron.interfaces import NOTRUN, STATUSES
from zcron.web.security import VIEW

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
QUANTILES = (0.5, 0.9, 0.99)
MISSED_COUNT = re.compile(r"^missed: (?:at least )?(\d+) fire times")
WHOLE, PER_SITE, PER_CRON = [], [], []


def whole(metric):
    """``metric(out, root, queue, now)``: the whole database's samples."""
    WHOLE.append(metric)
    return metric


def per_site(metric):
    """``metric(out, site name, crontab, SiteTotals)``, after its crons'."""
    PER_SITE.append(metric)
    return metric


def per_cron(metric):
    """``metric(out, {site, cron, uid labels}, cron, now)``."""
    PER_CRON.append(metric)
    return metric


class Families:
    """The metric families of one scrape, in the order first added. A
    sample is appended as it comes (10,000 crons make 12,000 of them):
    no per-sample work beyond its own tuple."""

    def __init__(self):
        self.families = {}

    def family(self, name, kind, help_text):
        family = self.families.get(name)
        if family is None:
            base = name.removesuffix("_total") if kind == "counter" else name
            family = self.families[name] = Metric(base, help_text, kind)
        return family

    def add(self, name, kind, help_text, value, suffix="", **labels):
        """A sample of the family ``name`` (named ``name + suffix``); label
        values are text."""
        self.family(name, kind, help_text).samples.append(
            Sample(name + suffix, labels, float(value)))

    def gauge(self, name, help_text, value, **labels):
        self.family(name, "gauge", help_text).samples.append(
            Sample(name, labels, float(value)))

    def collect(self):
        return self.families.values()


class Collector:
    """prometheus_client's collector protocol over a zcron root at ``now``."""

    def __init__(self, root, now):
        self.root, self.now = root, now

    def collect(self):
        out, queue = Families(), queue_for(self.root)
        for metric in WHOLE:
            metric(out, self.root, queue, self.now)
        for site in self.root.sites.values():
            try:
                crontab = load_crontab(site)
            except InvalidInput:
                out.gauge("zcron_crontab_error", "1 when a site's crontab cannot be read.",
                          1, site=site.name)
                continue
            totals, name, now = SiteTotals(), site.name, self.now
            for cron in crontab:
                totals.add(cron, now)
                labels = {"site": name, "cron": cron.name, "uid": cron.uid}
                for metric in PER_CRON:
                    metric(out, labels, cron, now)
            for metric in PER_SITE:
                metric(out, site.name, crontab, totals)
        return out.collect()


def exposition(root, now):
    """The text of ``/metrics``."""
    return generate_latest(Collector(root, now)).decode("utf-8")


def quantile(values, q):
    """Nearest-rank quantile of a sorted non-empty list."""
    index = min(len(values) - 1, max(0, int(round(q * len(values) + 0.5)) - 1))
    return values[index]


def missed_count(log):
    """Fire times a NOTRUN 'missed' entry accounts for."""
    match = MISSED_COUNT.match(log.messages[0]) if log.messages else None
    return int(match.group(1)) if match else 1


class SiteTotals:
    """What a site's crons add up to: their states, their runs ever logged,
    and what their kept entries tell (durations and lateness of runs, fire
    times missed, runs skipped for overlap)."""

    def __init__(self):
        self.states = {"on": 0, "off": 0, "paused": 0, "done": 0}
        self.runs = {status: 0 for status in STATUSES}
        self.durations, self.lateness = [], []
        self.missed = self.skipped = 0

    def add(self, cron, now):
        self.states[cron.state(now)] += 1
        for status, count in cron.log_counts.items():
            self.runs[status] = self.runs.get(status, 0) + count
        for log in cron.logs:
            self.add_log(log)

    def add_log(self, log):
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


# -- the metrics ---------------------------------------------------------------------

@whole
def queue_metrics(out, root, queue, now):
    out.gauge("zcron_queue_depth", "Jobs waiting in the queue.", len(queue))
    out.gauge("zcron_queue_claimed", "Jobs claimed by workers (running or about to).",
              len(queue.claimed()))
    workers = queue.workers()
    alive = sum(1 for w in workers if w.alive(now))
    for state, count in (("alive", alive), ("lost", len(workers) - alive)):
        out.gauge("zcron_workers", "Registered workers, by lease state.", count, state=state)


@per_cron
def last_run_lateness(out, labels, cron, now):
    last = cron.last_log()
    if last is not None and last.fire_time is not None:
        out.gauge("zcron_last_run_lateness_seconds",
                  "Last entry's date minus its due time (a retry's own, else its fire time).",
                  last.lateness, **labels)


@per_cron
def last_run_duration(out, labels, cron, now):
    last = cron.last_log()
    if last is not None and last.duration is not None:
        out.gauge("zcron_last_run_duration_seconds", "Duration of the cron's last run.",
                  last.duration, **labels)


@per_cron
def alert_gauges(out, labels, cron, now):
    for name, help_text, value in cron_gauges(cron, now):
        out.gauge(name, help_text, value, **labels)


@per_site
def crontab_metrics(out, site, crontab, totals):
    out.gauge("zcron_crontab_activated", "1 when the site's crontab is on.",
              crontab.activated, site=site)
    for state, count in totals.states.items():
        out.gauge("zcron_crons", "Crons by state.", count, site=site, state=state)


@per_site
def run_counts(out, site, crontab, totals):
    for status, count in totals.runs.items():
        out.add("zcron_runs_total", "counter",
                "Log entries ever written, by status (runs and NOTRUN accounts).",
                count, site=site, status=status)
    out.gauge("zcron_missed_fire_times",
              "Fire times logged NOTRUN as missed, in the kept logs.", totals.missed, site=site)
    out.gauge("zcron_skipped_overlap_runs",
              "Runs logged NOTRUN for overlap, in the kept logs.", totals.skipped, site=site)


@per_site
def run_summaries(out, site, crontab, totals):
    summary(out, "zcron_run_duration_seconds",
            "Durations of the runs in the kept logs.", totals.durations, site)
    summary(out, "zcron_run_lateness_seconds",
            "Log date minus due time of the runs in the kept logs.", totals.lateness, site)


def summary(out, name, help_text, values, site):
    values = sorted(values)
    for q in QUANTILES if values else ():
        out.add(name, "summary", help_text, quantile(values, q), site=site, quantile=str(q))
    out.add(name, "summary", help_text, sum(values), "_sum", site=site)
    out.add(name, "summary", help_text, len(values), "_count", site=site)


@view_config(route_name="metrics", permission=VIEW, request_method=("GET", "HEAD"))
def metrics(request):
    body = exposition(request.zcron_root, clock.now())
    response = Response(body=body.encode("utf-8"))
    response.headers["Content-Type"] = CONTENT_TYPE
    return response
