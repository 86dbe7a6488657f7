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
from zcron.components import (cron_manager_factory, crontab_manager, load_crontab,
                              marker_for, queue_for, root_of)
from zcron.db import sparingly
from zcron.declared.sync import forget_site, keep_in_step, keep_site_in_step
from zcron.events import CrontabSynchronisationEvent
from zcron.interfaces import (ICron, ICronManager, ICrontab, ICrontabManager,
                              IModifiedCrontabEvent, ICrontabSynchronisationEvent,
                              IServerRestartEvent)
from zcron.model.timeutil import to_us
from zcron.queue.base import MANUAL, SCHEDULE, Job
from zcron.reread import reread_site
from zcron.schedule import schedule_after, signature

# The crontab's insertion counter in its stamp: a restart re-reads only
# the crons numbered from the recorded one on when nothing else changed.
NEXT = "_next"
RECORD = " oid"      # no attribute's name


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
        queue = queue_for(self.root)
        if crons is not None:
            return self._register_some(queue, crons, now)
        changes = self._register_all(queue, now)
        stamp = sync_stamp(self.crontab)
        if stamp is not None:
            marker.set_stamp(self.site.name, stamp)
        return changes

    def _register_some(self, queue, uids, now):
        """The crons ``uids`` (one saved, a bulk add's, a restart's chunk)
        in one pass; the jobs of those removed go."""
        crontab, site = self.crontab, self.site
        managers = _managers(site, queue, None)
        return sum(managers(crontab.get(uid)).register_job(now) if uid in crontab
                   else queue.forget(site.name, uid) for uid in uids)

    def _register_all(self, queue, now):
        crontab, site = self.crontab, self.site
        # removed crons first: the scan then skips the jobs queued below
        queued = set(queue.site_crons(site.name))
        changes = sum(queue.forget(site.name, uid) for uid in queued if uid not in crontab)
        managers = _managers(site, queue, queued)
        return changes + sum(managers(cron).register_job(now)
                             for cron in sparingly(crontab, crontab))


def _managers(site, queue, queued):
    """cron -> its ICronManager, the factory looked up once per kind of
    cron; ours share one queue manager (and ``queued``: the uids having
    jobs, when known)."""
    factories = {}

    def manager(cron):
        kind = providedBy(cron)
        factory = factories.get(kind)
        if factory is None:
            factory = cron_manager_factory(site, cron)
            if factory is CronManager:
                factory = partial(CronManager, queue=queue, queued=queued)
            factories[kind] = factory
        return factory(site, cron)
    return manager


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
            reread_site(root, name, *found, step)


def _in_place(work):
    return work()


def _site_names(root):
    return sorted(set(marker_for(root).sites()) | set(root.sites.keys()))


def _stale_stamp(root, name):
    """``(stamp, first)`` when the site's crontab must be re-read from the
    cron numbered ``first`` on (crons were only added since the recorded
    stamp: those), taken before its first chunk; None when
    synchronised as it is now (100,000 crons need no re-reading) or when
    the site is gone (then taken out)."""
    site = root.sites.get(name)
    if site is None:
        remove_site(root, name)     # removed by other means than ours
        return None
    stamp = sync_stamp(load_crontab(site))
    recorded = marker_for(root).stamp(name)
    if stamp is not None and recorded == stamp:
        return None
    return (stamp, _added_since(recorded, stamp))


def _added_since(recorded, stamp):
    """The insertion number of the first cron added since ``recorded``
    when nothing else of the crontab's record changed; else 0 (all)."""
    if recorded is None or stamp is None:
        return 0
    before, now = dict(recorded), dict(stamp)
    first = before.pop(NEXT, None)
    if first is None or not isinstance(now.pop(NEXT, None), int) or before != now:
        return 0
    return first


def remove_site(root, name):
    """Take a site out with everything queued for it (pending and held
    jobs, its mark); runs in progress end as usual. The number of queued
    jobs removed."""
    if name in root.sites:
        root.remove_site(name)
    marker_for(root).unmark(name)
    forget_site(root, name)
    return queue_for(root).clear_site(name)


def _jar_above(obj):
    """The connection of the nearest stored parent (a site made in the
    same transaction has none yet: its root has)."""
    while obj is not None:
        jar = getattr(obj, "_p_jar", None)
        if jar is not None:
            return jar
        obj = getattr(obj, "__parent__", None)
    return None


def sync_stamp(crontab):
    """What a stored crontab's own record holds, left aside the trees of
    its crons, and which record it is (a crontab replaced is all new):
    adding a cron (its insertion counter) or switching the crontab
    changes it. A synchronisation of all its crons records it, so that a
    restart re-reads only crontabs changed without one since, and of
    those only the crons added when nothing else changed (cron edits are
    synchronised when saved). None for a crontab that is not persistent
    (the json registry's): always re-read."""
    if not isinstance(crontab, Persistent):
        return None
    if crontab._p_oid is None:
        jar = _jar_above(crontab)
        if jar is not None:     # a new crontab's oid now: its stamp holds once committed
            jar.add(crontab)
    state = crontab.__getstate__()
    return tuple(sorted([(key, value) for key, value in state.items()
                         if isinstance(value, (str, int, float, bool, type(None)))]
                        + [(RECORD, crontab._p_oid)]))
