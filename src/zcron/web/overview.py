"""What the sites page shows of each site, at a cost that does not grow
with the size of its crontab: its counts by last status read from the
crontab's digest (model/digest.py), its failures of 24 h from the
digest's counts by ten minutes. A crontab saved before digests, until
its build, is counted from its crons up to SUMMARY_LIMIT of them; a
bigger one shows its number of crons only."""
from types import SimpleNamespace as Row

from zcron.components import load_crontab
from zcron.exceptions import InvalidInput
from zcron.interfaces import FAILURE, STATUSES
from zcron.model import digest
from zcron.web.next_run import FAR

SUMMARY_LIMIT = 2000
SCAN = 2000        # soonest pending jobs read to find each site's next run


def next_due_by_site(queue, now):
    """{site name: due time of its soonest pending job}: the soonest jobs
    of the queue first (a busy site is found there); for the sites not
    among them, their own jobs."""
    next_due = {}
    for job in queue.due(FAR, limit=SCAN):
        next_due.setdefault(job.site, job.due)
    for site_name in queue.sites():
        if site_name not in next_due:
            dues = [job.due for job in queue.site_pending(site_name)]
            if dues:
                next_due[site_name] = min(dues)
    return next_due


def site_entry(site, queue, next_run, day_ago):
    """What the overview shows of one site: its crons by last status and
    its failures of the last 24 hours (``counts`` None for a big site), or
    why its crontab cannot be read."""
    entry = Row(site=site, name=site.name, error=None, crontab=None,
                counts={s: 0 for s in STATUSES + ("never",)}, crons=0,
                failures_24h=0, next_run=next_run,
                running=len(queue.claimed(site.name)))
    try:
        crontab = load_crontab(site)
    except InvalidInput as e:       # e.g. a JSON registry whose file is gone
        entry.error = str(e)
        return entry
    entry.crontab = crontab
    table = digest.table(crontab)
    if table is not None:       # its crons counted as they are read (len reads the tree)
        for value in table.values():
            entry.counts[value[digest.STATUS] or "never"] += 1
        entry.crons = sum(entry.counts.values())
        entry.failures_24h = digest.failures_since(crontab, day_ago)
        return entry
    entry.crons = len(crontab)
    if entry.crons > SUMMARY_LIMIT:
        entry.counts = entry.failures_24h = None
        return entry
    for cron in crontab:
        entry.counts[cron.last_status or "never"] += 1
        entry.failures_24h += sum(
            1 for log in cron.logs if log.status == FAILURE and log.date >= day_ago)
    return entry
