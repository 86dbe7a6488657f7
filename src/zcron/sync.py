"""Deciding what is queued: the crontab manager and the cron manager.

They run nothing; they make the queue hold one pending scheduled job per
active cron, and are driven by events:

ModifiedCrontabEvent -> CrontabSynchronisationEvent -> CrontabManager;
ServerRestartEvent -> every marked site's CrontabManager.
"""
from datetime import datetime
from functools import partial

from persistent import Persistent
from zope.component import adapter
from zope.event import notify
from zope.interface import Interface, implementer, providedBy

from zcron import clock
from zcron.components import (cron_manager, cron_manager_factory, crontab_manager,
                              load_crontab,
                              marker_for, queue_for, root_of)
from zcron.events import CrontabSynchronisationEvent
from zcron.interfaces import (ICron, ICronManager, ICrontab, ICrontabManager,
                              IModifiedCrontabEvent, ICrontabSynchronisationEvent,
                              IServerRestartEvent)
from zcron.model.cron import jitter_offset
from zcron.model.timeutil import FOREVER, to_us
from zcron.periodicity import get_periodicity
from zcron.queue.base import MANUAL, SCHEDULE, Job

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


@adapter(Interface, ICron)
@implementer(ICronManager)
class CronManager:
    def __init__(self, site, cron, queue=None, queued=None):
        """A full synchronisation hands its ``queue`` and ``queued``, the
        uids of the site's crons having jobs: one lookup less per cron."""
        self.site = site
        self.cron = cron
        self.queue = queue_for(root_of(site)) if queue is None else queue
        self.queued = queued

    def register_job(self, now=None):
        """Returns the number of queue changes (0 when already right)."""
        cron = self.cron
        if not cron.switched_on:
            return self.remove_jobs()
        if self.queued is None or cron.uid in self.queued:
            scheduled = self.queue.pending(self.site.name, cron.uid, SCHEDULE)
        else:
            scheduled = []
        sig = signature(cron)
        if len(scheduled) == 1 and scheduled[0].signature == sig:
            return 0
        changes = sum(self.queue.remove(job) for job in scheduled)
        job = schedule_after(cron, now or clock.now())
        if job is not None:
            self.queue.put(job)
            changes += 1
        return changes

    def remove_jobs(self):
        return self.queue.forget(self.site.name, self.cron.uid)

    def run_now(self, now=None):
        self.cron.log_record()      # here, so that the run writes only that record
        fire_us = to_us(now or clock.now())
        job = Job(self.site.name, self.cron.uid, fire_us, fire_us, MANUAL)
        self.queue.put(job)
        return job


@adapter(Interface, ICrontab)
@implementer(ICrontabManager)
class CrontabManager:
    def __init__(self, site, crontab):
        self.site = site
        self.crontab = crontab
        self.root = root_of(site)

    def synchronize(self, crons=None, now=None):
        now = now or clock.now()
        crontab, site = self.crontab, self.site
        marker_for(self.root).mark(site.name)
        changes = 0
        if crons is not None:
            for uid in crons:
                if uid in crontab:
                    changes += cron_manager(site, crontab.get(uid)).register_job(now)
                else:
                    changes += self._forget(uid)
            return changes
        queue = queue_for(self.root)
        # removed crons first: the scan then skips the jobs queued below
        queued = set(queue.site_crons(site.name))
        gone = [uid for uid in queued if uid not in crontab]
        for uid in gone:
            changes += self._forget(uid)
        factories = {}
        jar = getattr(crontab, "_p_jar", None)
        for count, cron in enumerate(crontab, 1):
            if jar is not None and count % 1000 == 0:
                jar.cacheGC()        # 100,000 crons need not all stay in memory
            kind = providedBy(cron)
            if kind not in factories:
                factory = cron_manager_factory(site, cron)
                if factory is CronManager:     # ours: one queue manager for all
                    factory = partial(CronManager, queue=queue, queued=queued)
                factories[kind] = factory
            changes += factories[kind](site, cron).register_job(now)
        stamp = sync_stamp(crontab)
        if stamp is not None:
            marker_for(self.root).set_stamp(site.name, stamp)
        return changes

    def _forget(self, uid):
        return queue_for(self.root).forget(self.site.name, uid)


@adapter(IModifiedCrontabEvent)
def on_modified_crontab(event):
    notify(CrontabSynchronisationEvent(event.object, event.site, event.crons))


@adapter(ICrontabSynchronisationEvent)
def on_crontab_synchronisation(event):
    crontab_manager(event.site, event.object).synchronize(event.crons)


@adapter(IServerRestartEvent)
def on_server_restart(event):
    """Re-register every site's jobs: idempotent, so several workers may
    fire it at once (ZODB conflicts make one of them retry)."""
    root = event.root
    marker = marker_for(root)
    names = set(marker.sites()) | set(root.sites.keys())
    for name in sorted(names):
        site = root.sites.get(name)
        if site is None:
            remove_site(root, name)     # removed by other means than ours
            continue
        crontab = load_crontab(site)
        stamp = sync_stamp(crontab)
        if stamp is not None and marker.stamp(name) == stamp:
            continue         # synchronised as it is now: 100,000 crons need no re-reading
        crontab_manager(site, crontab).synchronize()


def remove_site(root, name):
    """Take a site out with everything queued for it (pending and held
    jobs, its mark); runs in progress end as usual. The number of queued
    jobs removed."""
    if name in root.sites:
        root.remove_site(name)
    marker_for(root).unmark(name)
    return queue_for(root).clear_site(name)


def sync_stamp(crontab):
    """What a stored crontab's own record holds, left aside the trees of
    its crons: adding a cron (its insertion counter) or switching the
    crontab changes it. A full synchronisation records it, so that a
    restart re-reads only crontabs changed without one since (cron edits
    are synchronised when saved). None for a crontab that is not
    persistent (the json registry's): always re-read."""
    if not isinstance(crontab, Persistent):
        return None
    state = crontab.__getstate__()
    return tuple(sorted((key, value) for key, value in state.items()
                        if isinstance(value, (str, int, float, bool, type(None)))))


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
