"""The queue: zcron.testing's QueueManagerContract and QueueMarkerContract
run against every storage, plus what only zcron's ZODB queue promises
(shards: workers prefer their own), jobs, and a race of threads.

``QueueManagerContract`` below is zcron's flavour of the shipped contract;
tests/test_postgresql.py runs it over PostgreSQL.
"""
import threading
from datetime import datetime, timezone

import pytest

from zcron.testing import QueueManagerContract as ShippedQueueContract
from zcron.testing import QueueMarkerContract

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def _job(uid="a" * 32, at=T0, site="default", kind="schedule", attempt=0, signature=None):
    from zcron.model.timeutil import to_us
    from zcron.queue.base import Job
    us = to_us(at)
    return Job(site, uid, us, us, kind, attempt, signature)


class ZODBQueueManagerTests(ShippedQueueContract):
    """The shipped contract, and what zcron's sharded ZODB queue adds."""

    def test_the_zodb_queue_is_the_one_tested(self):
        from zcron.queue import ZODBQueueManager
        with self.open_session() as s:
            assert type(self.make_queue(s.root)) is ZODBQueueManager

    def test_workers_prefer_their_own_shards(self):
        """Two workers see the due jobs in different orders: each first
        gets its own share, so they rarely reach for the same job."""
        with self.open_session() as s:
            q = self.make_queue(s.root)
            for n in range(64):
                q.put(_job(f"{n:032x}", T0))
            for wid in ("w1", "w2"):
                q.register_worker(wid, T0, 30)
            first = q.due(T0, limit=16, worker="w1")
            second = q.due(T0, limit=16, worker="w2")
            assert not set(first) & set(second)
            assert len(q.due(T0, worker="w1")) == 64      # then it steals

    def test_shard_owners_turn_with_the_due_time(self):
        """Whatever the crons' period, each worker owns a shard in turn:
        a shard's jobs due at successive seconds, minutes, hours or days
        go first to each of two workers as often."""
        from datetime import timedelta
        for step in (timedelta(seconds=1), timedelta(minutes=1), timedelta(hours=1),
                     timedelta(days=1)):
            owners = []
            for n in range(8):
                with self.open_session() as s:
                    q = self.make_queue(s.root)
                    due = T0 + n * step
                    q.put(_job("0" * 32, due))
                    for wid in ("w1", "w2"):
                        q.register_worker(wid, due, 30)
                    owners.append(len(q.due(due, worker="w1", grace=step / 2)))
                    s.tm.abort()
            assert owners.count(1) == 4, (step, owners)

    def test_claims_of_jobs_in_different_shards_commit_concurrently(self):
        """Two workers claiming jobs of crons in different shards write
        different records: both commit."""
        from zcron.queue.base import shard_of
        from zcron.queue.zodb import SHARDS
        uids = [f"{n:032x}" for n in range(16)]
        one = uids[0]
        two = next(u for u in uids if shard_of("default", u, SHARDS)
                   != shard_of("default", one, SHARDS))
        jobs = [_job(one, T0), _job(two, T0)]
        with self.open_session() as s:
            q = self.make_queue(s.root)
            for job in jobs:
                q.put(job)
            s.tm.commit()
            shards = q.data.shards
            assert shards[shard_of("default", one, SHARDS)] is not \
                shards[shard_of("default", two, SHARDS)]
        with self.open_session() as s1, self.open_session() as s2:
            for s, job, wid in ((s1, jobs[0], "w1"), (s2, jobs[1], "w2")):
                s.tm.begin()
                self.make_queue(s.root).claim(job, wid, T0)
            s1.tm.commit()
            s2.tm.commit()       # no ConflictError: different records
        with self.open_session() as s:
            q = self.make_queue(s.root)
            assert [q.get_claim(job).worker_id for job in jobs] == ["w1", "w2"]
            assert len(q) == 0 and len(q.claimed()) == 2

    def test_a_rolling_queue_makes_few_new_buckets(self):
        """Jobs put at the late end and taken at the early one, as a cron
        firing every second makes them: a bucket split of the pending tree
        makes a new object (FileStorage indexes each until a pack), one in
        60 jobs, not one in 15 (OOBTree's buckets of 30 keys)."""
        from datetime import timedelta
        jobs = [_job("0" * 32, T0 + timedelta(seconds=n)) for n in range(1_240)]
        seen = set()
        with self.open_session() as s:
            q = self.make_queue(s.root)
            for n, job in enumerate(jobs):
                q.put(job)
                if n >= 200:
                    assert q.remove(jobs[n - 200])
                if n % 20 == 19:
                    s.tm.commit()
                    shard = q._shard(job.site, job.uid)
                    seen |= _bucket_oids(shard.pending)
        assert 10 <= len(seen) <= len(jobs) // 60 + 4, len(seen)

    def test_a_claim_and_the_settling_that_empties_the_claims_commit_together(self):
        """One worker removes the last claim of a shard while another
        claims a job of that shard: both commit (the claims merge key by
        key); two claims of one job still conflict."""
        from ZODB.MappingStorage import MappingStorage
        from ZODB.POSException import ConflictError
        from zcron.queue.base import shard_of
        from zcron.queue.zodb import SHARDS
        if isinstance(self.db.storage, MappingStorage):
            pytest.skip("MappingStorage resolves no conflicts")
        uids = [f"{n:032x}" for n in range(64)]
        one = uids[0]
        two = next(u for u in uids[1:] if shard_of("default", u, SHARDS)
                   == shard_of("default", one, SHARDS))
        ran, due = _job(one, T0), _job(two, T0)
        with self.open_session() as s:
            q = self.make_queue(s.root)
            q.put(ran)
            q.put(due)
            q.claim(ran, "w1", T0)
            s.tm.commit()
        with self.open_session() as s1, self.open_session() as s2:
            s1.tm.begin()
            self.make_queue(s1.root).complete(ran)
            s2.tm.begin()
            self.make_queue(s2.root).claim(due, "w2", T0)
            s1.tm.commit()
            s2.tm.commit()
        with self.open_session() as s:
            q = self.make_queue(s.root)
            assert [c.job for c in q.claimed()] == [due] and len(q) == 0
            q.put(ran)
            s.tm.commit()
        with self.open_session() as s1, self.open_session() as s2:
            for s, wid in ((s1, "w1"), (s2, "w2")):
                s.tm.begin()
                self.make_queue(s.root).claim(ran, wid, T0)
            s1.tm.commit()
            with pytest.raises(ConflictError):
                s2.tm.commit()

    def test_a_run_has_ended_when_its_log_entry_exists(self):
        from zcron.model import Cron, Log
        from zcron.queue.base import still_running
        cron = Cron("job", "* * * * *")
        with self.open_session() as s:
            q = self.make_queue(s.root)
            ended, going = _job("a" * 32), _job("b" * 32)
            claims = [q.claim(ended, "w", T0, "1" * 32), q.claim(going, "w", T0, "2" * 32)]
            cron.add_log(Log(T0, "OK", execution_id="1" * 32))
            assert still_running(cron, claims) == claims[1:]
            assert still_running(cron, []) == []


def _bucket_oids(tree):
    """The oids of a committed BTree's buckets (none: its one bucket is
    kept in the tree's own record)."""
    state = tree.__getstate__()
    if state is None or len(state) == 1:
        return set()
    found = set()
    for child in state[0][::2]:
        found |= _bucket_oids(child) if isinstance(child, type(tree)) else {child._p_oid}
    return found


# tests/test_postgresql.py imports it under this name
QueueManagerContract = ZODBQueueManagerTests


class TestZODBQueueManager(ZODBQueueManagerTests):
    @pytest.fixture(autouse=True)
    def _db(self, database, zca):
        self.db = database.open()
        yield
        self.db.close()


class TestZODBQueueMarker(QueueMarkerContract):
    @pytest.fixture(autouse=True)
    def _db(self, database, zca):
        self.db = database.open()
        yield
        self.db.close()

    def test_the_zodb_marker_is_the_one_tested(self):
        from zcron.queue import ZODBQueueMarker
        with self.open_session() as s:
            assert type(self.make_marker(s.root)) is ZODBQueueMarker


class TestJob:
    def test_times_round_trip(self):
        from zcron.model.timeutil import from_us, to_us
        from zcron.queue.base import Job
        at = datetime(2026, 3, 29, 1, 30, 0, 123456, tzinfo=timezone.utc)
        assert from_us(to_us(at)) == at
        job = Job("s", "u" * 32, to_us(at))
        assert job.fire_time == at and job.due == at
        assert job.replace(kind="retry").kind == "retry"
        assert job.replace() == job and hash(job.replace()) == hash(job)
        assert "s/" in repr(job)
        assert job != object()

    def test_verify(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import IJob, IWorkerInfo
        from zcron.queue.base import WorkerInfo
        assert verifyObject(IJob, _job())
        assert verifyObject(IWorkerInfo, WorkerInfo("i", "h", 1, T0, T0))


def test_threads_claiming_race_exactly_one_wins(tmp_path, zca):
    """Many threads race for the same 20 jobs: each job is claimed once."""
    from ZODB.POSException import ConflictError
    from zcron.components import queue_for
    from zcron.db import Session, open_db
    db = open_db(f"file://{tmp_path}/Data.fs")
    with Session(db) as s:
        for n in range(20):
            queue_for(s.root).put(_job(f"{n:032x}", T0))
        s.tm.commit()
    won = []

    def racer(name):
        with Session(db) as s:
            for _ in range(200):
                s.tm.begin()
                q = queue_for(s.root)
                jobs = q.due(T0, limit=1)
                if not jobs:
                    return
                q.claim(jobs[0], name, T0)
                try:
                    s.tm.commit()
                    won.append(jobs[0].key)
                except ConflictError:
                    s.tm.abort()
    threads = [threading.Thread(target=racer, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.close()
    assert sorted(won) == sorted(set(won)) and len(won) == 20
