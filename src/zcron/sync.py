"""Deciding what is queued: the crontab manager and the cron manager.

They run nothing; they make the queue hold one pending scheduled job per
active cron, and are driven by events:

ModifiedCrontabEvent -> CrontabSynchronisationEvent -> CrontabManager;
ServerRestartEvent -> every site kept in step with the declared jobs
(``zcron.declared.sync``), then every marked site's CrontabManager. A site
synchronised for the first time (just added) is kept in step first too.
"""
from functools import cached_property, partial

from persistent import Persistent
from zope.component import adapter
from zope.event import notify
from zope.interface import Interface, implementer, providedBy

from zcron import clock
from zcron.components import (cron_manager, cron_manager_factory, crontab_manager,
                              load_crontab,
                              marker_for, queue_for, root_of)
from zcron.declared.sync import forget_site, keep_in_step, keep_site_in_step
from zcron.events import CrontabSynchronisationEvent
from zcron.interfaces import (ICron, ICronManager, ICrontab, ICrontabManager,
                              IModifiedCrontabEvent, ICrontabSynchronisationEvent,
                              IServerRestartEvent)
from zcron.model.timeutil import to_us
from zcron.queue.base import MANUAL, SCHEDULE, Job
from zcron.schedule import schedule_after, signature


@adapter(Interface, ICron)
@implementer(ICronManager)
class CronManager:
    def __init__(self, site, cron, queue=None, queued=None):
        """A full synchronisation hands its ``queue`` and ``queued``, the
        uids of the site's crons having jobs: one lookup less per cron."""
        self.site = site
        self.cron = cron
        if queue is not None:
            self.queue = queue
        self.queued = queued

    @cached_property
    def queue(self):
        """Looked up when first needed: a worker asking only for the
        schedule (``schedule_after``) needs no queue."""
        return queue_for(root_of(self.site))

    def schedule_after(self, after):
        return schedule_after(self.cron, after)

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
        job = self.schedule_after(now or clock.now())
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
        marker = marker_for(self.root)
        if crons is None and self.site.name not in marker.sites():
            keep_site_in_step(self.root, self.site)     # a new site: its declared crons
        marker.mark(self.site.name)
        if crons is not None:
            return sum(self._register(uid, now) for uid in crons)
        changes = self._register_all(now)
        stamp = sync_stamp(self.crontab)
        if stamp is not None:
            marker_for(self.root).set_stamp(self.site.name, stamp)
        return changes

    def _register(self, uid, now):
        """The jobs of one cron, or none for a cron removed."""
        if uid in self.crontab:
            return cron_manager(self.site, self.crontab.get(uid)).register_job(now)
        return self._forget(uid)

    def _register_all(self, now):
        crontab, site = self.crontab, self.site
        queue = queue_for(self.root)
        # removed crons first: the scan then skips the jobs queued below
        queued = set(queue.site_crons(site.name))
        changes = sum(self._forget(uid) for uid in [u for u in queued if u not in crontab])
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
    keep_in_step(root)
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
    forget_site(root, name)
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

