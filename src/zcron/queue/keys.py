"""How the ZODB queue encodes jobs and claims in its BTree keys and values.

Keys are single strings of NUL-separated fields (a tuple would cost three
objects in every pickle of its bucket): a job's ref, its pending key
(due time first, so keys sort in time order), its index key (cron first)
and a claim's value. This is the stored format: it only grows (a claim's
missed fire times came in 2026-12), and what was stored still reads.
"""
from itertools import compress
from operator import eq, itemgetter

from zcron.model.fields import new_uid
from zcron.model.timeutil import from_us, to_us
from zcron.queue.base import Claim, Job


def job_ref(job):
    """A job's identity, whatever its due time; starts with its cron."""
    return f"{job.site}\x00{job.uid}\x00{job.fire_us}\x00{job.kind}\x00{job.attempt}"


# Due times in pending keys: fixed-width digits, so that strings sort in
# time order; the offset keeps times before 1970 positive.
DUE_OFFSET = 10 ** 18


def due_key(due_us):
    return f"{due_us + DUE_OFFSET:019d}"


DUE_WIDTH = len(due_key(0))
UID_WIDTH = len(new_uid())      # every cron's (model.fields checks them)


def pending_key(job):
    """One string (a tuple would cost three objects in every pickle of its
    bucket and of the tree nodes above it)."""
    return f"{due_key(job.due_us)}\x00{job_ref(job)}"


def index_key(job):
    """Cron, then kind: a cron's scheduled job is found without reading
    its other (manual, retry) jobs."""
    return (f"{job.site}\x00{job.uid}\x00{job.kind}\x00{job.due_us}\x00{job.fire_us}"
            f"\x00{job.attempt}")


def us_of_due(due):
    """The µs of a due key."""
    return int(due) - DUE_OFFSET


def due_of_pending(key):
    """The due time of a pending key."""
    return from_us(us_of_due(key.split("\x00", 1)[0]))


def job_from_index(key, signature=None):
    site, uid, kind, due_us, fire_us, attempt = key.split("\x00")
    return Job(site, uid, int(fire_us), int(due_us), kind, int(attempt), signature)


def soonest_due_by_uid(index_keys):
    """{uid: due µs of its soonest job} of by-cron index keys, read in one
    loop without building jobs (a listing reads 100,000 at once)."""
    soonest, never = {}, float("inf")
    seen = soonest.get
    for _, uid, _, due_us, _ in (key.split("\x00", 4) for key in index_keys):
        due_us = int(due_us)
        if due_us < seen(uid, never):
            soonest[uid] = due_us
    return soonest


def uids_at(keys, start):
    """The uid field, at ``start``, of each key: one pass of C calls (a
    listing reads 100,000 keys), no Python loop."""
    return list(map(itemgetter(slice(start, start + UID_WIDTH)), keys))


def repeated(uids):
    """The uids found more than once in ``uids`` (in key order: a cron's
    keys are adjacent)."""
    return set(compress(uids, map(eq, uids, uids[1:])))


def site_due_range(due, site):
    """The pending keys of one site due at ``due`` (a due key)."""
    prefix = f"{due}\x00{site}\x00"
    return {"min": prefix, "max": prefix + "\uffff", "excludemax": True}


def latest_due(pending, site, before=None):
    """The due key of ``site``'s latest pending key due before the due key
    ``before`` (None: of all), walking back with maxKey and skipping other
    sites' jobs a due time at a time; None if there is none."""
    mine = f"\x00{site}\x00"
    bound = before
    while True:
        try:
            key = pending.maxKey() if bound is None else pending.maxKey(bound)
        except ValueError:
            return None
        due, rest = key[:DUE_WIDTH], key[DUE_WIDTH:]
        if rest.startswith(mine):
            return due
        # the keys due at ``due`` sort after it: ``due`` bounds the earlier ones
        bound = f"{due}{mine}\uffff" if rest > mine else due


def earliest_due(pending, site, after=None):
    """The due key of ``site``'s soonest pending key due after the due key
    ``after`` (None: of all), walking on with minKey and skipping other
    sites' jobs a due time at a time; None if there is none."""
    mine = f"\x00{site}\x00"
    bound = "" if after is None else after + "\x01"
    while True:
        try:
            key = pending.minKey(bound)
        except ValueError:
            return None
        due, rest = key[:DUE_WIDTH], key[DUE_WIDTH:]
        if rest.startswith(mine):
            return due
        # the site's keys due at ``due`` sort after ``due + mine``; past them, the next due
        bound = f"{due}{mine}" if rest < mine else due + "\x01"


def job_from_pending(key, signature=None):
    due, site, uid, fire_us, kind, attempt = key.split("\x00")
    return Job(site, uid, int(fire_us), us_of_due(due), kind, int(attempt), signature)


def claim_value(claim):
    """A claim as one string, or a tuple with its notes and missed fire
    times, which are rare: a claims bucket holds many, and is re-pickled
    at each claim."""
    value = (f"{claim.worker_id}\x00{to_us(claim.claimed_at)}\x00{claim.execution_id}"
             f"\x00{claim.job.due_us}")
    if claim.missed:
        return (value, claim.notes, claim.missed)
    return (value, claim.notes) if claim.notes else value


def claim_from(ref, value):
    notes = missed = ()
    if isinstance(value, tuple):
        value, notes, *rest = value
        missed = rest[0] if rest else ()
    worker_id, claimed_us, execution_id, due_us = value.split("\x00")
    site, uid, fire_us, kind, attempt = ref.split("\x00")
    job = Job(site, uid, int(fire_us), int(due_us), kind, int(attempt))
    return Claim(job, worker_id, from_us(int(claimed_us)), execution_id, notes, missed)


def cron_range(site, uid=None, kind=None):
    prefix = f"{site}\x00"
    if uid is not None:
        prefix += f"{uid}\x00" + ("" if kind is None else f"{kind}\x00")
    return {"min": prefix, "max": prefix + "\uffff", "excludemax": True}


def held_key(site, uid):
    """A cron's one held job, by site and uid."""
    return f"{site}\x00{uid}"
