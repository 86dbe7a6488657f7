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


def walked(crontab, queue, site_name, desc, keep=None, drop=None):
    """The queue's groups of a due time from either end, each's kept crons
    in the crontab's order: a page reads its own groups only. A filter
    keeps the set ``keep`` (None: every cron) but the set ``drop``. The
    kept crons without a pending job first (``desc``) or last (the timed
    known up front reversed, at the end else; see ``_untimed``)."""
    order, table = list(crontab.uids()), digest.table(crontab)
    if keep is not None and len(keep) == len(order):      # kept crons are the crontab's
        keep = None

    def kept(uids):
        uids = uids if keep is None else uids & keep
        return uids - drop if drop else uids

    if desc:
        groups = queue.site_latest(site_name)
        yield from in_crontab_order(order, table, _untimed(order, keep, drop, groups.crons))
    else:
        groups, timed = queue.site_soonest(site_name), set()
    for _, uids in groups:
        uids = kept(uids)
        if not desc:
            timed |= uids        # the kept ones: only they are asked of (_untimed)
        yield from in_crontab_order(order, table, uids)
    if not desc:
        yield from in_crontab_order(order, table, _untimed(order, keep, drop, timed))


def _untimed(order, keep, drop, timed):
    """The kept crons of ``order`` (``keep``, else all, but ``drop``) not
    in ``timed``: none, the usual case, seen in one C call making no set
    (a set of 100,000 costs more to make than to look into)."""
    kept = order if keep is None else keep
    if timed.issuperset(kept):
        return set()
    untimed = set(filterfalse(timed.__contains__, kept))
    return untimed - drop if drop else untimed


def in_crontab_order(order, table, uids):
    """A group of uids (of crons since removed: left out) in the crontab's
    ``order``: a small one sorted by the crons' numbers in the digest, a
    big one found walking that order until all are seen."""
    if table is None or len(uids) * SPARSE > len(order):
        return islice(filter(uids.__contains__, order), len(uids))
    numbered = ((table.get(uid), uid) for uid in uids)
    return [uid for _, uid in sorted((value[digest.NUMBER], uid)
                                     for value, uid in numbered if value is not None)]
