"""The default queue: BTrees in the ZODB, sharded so workers do not collide.

Each shard holds its own pending jobs (ordered by due time), its index by
cron, its claims and its held jobs. Each shard has one owner among the
live workers at a time (``zcron.queue.shares``). A worker
claims its own shards' jobs; others' only once they are late by the
``grace`` it gives (their owner is busy or gone). Two workers thus touch
different BTrees, and ZODB's conflict detection is left to arbitrate the
rare races, where exactly one claim commits.
"""
import heapq
import os
import socket
from datetime import timedelta

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from zope.component import adapter
from zope.interface import implementer

from zcron.interfaces import IQueueManager, IQueueMarker, IZcronRoot
from zcron.model.log import new_execution_id
from zcron.model.timeutil import to_us
from zcron.queue.base import Claim, WorkerInfo, shard_of
from zcron.queue.shares import partition
from zcron.queue.trees import ClaimsTree, PendingTree
from zcron.queue.keys import (claim_from, claim_value, cron_range, due_key, due_of_pending,
                              held_key, index_key, job_from_index, job_from_pending,
                              job_ref, pending_key)
from zcron.queue.latest import Latest, site_uids, site_uids_after, soonest_groups

SHARDS = 8
STAMPS = "marker:zodb:stamps"


class Shard(Persistent):
    """Keys are strings and pairs, not long tuples: every write re-pickles
    a whole bucket, so small entries keep commits cheap."""

    def __init__(self):
        self.pending = PendingTree()  # due key + NUL + ref -> signature
        self.by_cron = OOTreeSet()    # "site NUL uid NUL due NUL fire NUL kind NUL attempt"
        self.claims = ClaimsTree()    # ref -> encoded Claim (see keys.claim_value)
        self.held = OOBTree()         # "site NUL uid" -> Job waiting for its cron's run
        self.size = Length()


class QueueData(Persistent):
    def __init__(self, shards=SHARDS):
        self.shards = tuple(Shard() for _ in range(shards))
        self.workers = OOBTree()      # worker id -> WorkerInfo


@adapter(IZcronRoot)
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
        if shard.pending.insert(pending_key(job), job.signature):
            shard.by_cron.add(index_key(job))
            shard.size.change(1)

    def remove(self, job):
        shard = self._shard(job.site, job.uid)
        key = pending_key(job)
        if key not in shard.pending:
            return False
        del shard.pending[key]
        shard.by_cron.remove(index_key(job))
        shard.size.change(-1)
        return True

    def pending(self, site, uid, kind=None):
        shard = self._shard(site, uid)
        keys = shard.by_cron.keys(**cron_range(site, uid, kind))
        jobs = [job_from_index(key) for key in keys]
        for job in jobs:
            job.signature = shard.pending.get(pending_key(job))
        return sorted(jobs, key=lambda j: j.key)

    def site_pending(self, site):
        for shard in self.data.shards:
            for key in shard.by_cron.keys(**cron_range(site)):
                job = job_from_index(key)
                job.signature = shard.pending.get(pending_key(job))
                yield job

    def site_crons(self, site):
        return set().union(*(site_uids(shard, site) for shard in self.data.shards))

    def site_crons_after(self, site, after, count):
        return site_uids_after(self.data.shards, site, after, count)

    def site_latest(self, site):
        return Latest(self.data.shards, site)

    def site_soonest(self, site):
        return soonest_groups(self.data.shards, site)

    def forget(self, site, uid):
        """Every pending and held job of one cron; how many were removed."""
        removed = sum(self.remove(job) for job in self.pending(site, uid))
        return removed + (self.release_held(site, uid) is not None)

    def clear_site(self, site):
        removed = sum(self.remove(job) for job in list(self.site_pending(site)))
        for shard in self.data.shards:
            for key in list(shard.held.keys(**cron_range(site))):
                del shard.held[key]
                removed += 1
        return removed

    def __len__(self):
        return sum(shard.size() for shard in self.data.shards)

    def next_due(self, worker=None, grace=None):
        own, other = self._partition(worker)
        soonest = [due_of_pending(s.pending.minKey()) for s in own]
        delay = grace or timedelta(0)
        soonest += [due_of_pending(s.pending.minKey()) + delay for s in other]
        return min(soonest) if soonest else None

    def due(self, now, limit=None, worker=None, grace=None):
        """Due jobs, soonest first within preference groups: the worker's own
        shards first, then the others' (work stealing), those only when
        due by ``now - grace``."""
        own, other = self._partition(worker)
        result = []
        if limit is not None and limit <= 0:
            return result
        stolen_by = now - grace if grace else now
        for group, until in ((own, now), (other, stolen_by)):
            streams = [self._due_in(shard, to_us(until)) for shard in group]
            for job in heapq.merge(*streams, key=lambda j: j.key):
                result.append(job)
                if limit is not None and len(result) >= limit:
                    return result
        return result

    @staticmethod
    def _due_in(shard, now_us):
        for key, signature in shard.pending.items(max=due_key(now_us) + "\x01"):
            yield job_from_pending(key, signature)

    def _partition(self, worker):
        """(the shards ``worker`` owns now, the others): see ``shares``."""
        shards = [(i, s) for i, s in enumerate(self.data.shards) if s.size()]
        return partition(shards, sorted(self.data.workers.keys()), worker)

    def sites(self):
        found = set()
        for shard in self.data.shards:
            key = shard.by_cron.minKey() if shard.size() else None
            while key is not None:
                site = key.split("\x00", 1)[0]
                found.add(site)
                try:
                    key = shard.by_cron.minKey(site + "\x01")
                except ValueError:
                    key = None
            for ref in shard.claims.keys():
                found.add(ref.split("\x00", 1)[0])
        return sorted(found)

    # -- claims -----------------------------------------------------------------

    def claim(self, job, worker, now, execution_id=None, notes=(), missed=()):
        self.remove(job)
        claim = Claim(job, worker, now, execution_id or new_execution_id(), notes, missed)
        self._shard(job.site, job.uid).claims[job_ref(job)] = claim_value(claim)
        return claim

    def get_claim(self, job):
        ref = job_ref(job)
        value = self._shard(job.site, job.uid).claims.get(ref)
        return None if value is None else claim_from(ref, value)

    def complete(self, job):
        shard = self._shard(job.site, job.uid)
        shard.claims.pop(job_ref(job), None)

    def claimed(self, site=None, uid=None):
        claims = []
        for shard in self.data.shards:
            items = shard.claims.items() if site is None else \
                shard.claims.items(**cron_range(site, uid))
            claims.extend(claim_from(ref, value) for ref, value in items)
        return claims

    def running(self, site, uid):
        """Claims of one cron not completed yet."""
        shard = self._shard(site, uid)
        return [claim_from(ref, value)
                for ref, value in shard.claims.items(**cron_range(site, uid))]

    # -- held jobs (overlap policy 'queue-one') ------------------------------------

    def hold(self, job):
        """Keep ``job`` until its cron's running job ends; False if one is
        already held (only one waits)."""
        shard = self._shard(job.site, job.uid)
        key = held_key(job.site, job.uid)
        if key in shard.held:
            return False
        shard.held[key] = job
        return True

    def release_held(self, site, uid):
        shard = self._shard(site, uid)
        return shard.held.pop(held_key(site, uid), None)

    def held(self):
        return [job for shard in self.data.shards for job in shard.held.values()]

    # -- workers --------------------------------------------------------------------

    def register_worker(self, worker_id, now, lease, concurrency=1, host=None, pid=None):
        worker = WorkerInfo(worker_id, host or socket.gethostname(),
                            os.getpid() if pid is None else pid, now,
                            now + timedelta(seconds=lease), concurrency)
        self.data.workers[worker_id] = worker
        return worker

    def renew_worker(self, worker_id, now, lease):
        worker = self.data.workers.get(worker_id)
        if worker is not None:
            worker.lease_until = now + timedelta(seconds=lease)
        return worker

    def stop_worker(self, worker_id):
        worker = self.data.workers.get(worker_id)
        if worker is not None and not worker.stopping:
            worker.stopping = True
        return worker

    def unregister_worker(self, worker_id):
        self.data.workers.pop(worker_id, None)

    def workers(self):
        return list(self.data.workers.values())


@adapter(IZcronRoot)
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
        stamps = self.root.components.get(STAMPS)
        if stamps is not None:
            stamps.pop(site, None)

    def stamp(self, site):
        stamps = self.root.components.get(STAMPS)
        return None if stamps is None else stamps.get(site)

    def set_stamp(self, site, stamp):
        if self.stamp(site) != stamp:
            self.root.component_data(STAMPS, OOBTree)[site] = stamp

    def sites(self):
        return list(self.marked)

