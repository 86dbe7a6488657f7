"""The alert rules, one place for each: when a cron is overdue, when a run
runs long, when a cron is failing (auto-paused is the circuit breaker's:
``zcron.worker.breaker.is_auto_paused``). Computed from stored data
only, so the dashboard, /metrics and ``zcron status`` say what the
workers' checks say, workers up or down."""
from datetime import timedelta

from zcron.interfaces import FAILURE
from zcron.model.defaults import effective


def success_base(cron):
    """What an overdue cron counts from: its last success, else its
    creation; a resume after it counts instead (a paused cron is not
    expected to succeed)."""
    stamps = [t for t in (cron.last_success or cron.created, cron.resumed) if t is not None]
    return max(stamps) if stamps else None


def expects_runs(cron, now):
    """Switched on, not paused, not done: it should be succeeding."""
    return cron.switched_on and not cron.paused_at(now) and not cron.done(now)


def overdue_since(cron, now):
    """The time it counts from when the cron is overdue at ``now``: no OK
    or WARN for longer than its ``alert_no_success``; None when it is not."""
    limit = effective(cron, "alert_no_success")
    if limit is None:
        return None
    base = success_base(cron)
    if base is None or now - base <= timedelta(seconds=limit):
        return None
    return base if expects_runs(cron, now) else None     # the dearest question last


def run_started(claim):
    """When a claimed run started: claims are made ahead, up to its due time."""
    return max(claim.claimed_at, claim.job.due)


def running_long(cron, claim, now):
    """A run still going past the cron's ``alert_running``."""
    limit = effective(cron, "alert_running")
    return limit is not None and now - run_started(claim) > timedelta(seconds=limit)


def failing(cron):
    """Its last run failed, and it is switched on (paused counts: a pause
    does not mend it; switched off, nobody expects it)."""
    return cron.switched_on and cron.last_status == FAILURE

