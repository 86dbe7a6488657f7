"""The default queue: BTrees in the ZODB, sharded so workers do not collide.

Each shard holds its own pending jobs (ordered by due time), its index by
cron, its claims and its held jobs. A worker of rank r among n live
workers takes its due jobs from shards r, r+n, ... first and steals from
the others only when its own have nothing due: two workers thus touch
different BTrees, and ZODB's conflict detection is left to arbitrate the
rare races, where exactly one claim commits.
"""
import heapq
from datetime import timedelta

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from zope.component import adapter
from zope.interface import implementer

from zcron.interfaces import IQueueManager, IQueueMarker
from zcron.model.site import ZcronRoot
from zcron.queue.base import Claim, Job, from_us, shard_of, to_us

SHARDS = 8


class Shard(Persistent):
    def __init__(self):
        self.pending = OOBTree()      # Job.key -> signature
        self.by_cron = OOTreeSet()    # (site, uid, due, fire, kind, attempt)
        self.claims = OOBTree()       # Job.claim_key -> Claim
        self.held = OOBTree()         # (site, uid) -> Job waiting for its cron's run
        self.size = Length()


class QueueData(Persistent):
    def __init__(self, shards=SHARDS):
        self.shards = tuple(Shard() for _ in range(shards))
        self.workers = OOBTree()      # worker id -> WorkerInfo
        self.changes = Length()       # bumped on every put: wakes idle workers


def _index_key(job):
    return (job.site, job.uid, job.due_us, job.fire_us, job.kind, job.attempt)


def _job_from_index(key, signature=None):
    site, uid, due_us, fire_us, kind, attempt = key
    return Job(site, uid, fire_us, due_us, kind, attempt, signature)


def _cron_range(site, uid=None):
    if uid is None:
        return {"min": (site,), "max": (site + "\x00",), "excludemax": True}
    return {"min": (site, uid), "max": (site, uid + "\x00"), "excludemax": True}


@adapter(ZcronRoot)
@implementer(IQueueManager)
class ZODBQueueManager:
    """Adapter of zcron's root container; works in the caller's transaction."""

    def __init__(self, root):
        self.data = root.component_data("queue:zodb", QueueData)

    def _shard(self, site, uid):
        shards = self.data.shards
        return shards[shard_of(site, uid, len(shards))]

    # -- pending jobs -----------------------------------------------------------

    def put(self, job):
        shard = self._shard(job.site, job.uid)
        if job.key in shard.pending:
            return
        shard.pending[job.key] = job.signature
        shard.by_cron.add(_index_key(job))
        shard.size.change(1)
        self.data.changes.change(1)

    def remove(self, job):
        shard = self._shard(job.site, job.uid)
        if job.key not in shard.pending:
            return False
        del shard.pending[job.key]
        shard.by_cron.remove(_index_key(job))
        shard.size.change(-1)
        return True

    def pending(self, site, uid):
        shard = self._shard(site, uid)
        jobs = [_job_from_index(k) for k in shard.by_cron.keys(**_cron_range(site, uid))]
        for job in jobs:
            job.signature = shard.pending.get(job.key)
        return sorted(jobs, key=lambda j: j.key)

    def site_pending(self, site):
        """(uid, Job) of every pending job of a site, by uid."""
        for shard in self.data.shards:
            for key in shard.by_cron.keys(**_cron_range(site)):
                job = _job_from_index(key)
                job.signature = shard.pending.get(job.key)
                yield job

    def clear_site(self, site):
        removed = 0
        for job in list(self.site_pending(site)):
            removed += self.remove(job)
        return removed

    def __len__(self):
        return sum(shard.size() for shard in self.data.shards)

    def next_due(self):
        keys = [s.pending.minKey() for s in self.data.shards if s.size()]
        return from_us(min(keys)[0]) if keys else None

    def due(self, now, limit=None, worker=None, skip=()):
        """Due jobs, soonest first within preference groups: the worker's own
        shards first, then the others (work stealing)."""
        now_us = to_us(now)
        own, other = self._partition(worker)
        result = []
        for group in (own, other):
            streams = [self._due_in(shard, now_us) for shard in group]
            for job in heapq.merge(*streams, key=lambda j: j.key):
                if job.key in skip:
                    continue
                result.append(job)
                if limit is not None and len(result) >= limit:
                    return result
        return result

    @staticmethod
    def _due_in(shard, now_us):
        for key, signature in shard.pending.items(max=(now_us, "\uffff")):
            yield Job.from_key(key, signature)

    def _partition(self, worker):
        shards = self.data.shards
        if worker is None:
            return list(shards), []
        alive = sorted(self.data.workers.keys())
        if worker not in alive:
            return list(shards), []
        rank, count = alive.index(worker), len(alive)
        if count > len(shards):       # more workers than shards: share them
            own = [shards[rank % len(shards)]]
        else:
            own = [s for i, s in enumerate(shards) if i % count == rank]
        other = [s for s in shards if s not in own]
        return own, other

    def changed_since(self, serial):
        return self.data.changes() != serial

    @property
    def serial(self):
        return self.data.changes()

    def sites(self):
        found = set()
        for shard in self.data.shards:
            key = shard.by_cron.minKey() if len(shard.by_cron) else None
            while key is not None:
                found.add(key[0])
                try:
                    key = shard.by_cron.minKey((key[0] + "\x00",))
                except ValueError:
                    key = None
            for claim_key in shard.claims.keys():
                found.add(claim_key[0])
        return sorted(found)

    # -- claims -----------------------------------------------------------------

    def claim(self, job, worker, now):
        self.remove(job)
        claim = Claim(job, worker, now)
        self._shard(job.site, job.uid).claims[job.claim_key] = claim
        return claim

    def get_claim(self, job):
        return self._shard(job.site, job.uid).claims.get(job.claim_key)

    def complete(self, job):
        shard = self._shard(job.site, job.uid)
        shard.claims.pop(job.claim_key, None)

    def claimed(self, site=None, uid=None):
        claims = []
        for shard in self.data.shards:
            if site is None:
                claims.extend(shard.claims.values())
            else:
                claims.extend(shard.claims.values(**_cron_range(site, uid)))
        return claims

    def running(self, site, uid):
        """Claims of one cron that are not done."""
        shard = self._shard(site, uid)
        return [c for c in shard.claims.values(**_cron_range(site, uid)) if not c.done]

    # -- held jobs (overlap policy 'queue-one') ------------------------------------

    def hold(self, job):
        """Keep ``job`` until its cron's running job ends; False if one is
        already held (only one waits)."""
        shard = self._shard(job.site, job.uid)
        if job.cron_key in shard.held:
            return False
        shard.held[job.cron_key] = job
        return True

    def release_held(self, site, uid):
        shard = self._shard(site, uid)
        return shard.held.pop((site, uid), None)

    def held(self):
        return [job for shard in self.data.shards for job in shard.held.values()]

    # -- workers --------------------------------------------------------------------

    def register_worker(self, worker):
        self.data.workers[worker.id] = worker

    def renew_worker(self, worker_id, now, lease):
        worker = self.data.workers.get(worker_id)
        if worker is not None:
            worker.lease_until = now + timedelta(seconds=lease)
        return worker

    def unregister_worker(self, worker_id):
        self.data.workers.pop(worker_id, None)

    def workers(self):
        return list(self.data.workers.values())

    def get_worker(self, worker_id):
        return self.data.workers.get(worker_id)


@adapter(ZcronRoot)
@implementer(IQueueMarker)
class ZODBQueueMarker:
    """Remembers the sites whose jobs a restarting worker re-registers."""

    def __init__(self, root):
        self.root = root
        self.marked = root.component_data("marker:zodb", OOTreeSet)

    def mark(self, site):
        if site not in self.marked:
            self.marked.add(site)

    def unmark(self, site):
        if site in self.marked:
            self.marked.remove(site)

    def sites(self):
        return list(self.marked)

