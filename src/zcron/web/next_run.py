"""The crontab page's next-run order: a site's crons by their soonest
pending job, read lazily from the queue (``web.listing.soonest`` picks the
way), the crons without a job last (first reversed)."""
from datetime import datetime, timezone
from itertools import filterfalse, islice

from zcron.model import digest

PER_BATCH = 200         # jobs the unfiltered order reads first (four pages)
FAR = datetime(9999, 1, 1, tzinfo=timezone.utc)      # every pending job is due by then
# a group of crons due at once bigger than 1/SPARSE of the crontab is put in
# its order by walking that order (a digest lookup costs more each)
SPARSE = 16


def lazily(crontab, queue, site_name):
    """Unfiltered soonest first: the queue's due order a batch at a time
    (other sites' jobs skipped), each cron at its first job, ties in the
    due order's (by uid)."""
    seen, limit, read = set(), PER_BATCH, 0
    while True:
        jobs = queue.due(FAR, limit=limit)
        for job in jobs[read:]:
            if job.site == site_name and job.uid not in seen and job.uid in crontab:
                seen.add(job.uid)
                yield job.uid
        if len(jobs) < limit:
            break
        read, limit = len(jobs), limit * 4
    yield from (uid for uid in crontab.uids() if uid not in seen)


def walked(crontab, queue, site_name, desc, keep):
    """The queue's groups of a due time from either end, each's kept crons
    in the crontab's order: a page reads its own groups only. The kept
    crons without a pending job first (``desc``) or last: found in passes
    of C calls over the crontab's order, read once into a list (C calls
    over it cost less than over the tree)."""
    order, table = list(crontab.uids()), digest.table(crontab)
    if keep is not None and len(keep) < len(order):    # kept crons are the crontab's
        order = list(filter(keep.__contains__, order))
    else:
        keep = None
    if desc:
        groups = queue.site_latest(site_name)
        yield from filterfalse(groups.crons.__contains__, order)
    else:
        groups, timed = queue.site_soonest(site_name), set()
    for _, uids in groups:
        if keep is not None:
            uids = uids & keep
        if not desc:
            timed |= uids
        yield from in_crontab_order(order, table, uids)
    if not desc:
        yield from filterfalse(timed.__contains__, order)


def in_crontab_order(order, table, uids):
    """A group of uids (of crons since removed: left out) in the crontab's
    ``order``: a small one sorted by the crons' numbers in the digest, a
    big one found walking that order until all are seen."""
    if table is None or len(uids) * SPARSE > len(order):
        return islice(filter(uids.__contains__, order), len(uids))
    numbered = ((table.get(uid), uid) for uid in uids)
    return [uid for _, uid in sorted((value[digest.NUMBER], uid)
                                     for value, uid in numbered if value is not None)]
