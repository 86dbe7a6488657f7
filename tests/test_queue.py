"""The queue manager contract, run against every storage.

``QueueManagerContract`` is the conformance mixin: an implementation's
tests combine it with a way to open a database (ZODB storage-test style).
"""
import threading
from datetime import datetime, timedelta, timezone

import pytest

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def _job(uid="a" * 32, at=T0, site="default", kind="schedule", attempt=0, signature=None):
    from zcron.model.timeutil import to_us
    from zcron.queue.base import Job
    us = to_us(at)
    return Job(site, uid, us, us, kind, attempt, signature)


class QueueManagerContract:
    """Behaviour every IQueueManager must have. Subclasses set ``self.db``
    (an open database whose queue is the one under test) in a fixture."""

    def open_session(self):
        from zcron.db import Session
        return Session(self.db)

    def _queue(self, session):
        from zcron.components import queue_for
        return queue_for(session.root)

    def test_verify(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import IQueueManager
        with self.open_session() as s:
            assert verifyObject(IQueueManager, self._queue(s))

    def test_put_is_ordered_by_due_time(self):
        with self.open_session() as s:
            q = self._queue(s)
            late, early = _job("b" * 32, T0 + timedelta(seconds=5)), _job("c" * 32, T0)
            q.put(late)
            q.put(early)
            q.put(early)                 # putting twice keeps one
            s.tm.commit()
            assert len(q) == 2
            assert q.next_due() == T0
            assert q.due(T0 + timedelta(seconds=10)) == [early, late]
            assert q.due(T0) == [early]
            assert q.due(T0 - timedelta(microseconds=1)) == []
            assert q.due(T0 + timedelta(seconds=10), limit=1) == [early]

    def test_pending_by_cron_and_site(self):
        with self.open_session() as s:
            q = self._queue(s)
            a1, a2 = _job("a" * 32, T0, signature="x"), _job("a" * 32, T0 + timedelta(1))
            b = _job("b" * 32, T0, site="other")
            for job in (a2, a1, b):
                q.put(job)
            assert q.pending("default", "a" * 32) == [a1, a2]
            assert q.pending("default", "a" * 32)[0].signature == "x"
            assert q.pending("other", "a" * 32) == []
            assert sorted(j.uid for j in q.site_pending("default")) == ["a" * 32] * 2
            q.put(_job("c" * 32, T0, kind="manual"))
            assert sorted(q.site_crons("default")) == ["a" * 32, "c" * 32]
            assert list(q.site_crons("nowhere")) == []
            assert q.pending("default", "c" * 32, "schedule") == []
            assert [j.kind for j in q.pending("default", "c" * 32, "manual")] == ["manual"]
            assert q.remove(_job("c" * 32, T0, kind="manual"))
            assert q.sites() == ["default", "other"]
            assert q.clear_site("default") == 2
            assert len(q) == 1 and q.sites() == ["other"]

    def test_remove(self):
        with self.open_session() as s:
            q = self._queue(s)
            job = _job()
            q.put(job)
            assert q.remove(job) is True
            assert q.remove(job) is False
            assert len(q) == 0 and q.next_due() is None

    def test_claim_and_complete(self):
        with self.open_session() as s:
            q = self._queue(s)
            job = _job()
            q.put(job)
            claim = q.claim(job, "w1", T0, "e" * 32, ["a note"])
            assert claim.worker_id == "w1" and claim.job == job
            assert claim.execution_id == "e" * 32 and claim.notes == ("a note",)
            assert q.pending(job.site, job.uid) == [] and len(q) == 0
            s.tm.commit()
            assert q.get_claim(job) == claim
            assert q.claimed() == [claim] and q.claimed("default", job.uid) == [claim]
            assert q.running("default", job.uid) == [claim]
            q.complete(job)
            assert q.get_claim(job) is None and q.claimed() == []

    def test_hold_one_job_per_cron(self):
        with self.open_session() as s:
            q = self._queue(s)
            first, second = _job(at=T0), _job(at=T0 + timedelta(seconds=1))
            assert q.hold(first) is True
            assert q.hold(second) is False
            assert q.held() == [first]
            assert q.release_held("default", first.uid) == first
            assert q.release_held("default", first.uid) is None

    def test_forget_a_crons_pending_and_held_jobs(self):
        with self.open_session() as s:
            q = self._queue(s)
            uid, other = "a" * 32, "b" * 32
            q.put(_job(uid, T0))
            q.put(_job(uid, T0 + timedelta(seconds=1)))
            q.put(_job(other, T0))
            q.hold(_job(uid, T0).replace(kind="queued"))
            assert q.forget("default", uid) == 3
            assert q.pending("default", uid) == [] and q.held() == []
            assert [j.uid for j in q.pending("default", other)] == [other]
            assert q.forget("default", uid) == 0

    def test_clear_site_takes_held_jobs_too(self):
        with self.open_session() as s:
            q = self._queue(s)
            q.put(_job("a" * 32, T0))
            q.hold(_job("a" * 32, T0).replace(kind="queued"))
            q.hold(_job("b" * 32, T0, site="other", kind="queued"))
            assert q.clear_site("default") == 2
            assert [j.site for j in q.held()] == ["other"] and len(q) == 0

    def test_a_worker_stopping(self):
        with self.open_session() as s:
            q = self._queue(s)
            info = q.register_worker("h:1:x", T0, 30, concurrency=4)
            assert not info.stopping and info.concurrency == 4
            assert q.stop_worker("h:1:x") is info and info.stopping
            assert q.stop_worker("nobody") is None

    def test_workers_and_leases(self):
        with self.open_session() as s:
            q = self._queue(s)
            info = q.register_worker("h:1:x", T0, 30, host="h", pid=1)
            assert (info.id, info.host, info.pid, info.started, info.concurrency) \
                == ("h:1:x", "h", 1, T0, 1)
            assert q.workers() == [info]
            assert info.alive(T0 + timedelta(seconds=30))
            assert not info.alive(T0 + timedelta(seconds=31))
            q.renew_worker("h:1:x", T0 + timedelta(seconds=20), 30)
            assert info.alive(T0 + timedelta(seconds=49))
            assert q.renew_worker("nobody", T0, 30) is None
            q.unregister_worker("h:1:x")
            assert q.workers() == []

    def test_workers_prefer_their_own_shards(self):
        """Two workers see the due jobs in different orders: each first
        gets its own share, so they rarely reach for the same job."""
        with self.open_session() as s:
            q = self._queue(s)
            for n in range(64):
                q.put(_job(f"{n:032x}", T0))
            for wid in ("w1", "w2"):
                q.register_worker(wid, T0, 30)
            first = q.due(T0, limit=16, worker="w1")
            second = q.due(T0, limit=16, worker="w2")
            assert not set(first) & set(second)
            assert len(q.due(T0, worker="w1")) == 64      # then it steals

    def test_two_claims_of_one_job_conflict(self):
        """Two connections claiming the same job: exactly one commits."""
        from ZODB.POSException import ConflictError
        with self.open_session() as s:
            job = _job()
            self._queue(s).put(job)
            s.tm.commit()
        with self.open_session() as s1, self.open_session() as s2:
            for s in (s1, s2):
                s.tm.begin()
            self._queue(s1).claim(job, "w1", T0)
            self._queue(s2).claim(job, "w2", T0)
            s1.tm.commit()
            with pytest.raises(ConflictError):
                s2.tm.commit()
            s2.tm.abort()
            s2.tm.begin()
            assert self._queue(s2).get_claim(job).worker_id == "w1"

    def test_a_run_has_ended_when_its_log_entry_exists(self):
        from zcron.model import Cron, Log
        from zcron.queue.base import still_running
        cron = Cron("job", "* * * * *")
        with self.open_session() as s:
            q = self._queue(s)
            ended, going = _job("a" * 32), _job("b" * 32)
            claims = [q.claim(ended, "w", T0, "1" * 32), q.claim(going, "w", T0, "2" * 32)]
            cron.add_log(Log(T0, "OK", execution_id="1" * 32))
            assert still_running(cron, claims) == claims[1:]
            assert still_running(cron, []) == []

    def test_claims_of_different_jobs_commit_concurrently(self):
        with self.open_session() as s:
            q = self._queue(s)
            jobs = [_job(f"{n:032x}", T0) for n in range(2)]
            for job in jobs:
                q.put(job)
            s.tm.commit()
        with self.open_session() as s1, self.open_session() as s2:
            # the two jobs land in shards; find two in different shards
            for s, job, wid in ((s1, jobs[0], "w1"), (s2, jobs[1], "w2")):
                s.tm.begin()
                self._queue(s).claim(job, wid, T0)
            s1.tm.commit()
            s2.tm.commit()       # no ConflictError: different records, or resolved


class TestZODBQueueManager(QueueManagerContract):
    @pytest.fixture(autouse=True)
    def _db(self, database, zca):
        self.db = database.open()
        yield
        self.db.close()


class TestZODBQueueMarker:
    def test_mark_unmark(self, session, zca):
        from zope.interface.verify import verifyObject
        from zcron.components import marker_for
        from zcron.interfaces import IQueueMarker
        marker = marker_for(session.root)
        assert verifyObject(IQueueMarker, marker)
        marker.mark("b")
        marker.mark("a")
        marker.mark("a")
        assert marker.sites() == ["a", "b"]
        marker.unmark("a")
        marker.unmark("zzz")
        assert marker.sites() == ["b"]


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
