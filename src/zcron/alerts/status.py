"""What is wrong now, from stored data only (workers up or down): the
overdue, failing, running-long and auto-paused crons of every site (or
one), for ``zcron status``, and each cron's alert gauges for /metrics."""
from zcron.alerts.check import may_be_overdue
from zcron.alerts.rules import failing, overdue_since, run_started, running_long
from zcron.components import load_crontab, queue_for
from zcron.exceptions import InvalidInput, NotFound
from zcron.model.timeutil import dump_time
from zcron.queue.base import still_running
from zcron.worker.breaker import is_auto_paused

PROBLEMS = ("overdue", "failing", "running_long", "auto_paused")
# Problems that make ``zcron status`` exit 1 (a Nagios-style check).
SERIOUS = ("overdue", "failing")


def _entry(site, cron, when, text=""):
    return {"site": site.name, "cron": cron.name, "uid": cron.uid,
            "since": dump_time(when), "text": text}


def _cron_problems(found, site, cron, now):
    since = overdue_since(cron, now)
    if since is not None:
        found["overdue"].append(_entry(site, cron, since, "no success since"))
    if failing(cron):
        last = cron.last_log()
        found["failing"].append(_entry(site, cron, last.date, " ".join(last.messages[:1])))
    if is_auto_paused(cron, now):
        found["auto_paused"].append(_entry(site, cron, cron.paused_until, cron.pause_note))


def _running_long(found, site, crontab, queue, now):
    for claim in queue.claimed(site.name):
        try:
            cron = crontab.get(claim.job.uid)
        except NotFound:
            continue
        if still_running(cron, [claim]) and running_long(cron, claim, now):
            found["running_long"].append(_entry(site, cron, run_started(claim),
                                                "running since"))


def problems(root, now, site_name=None):
    """{problem: [entries]} plus 'crons' and 'sites' checked and 'ok'
    (no serious problem); ``site_name`` limits it to one site."""
    found = {problem: [] for problem in PROBLEMS}
    queue, checked = queue_for(root), 0
    sites = [root.get_site(site_name)] if site_name else list(root.sites.values())
    for site in sites:
        try:
            crontab = load_crontab(site)
        except InvalidInput:
            continue
        for cron in crontab:
            checked += 1
            _cron_problems(found, site, cron, now)
        _running_long(found, site, crontab, queue, now)
    found.update(crons=checked, sites=len(sites),
                 ok=not any(found[problem] for problem in SERIOUS))
    return found


def cron_gauges(cron, now):
    """(name, help, value) of a cron's alert gauges, for /metrics."""
    success = cron.last_success
    gauges = [("zcron_cron_overdue", "1 when the cron is overdue: no success for longer "
               "than its alert_no_success.", int(overdue_since(cron, now) is not None))]
    if success is not None:
        gauges.append(("zcron_cron_last_success_timestamp_seconds",
                       "Unix time of the cron's last OK or WARN.", success.timestamp()))
    return gauges


def overdue_count(site, now):
    """How many crons of a site are overdue (0 for a crontab that cannot be read)."""
    try:
        crontab = load_crontab(site)
    except InvalidInput:
        return 0
    return sum(1 for cron in may_be_overdue(site, crontab)
               if overdue_since(cron, now) is not None)
