"""Deciding what is queued: the crontab manager and the cron manager.

They run nothing; they make the queue hold one pending scheduled job per
active cron, and are driven by events:

ModifiedCrontabEvent -> CrontabSynchronisationEvent -> CrontabManager;
ServerRestartEvent -> every site kept in step with the declared jobs
(``zcron.declared.sync``), then every marked site's CrontabManager. A site
synchronised for the first time (just added) is kept in step first too.
"""
from functools import cached_property, partial
from itertools import islice

from persistent import Persistent
from zope.component import adapter
from zope.event import notify
from zope.interface import Interface, implementer, providedBy

from zcron import clock
from zcron.components import (cron_manager, cron_manager_factory, crontab_manager,
                              load_crontab,
                              marker_for, queue_for, root_of)
from zcron.db import sparingly
from zcron.declared.sync import forget_site, keep_in_step, keep_site_in_step
from zcron.events import CrontabSynchronisationEvent
from zcron.interfaces import (ICron, ICronManager, ICrontab, ICrontabManager,
                              IModifiedCrontabEvent, ICrontabSynchronisationEvent,
                              IServerRestartEvent)
from zcron.model.timeutil import to_us
from zcron.queue.base import MANUAL, SCHEDULE, Job
from zcron.schedule import schedule_after, signature

# Crons a restart re-reads in one step (one transaction when the event
# has a step): its writes never wait long, a conflict costs one chunk.
CHUNK = 1000


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
        for cron in sparingly(crontab, crontab):
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
    fire it at once (ZODB conflicts make one of them retry). Each piece of
    work goes through the event's ``step`` (its own transaction, retried
    alone) or, without one, runs in the caller's transaction."""
    root, step = event.root, event.step or _in_place
    step(partial(keep_in_step, root))
    for name in step(partial(_site_names, root)):
        found = step(partial(_stale_stamp, root, name))
        if found is not None:
            _resync_site(root, name, found[0], step)


def _in_place(work):
    return work()


def _site_names(root):
    return sorted(set(marker_for(root).sites()) | set(root.sites.keys()))


def _stale_stamp(root, name):
    """``(stamp,)`` when the site's crontab must be re-read, taken before
    its first chunk; None when synchronised as it is now (100,000 crons
    need no re-reading) or when the site is gone (then taken out)."""
    site = root.sites.get(name)
    if site is None:
        remove_site(root, name)     # removed by other means than ours
        return None
    stamp = sync_stamp(load_crontab(site))
    if stamp is not None and marker_for(root).stamp(name) == stamp:
        return None
    return (stamp,)


def _resync_site(root, name, stamp, step):
    """Every cron of a site re-registered, CHUNK crons a ``step``: the
    jobs of removed crons, then the crons by insertion number (a cursor
    that holds across commits), then the ``stamp``, once all are done.
    Nothing read in one step is trusted in the next."""
    removed = step(partial(_removed_uids, root, name))
    for start in range(0, len(removed), CHUNK):
        step(partial(_sync_uids, root, name, removed[start:start + CHUNK]))
    start = 0
    while start is not None:
        start = step(partial(_sync_chunk, root, name, start))
    if stamp is not None:
        step(partial(_set_stamp, root, name, stamp))


def _removed_uids(root, name):
    """Uids having jobs queued whose cron is gone; read, nothing written."""
    site = root.sites.get(name)
    if site is None:
        return []
    crontab = load_crontab(site)
    return [uid for uid in queue_for(root).site_crons(name) if uid not in crontab]


def _sync_uids(root, name, uids):
    site = root.sites.get(name)
    if site is not None:
        crontab_manager(site, load_crontab(site)).synchronize(crons=uids)


def _sync_chunk(root, name, start):
    """The crons numbered from ``start`` on, CHUNK of them, through the
    site's ICrontabManager; the number to start the next chunk at, None
    after the last (or when the site went away meanwhile)."""
    site = root.sites.get(name)
    if site is None:
        return None
    crontab = load_crontab(site)
    numbered = list(islice(crontab.numbered_uids(start), CHUNK))
    crontab_manager(site, crontab).synchronize(crons=[uid for _, uid in numbered])
    jar = getattr(crontab, "_p_jar", None)
    if jar is not None:
        jar.cacheGC()          # a million crons need not all stay in memory
    return numbered[-1][0] + 1 if len(numbered) == CHUNK else None


def _set_stamp(root, name, stamp):
    if name in root.sites:
        marker_for(root).set_stamp(name, stamp)


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

