"""A cron's schedule: the scheduled job for its next fire time, and the
job signature that lets a worker compute the one after without the cron.

The signature is zcron's own format (not an interface): the fields a fire
time is computed from -- periodicity, time zone, jitter, pause, then the
bounds ``start`` and ``end`` when it has any -- joined by ``SEP``. A cron
skipping calendars or counting its runs (``exclude``, ``max_runs``) adds
them (with the calendars' digests) and ends with ``NEEDED``: its worker
loads the cron for each claim. ``UNLOGGED`` is appended while the cron
has no log record. ``next_scheduled(job)`` must give what
``schedule_after(cron, ...)`` gives for a cron of that signature; the
tests hold both to it. Fire times themselves, bounds and calendars
applied, are ``zcron.model.calendar.fire_time_after``'s (through
``Cron.next_fire_time``).
"""
from datetime import datetime, timedelta
from itertools import islice, takewhile

from zcron.model.calendar import excluded_by, fire_time_after
from zcron.model.cron import jitter_offset
from zcron.model.timeutil import FOREVER, to_us
from zcron.periodicity import get_periodicity
from zcron.queue.base import SCHEDULE, Job

SEP = "\x1f"
# Ends the signature of a cron without a log record: the worker then loads
# the cron at its first claim, and creates the record in that transaction.
UNLOGGED = SEP + "unlogged"
# Ends the signature of a cron whose next fire time needs the cron itself.
NEEDED = SEP + "cron"
_MARKERS = (UNLOGGED, NEEDED)


def _iso(dt):
    return dt.isoformat() if dt is not None else ""


def _instant(text):
    return datetime.fromisoformat(text) if text else None


def signature(cron):
    """What a scheduled job's fire time was computed from (one string:
    queue entries stay small). The next one is computed from it too."""
    sig = SEP.join((cron.periodicity, cron.timezone, str(cron.jitter), _iso(cron.paused_until)))
    needed = bool(cron.exclude) or cron.max_runs is not None
    if needed or cron.start is not None or cron.end is not None:
        sig = SEP.join((sig, _iso(cron.start), _iso(cron.end)))
    if needed:
        digests = ",".join(f"{c.name}:{c.digest()}" for c in cron.calendars())
        sig = SEP.join((sig, str(cron.max_runs), digests)) + NEEDED
    return sig if cron.has_log_record else sig + UNLOGGED


def needs_cron(job):
    """Whether a worker must load the cron to claim ``job``: its fire
    time was not computed by zcron, its cron has no log record yet, or
    skips calendars or counts its runs."""
    return job.signature is None or job.signature.endswith(_MARKERS)


def schedule_after(cron, after):
    """The scheduled job of ``cron`` for the first fire time after
    ``after`` (or after its pause), or None when it never fires (again)."""
    left = cron.runs_left()
    if left is not None and left <= 0:
        return None
    return _scheduled(cron.__parent__.site, cron.uid, cron.next_fire_time, cron.jitter,
                      cron.paused_until, after, signature(cron))


def next_scheduled(job):
    """The scheduled job following ``job``, computed from its signature
    alone (what ``schedule_after`` gives for a cron of that signature):
    a worker needs not load the cron to queue its next run."""
    parts = job.signature.split(SEP)
    expression, zone, jitter, paused = parts[:4]
    periodicity = get_periodicity(expression, zone)
    fire_after = periodicity.next_fire_time
    if len(parts) > 5:        # bounds
        fire_after = _bounded(periodicity, _instant(parts[4]), _instant(parts[5]))
    paused_until = datetime.fromisoformat(paused) if paused else None
    return _scheduled(job.site, job.uid, fire_after, float(jitter),
                      paused_until, job.fire_time, job.signature)


def _bounded(periodicity, start, end):
    """Fire times of ``periodicity`` within bounds, calendars aside."""
    return lambda after: fire_time_after(periodicity, after, start, end)


def _scheduled(site, uid, fire_after, jitter, paused_until, after, sig):
    if paused_until is not None:
        if paused_until >= FOREVER:
            return None
        after = max(after, paused_until)
    fire = fire_after(after)
    if fire is None:
        return None
    fire_us = to_us(fire)
    due_us = fire_us + round(jitter_offset(uid, jitter) * 1_000_000)
    return Job(site, uid, fire_us, due_us, SCHEDULE, signature=sig)


def next_runs(cron, after, n):
    """Preview: the next ``n`` due times, with everything the worker
    applies (bounds, calendars, runs left, pause, jitter)."""
    return [due for due, _ in _preview(cron, after, n, ())]


def marked_runs(cron, after, n):
    """Preview with the fire times its calendars remove kept in: ``n``
    pairs (due time, None) or (excluded fire time, [calendar names])."""
    return _preview(cron, after, n, cron.calendars())


def fire_times_between(cron, start, end, limit):
    """The fire times in [start, end] (both ends in) with everything
    ``next_runs`` applies, jitter aside; at most ``limit`` (what
    ``zcron backfill`` runs)."""
    before = start - timedelta(microseconds=1)
    upcoming = (job.fire_time for job, _ in _upcoming(cron, before, ()))
    return list(islice(takewhile(lambda fire: fire <= end, upcoming), limit))


def _preview(cron, after, n, shown):
    return [(job.fire_time, names) if names else (job.due, None)
            for job, names in islice(_upcoming(cron, after, shown), n)]


def _upcoming(cron, after, shown):
    """(scheduled job, calendars of ``shown`` excluding it) after
    ``after``, one by one, runs left counted."""
    left = cron.runs_left()
    fire_after = cron.next_fire_time
    if shown:
        fire_after = _bounded(cron.get_periodicity(), cron.start, cron.end)
    while left is None or left > 0:
        job = _scheduled(cron.__parent__.site, cron.uid, fire_after, cron.jitter,
                         cron.paused_until, after, None)
        if job is None:
            return
        names = excluded_by(job.fire_time, cron.timezone, shown)
        if not names and left is not None:
            left -= 1
        yield job, names
        after = job.fire_time
