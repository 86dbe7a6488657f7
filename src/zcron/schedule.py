"""A cron's schedule: the scheduled job for its next fire time, and the
job signature that lets a worker compute the one after without the cron.

The signature is zcron's own format (not an interface): the fields a fire
time is computed from -- periodicity, time zone, jitter, pause -- joined
by ``SEP``, with ``UNLOGGED`` appended while the cron has no log record.
``next_scheduled(job)`` must give what ``schedule_after(cron, ...)``
gives for a cron of that signature; the tests hold both to it.
"""
from datetime import datetime

from zcron.model.cron import jitter_offset
from zcron.model.timeutil import FOREVER, to_us
from zcron.periodicity import get_periodicity
from zcron.queue.base import SCHEDULE, Job

SEP = "\x1f"
# Ends the signature of a cron without a log record: the worker then loads
# the cron at its first claim, and creates the record in that transaction.
UNLOGGED = SEP + "unlogged"


def signature(cron):
    """What a scheduled job's fire time was computed from (one string:
    queue entries stay small). The next one is computed from it too."""
    paused = cron.paused_until.isoformat() if cron.paused_until else ""
    sig = SEP.join((cron.periodicity, cron.timezone, str(cron.jitter), paused))
    return sig if cron.has_log_record else sig + UNLOGGED


def needs_cron(job):
    """Whether a worker must load the cron to claim ``job``: its fire
    time was not computed by zcron, or its cron has no log record yet."""
    return job.signature is None or job.signature.endswith(UNLOGGED)


def schedule_after(cron, after):
    """The scheduled job of ``cron`` for the first fire time after
    ``after`` (or after its pause), or None when it never fires."""
    return _scheduled(cron.__parent__.site, cron.uid, cron.get_periodicity(), cron.jitter,
                      cron.paused_until, after, signature(cron))


def next_scheduled(job):
    """The scheduled job following ``job``, computed from its signature
    alone (what ``schedule_after`` gives for a cron of that signature):
    a worker needs not load the cron to queue its next run."""
    expression, zone, jitter, paused = job.signature.split(SEP)[:4]
    paused_until = datetime.fromisoformat(paused) if paused else None
    return _scheduled(job.site, job.uid, get_periodicity(expression, zone), float(jitter),
                      paused_until, job.fire_time, job.signature)


def _scheduled(site, uid, periodicity, jitter, paused_until, after, sig):
    if paused_until is not None:
        if paused_until >= FOREVER:
            return None
        after = max(after, paused_until)
    fire = periodicity.next_fire_time(after)
    if fire is None:
        return None
    fire_us = to_us(fire)
    due_us = fire_us + round(jitter_offset(uid, jitter) * 1_000_000)
    return Job(site, uid, fire_us, due_us, SCHEDULE, signature=sig)


def next_runs(cron, after, n):
    """Preview: the next ``n`` due times with jitter applied (pauses too)."""
    result = []
    while len(result) < n:
        job = schedule_after(cron, after)
        if job is None:
            break
        result.append(job.due)
        after = job.fire_time
    return result
