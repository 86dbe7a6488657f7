"""Backfill: the past fire times of a cron in a range run again, oldest
first, each with its own fire time, window and execution id.

The fire times are ``zcron.schedule.fire_times_between``'s (bounds,
calendars, runs left and pause applied as ``zcron next`` applies them).
They are queued at once as jobs of kind ``backfill`` for the workers,
who run them where the runners live; ``zcron.policies`` makes each wait
for the one before (they never overlap one another) and applies the
cron's overlap policy against its other runs. A backfill's runs are not
retried (run the range again); their log entries are marked ``backfill``.
Cancelling removes the jobs not started yet.
"""
from zcron.components import queue_for, root_of
from zcron.exceptions import InvalidInput
from zcron.model.timeutil import to_us
from zcron.queue.base import BACKFILL, Job, still_running
from zcron.schedule import fire_times_between

# More fire times than this need an explicit maximum (--max).
LIMIT = 1000


def fire_times(cron, start, end, most=None):
    """The fire times to backfill in [start, end], oldest first: refused
    (InvalidInput) when the range ends before it starts, or holds more
    than LIMIT fire times and ``most`` is not given; at most ``most``."""
    if end < start:
        raise InvalidInput("--to", end.isoformat(), f"is before --from {start.isoformat()}")
    times = fire_times_between(cron, start, end, (most or LIMIT) + 1)
    if most is None and len(times) > LIMIT:
        raise InvalidInput("--to", end.isoformat(), f"the range holds more than {LIMIT:,} "
                           "fire times of this cron; give --max N to run the first N")
    return times[:most] if most else times


def check_runnable(cron, now):
    """A cron that is off, paused or done would not run: refused."""
    if not cron.runnable(now):
        raise InvalidInput("cron", cron.name, f"it is {cron.state(now)}; a worker would "
                           "not run its backfill (zcron enable / resume)")


def queue_backfill(site, cron, times, now):
    """Queue the runs of ``times`` (due ``now``, run oldest first);
    returns their jobs."""
    check_runnable(cron, now)
    cron.log_record()          # here, so that the runs write only that record
    queue = queue_for(root_of(site))
    jobs = [Job(site.name, cron.uid, to_us(fire), to_us(now), BACKFILL) for fire in times]
    for job in jobs:
        queue.put(job)
    return jobs


def waiting(site, cron):
    """The backfill jobs of ``cron`` not started yet."""
    return queue_for(root_of(site)).pending(site.name, cron.uid, BACKFILL)


def running(site, cron):
    """The claims of ``cron``'s backfill runs going on."""
    claims = queue_for(root_of(site)).running(site.name, cron.uid)
    return [c for c in still_running(cron, claims) if c.job.kind == BACKFILL]


def left(site, cron, fire_us=None):
    """How many backfill runs of ``cron`` are still to end (of those
    whose fire times are in ``fire_us``, when given)."""
    jobs = waiting(site, cron) + [c.job for c in running(site, cron)]
    return sum(1 for job in jobs if fire_us is None or job.fire_us in fire_us)


def cancel(site, cron):
    """Remove the backfill jobs not started yet; returns how many (a run
    going on ends as it would)."""
    queue = queue_for(root_of(site))
    jobs = waiting(site, cron)
    for job in jobs:
        queue.remove(job)
    return len(jobs)


def entries(cron, fire_us):
    """The log entries of backfill runs of ``fire_us`` still kept."""
    return [log for log in cron.logs if log.backfill and to_us(log.fire_time) in fire_us]
