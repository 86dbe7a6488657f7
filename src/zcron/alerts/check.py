"""One alert check over every site, in the caller's transaction: overdue
episodes opened (``CronOverdueEvent``) and closed (``CronRecoveredEvent``
when the cron succeeded again), runs past their ``alert_running`` said
once (``CronRunningLongEvent``). Returns the events, for the caller to
fire once its transaction committed. Overdue is asked of the crons that
can alert (``zcron.model.indexes``), and those with an episode open; of
every cron of a site with a default ``alert_no_success``."""
from zcron.alerts.rules import overdue_since, run_started, running_long
from zcron.alerts.state import alert_book, close_episode, episode, open_episode
from zcron.components import load_crontab
from zcron.db import sparingly
from zcron.events import CronOverdueEvent, CronRecoveredEvent, CronRunningLongEvent
from zcron.exceptions import InvalidInput
from zcron.model.defaults import effective, site_defaults
from zcron.model.indexes import alerting_uids
from zcron.queue.base import still_running


class Stopped(Exception):
    """The check was cut short: its transaction must not commit (a partial
    check would close the episodes of the crons it did not read)."""


def check(root, queue, crons, now, stopping=lambda: False):
    """The events due at ``now``; ``crons`` finds the cron of a job;
    ``stopping()`` true raises Stopped (a stopping worker does not wait
    long for a check reading every cron)."""
    book = alert_book(root)
    events, seen = [], set()
    for site in list(root.sites.values()):
        try:
            crontab = load_crontab(site)
        except InvalidInput:
            continue          # a broken file: the dashboard says so
        for cron in _watched(book, site, crontab):
            if stopping():
                raise Stopped()
            seen.add((site.name, cron.uid))
            event = _overdue(book, site, cron, now)
            if event is not None:
                events.append(event)
    for site_name, uid in [key for key in book.overdue.keys() if key not in seen]:
        close_episode(book, site_name, uid)       # the cron or its site is gone
    events.extend(_running(book, queue, crons, now))
    return events


def _watched(book, site, crontab):
    """The crons of a site the check asks whether they are overdue: those
    that can be, and those with an episode open (to close it)."""
    opened = book.overdue.keys(min=(site.name,), max=(site.name + "\0",), excludemax=True)
    return may_be_overdue(site, crontab, extra=[uid for _, uid in opened])


def may_be_overdue(site, crontab, extra=()):
    """The crons of a site that can be overdue (an alert field of their
    own, read from the crontab's index) and those of ``extra`` uids; every
    cron when the site has a default ``alert_no_success`` or the index is
    not built yet. Read sparingly: a connection's cache is not filled."""
    uids = alerting_uids(crontab)
    if uids is None or "alert_no_success" in site_defaults(site):
        return sparingly(crontab, crontab)
    wanted = set(uids).union(extra)
    return sparingly((crontab.get(uid) for uid in sorted(wanted) if uid in crontab), crontab)


def _overdue(book, site, cron, now):
    since = overdue_since(cron, now)
    opened = episode(book, site.name, cron.uid)
    if since is not None and opened is None:
        open_episode(book, site.name, cron.uid, since)
        return CronOverdueEvent(site, cron, since)
    if since is None and opened is not None:
        close_episode(book, site.name, cron.uid)
        success = cron.last_success
        if success is not None and success > opened:
            return CronRecoveredEvent(site, cron, opened)
    return None


def _running(book, queue, crons, now):
    """Runs past their limit, each once; ids of runs over are dropped."""
    events, live = [], set()
    for claim in queue.claimed():
        cron = crons.of(claim.job)
        # its limit first: whether it still runs reads the cron's whole log
        if cron is None or effective(cron, "alert_running") is None or \
                not still_running(cron, [claim]):
            continue
        live.add(claim.execution_id)
        if claim.execution_id in book.running or not running_long(cron, claim, now):
            continue
        book.running[claim.execution_id] = (claim.job.site, claim.job.uid)
        events.append(CronRunningLongEvent(crons.site(claim.job), cron,
                                           claim.execution_id, run_started(claim)))
    for execution_id in [e for e in book.running.keys() if e not in live]:
        del book.running[execution_id]
    return events
