"""What to do with a due job: the missed-run and overlap policies, decided
without I/O so that every case can be tested with a fake clock.

The worker asks ``plan(cron, job, now, running, next_job)`` and carries
out the answer in its claim transaction: NOTRUN entries to log (with the
run's entry, when a run is claimed), the fire time to run (if any), the
next job to queue, or to wait. ``next_job`` is
the cron's own scheduling (``ICronManager.schedule_after``): a plan says
after which fire time the schedule goes on, never computes it.
``quick_plan(job, now)`` answers the common case without loading the
cron, from the job's signature (see ``zcron.schedule``).
"""
from datetime import timedelta, timezone

from zcron.model.timeutil import to_us
from zcron.queue.base import BACKFILL, QUEUED, RETRY, SCHEDULE
from zcron.schedule import needs_cron, next_scheduled

UTC = timezone.utc
# A fire time whose due time passed by more than this is "missed" for the
# 'skip' policy; 'once' and 'all' run it anyway.
MISFIRE_GRACE = timedelta(seconds=30)
# Counting missed fire times stops here (a per-second cron down for days).
COUNT_LIMIT = 100_000
# A scheduled run whose previous one is still going waits this long for it
# before counting as an overlap: a run that ends just after the next fire
# time (its commit racing the next claim) does not make that one NOTRUN.
OVERLAP_GRACE = timedelta(seconds=0.5)


class Plan:
    """The decision for one due job."""

    def __init__(self):
        self.wait = False            # leave the job pending for now
        self.run_fire = None         # fire time (aware UTC) to run, or None
        self.hold = False            # overlap 'queue-one': run after the current run
        self.notes = []              # messages for the run's log
        self.notrun = []             # (fire_time, [messages]) to log NOTRUN
        self.next_job = None         # the cron's next scheduled job


def _fmt(dt):
    return dt.isoformat()


def _missed_message(count, first, last, why):
    if count == 1:
        return f"missed: fire time {_fmt(first)} {why}"
    more = "at least " if count >= COUNT_LIMIT else ""
    return f"missed: {more}{count} fire times from {_fmt(first)} to {_fmt(last)} {why}"


def due_fire_times(cron, first, now):
    """Fire times from ``first`` whose due time (with jitter) is <= now;
    those its calendars exclude are not fire times (``Cron.next_fire_time``)."""
    jitter = timedelta(seconds=cron.jitter_offset())
    times, fire = [], first
    while fire is not None and fire + jitter <= now and len(times) < COUNT_LIMIT:
        times.append(fire.astimezone(UTC))     # UTC: no DST fold to compare
        fire = cron.next_fire_time(fire)
    return times


def quick_plan(job, now):
    """The plan for a job whose cron has no run in progress, from the job
    alone when it is on time: what ``plan`` decides then reads none of
    the cron's policies. None when the cron is needed (a scheduled fire
    time missed, or followed by more already due, or its cron's first)."""
    result = Plan()
    result.run_fire = job.fire_time
    if job.kind != SCHEDULE:
        return result
    if needs_cron(job) or now - result.run_fire > MISFIRE_GRACE:
        return None
    result.next_job = next_scheduled(job)
    if result.next_job is not None and result.next_job.due_us <= to_us(now):
        return None
    return result


def plan(cron, job, now, running, next_job):
    """Decide for ``job`` of ``cron`` at ``now``; ``running`` are the
    cron's claims still running (on any worker); ``next_job(after)`` is
    the cron's scheduled job after a fire time (None when none)."""
    result = Plan()
    if _waits(cron, job, now, running):
        result.wait = True
        return result
    if job.kind != SCHEDULE:
        result.run_fire = job.fire_time
        return _overlap(cron, result, running)
    times = due_fire_times(cron, job.fire_time, now) or [job.fire_time]
    late = len(times) > 1 or now - times[-1] > MISFIRE_GRACE
    result.next_job = next_job(times[0] if cron.missed == "all" else times[-1])
    if not late:
        result.run_fire = times[0]
    elif cron.missed == "all":
        _catch_up(cron, result, times, now, next_job)
    else:
        _run_last(cron, result, times, now)
    if result.run_fire is None:
        return result
    return _counted(cron, _overlap(cron, result, running), running)


def _counted(cron, result, running):
    """The run that uses up ``max_runs`` queues no next job: the cron is
    done once it is logged (runs still going count as runs)."""
    left = cron.runs_left(len(running))
    if result.run_fire is not None and left is not None and left <= 1:
        result.next_job = None
    return result


def _waits(cron, job, now, running):
    """Whether ``job`` waits in the queue for a run still going."""
    if job.kind == BACKFILL:
        return _backfill_waits(cron, running)
    if job.kind != SCHEDULE:
        return bool(running) and job.kind in (RETRY, QUEUED)    # they wait their turn
    if cron.missed == "all" and any(job.due <= c.claimed_at for c in running):
        return True     # already due when the running one started: catching up
    # the running one may be about to end
    return bool(running) and cron.overlap != "allow" and now - job.due < OVERLAP_GRACE


def _backfill_waits(cron, running):
    """A backfill's runs go one after another; against the cron's other
    runs its overlap policy holds: 'queue-one' waits for them, 'skip'
    logs the fire time NOTRUN, 'allow' runs alongside."""
    return any(c.job.kind == BACKFILL for c in running) or (
        bool(running) and cron.overlap == "queue-one")


def _catch_up(cron, result, times, now, next_job):
    """Policy 'all', late: run every fire time inside the catch-up window
    (the first now), log those older than it NOTRUN."""
    horizon = now - timedelta(seconds=cron.catchup_window)
    old = []
    fire = times[0]
    while fire is not None and fire < horizon and len(old) < COUNT_LIMIT:
        old.append(fire.astimezone(UTC))
        fire = cron.next_fire_time(fire)
    if not old:
        result.run_fire = times[0]
        return
    result.notrun.append((old[-1], [_missed_message(
        len(old), old[0], old[-1], "(older than the catch-up window)")]))
    result.next_job = next_job(old[-1])
    if fire is not None and fire <= now:
        # run the first fire time inside the window now
        result.next_job = next_job(fire)
        result.run_fire = fire


def _run_last(cron, result, times, now):
    """Policies 'once' and 'skip', late: the last fire time runs (unless
    'skip' finds it too late), those before it are logged NOTRUN."""
    last = times[-1]
    if cron.missed == "skip" and now - last > MISFIRE_GRACE:
        skipped, result.run_fire = times, None
    else:
        skipped, result.run_fire = times[:-1], last
    if skipped:
        why = "(workers were down or busy; policy '%s')" % cron.missed
        result.notrun.append((skipped[-1], [_missed_message(
            len(skipped), skipped[0], skipped[-1], why)]))
        if result.run_fire is not None:
            result.notes.append(f"{len(skipped)} missed fire time(s) before this run")


def _overlap(cron, result, running):
    if not running or cron.overlap == "allow":
        return result
    fire = result.run_fire
    previous = ", ".join(_fmt(c.job.fire_time) for c in running)
    if cron.overlap == "queue-one":
        result.hold = True
        return result
    result.run_fire = None
    result.notrun.append((fire, [f"overlap: previous run ({previous}) still running"]))
    return result


def window_start(cron, fire_time):
    """The previous run's fire time: the runner's data window starts there."""
    for log in cron.logs_newest_first():
        if log.fire_time is not None and log.fire_time < fire_time and log.duration is not None:
            return log.fire_time
    return None

