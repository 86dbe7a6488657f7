"""zcron.testing.contracts.claims owns the IQueueManager contract for claims
and held jobs (``ClaimsContract``: exactly one of two claims of a job
commits) and for workers and their leases (``WorkersContract``)."""
import os
import socket

from zcron.testing.contracts.base import SECOND, T0, QueueHook, job, keys, uid


def _ids(claims):
    return sorted(claim.execution_id for claim in claims)


class ClaimsContract(QueueHook):
    """claim, get_claim, complete, claimed, running, hold, release_held, held."""

    def test_a_claim_takes_the_job_out_of_the_pending_ones(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            q.put(job(1))
            q.put(job(2))
            claim = q.claim(job(1), "w1", T0 + SECOND, "e" * 32, ["a note"])
            assert claim.job.key == job(1).key and claim.worker_id == "w1"
            assert claim.claimed_at == T0 + SECOND and claim.execution_id == "e" * 32
            assert tuple(claim.notes) == ("a note",)
            assert list(q.pending("default", uid(1))) == [] and len(q) == 1
            assert keys(q.due(T0)) == keys([job(2)])

    def test_a_claim_gets_a_new_execution_id_when_not_given(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            ids = {q.claim(job(n), "w1", T0).execution_id for n in range(3)}
            assert len(ids) == 3 and all(isinstance(i, str) and i for i in ids)

    def test_claims_are_found_by_job_site_and_cron(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            mine = [q.claim(job(1, T0 + k * SECOND), "w1", T0) for k in range(2)]
            theirs = q.claim(job(2), "w2", T0)
            elsewhere = q.claim(job(1, site="other"), "w3", T0)
            assert _ids(q.claimed()) == _ids(mine + [theirs, elsewhere])
            assert _ids(q.claimed("default")) == _ids(mine + [theirs])
            assert _ids(q.claimed("default", uid(1))) == _ids(mine)
            assert _ids(q.running("default", uid(1))) == _ids(mine)
            assert _ids(q.running("other", uid(1))) == _ids([elsewhere])
            assert q.get_claim(job(2)).execution_id == theirs.execution_id
            assert q.get_claim(job(3)) is None

    def test_claims_are_committed_with_their_fields(self):
        def claim(root):
            q = self.make_queue(root)
            q.put(job(1))
            return q.claim(job(1), "w1", T0 + SECOND, "e" * 32, ["missed 2"])
        self.committed(claim)
        with self.open_session() as s:
            found = self.make_queue(s.root).get_claim(job(1))
            assert (found.job.key, found.worker_id, found.claimed_at,
                    found.execution_id, tuple(found.notes)) == \
                (job(1).key, "w1", T0 + SECOND, "e" * 32, ("missed 2",))
            assert found.missed == ()

    def test_a_claim_keeps_its_missed_fire_times(self):
        missed = [(1_000_000, ["missed: 2 fire times"]), (2_000_000, ["overlap"])]

        def claim(root):
            q = self.make_queue(root)
            q.put(job(1))
            q.put(job(2))
            q.claim(job(1), "w1", T0, "e" * 32, missed=missed)
            q.claim(job(2), "w1", T0, "f" * 32, ["a note"], missed[:1])
        self.committed(claim)
        with self.open_session() as s:
            q = self.make_queue(s.root)
            first, second = q.get_claim(job(1)), q.get_claim(job(2))
            assert first.missed == ((1_000_000, ("missed: 2 fire times",)),
                                    (2_000_000, ("overlap",)))
            assert first.notes == () and second.notes == ("a note",)
            assert second.missed == first.missed[:1]
            assert {c.missed for c in q.claimed()} == {first.missed, second.missed}

    def test_complete_forgets_the_claim(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            q.claim(job(1), "w1", T0)
            q.claim(job(2), "w1", T0)
            q.complete(job(1))
            assert q.get_claim(job(1)) is None
            assert list(q.running("default", uid(1))) == []
            assert [c.job.key for c in q.claimed()] == [job(2).key]

    def test_two_claims_of_one_job_conflict_exactly_one_wins(self):
        """Two workers, each in its own connection, claim one job: the
        second commit raises ConflictError."""
        from ZODB.POSException import ConflictError

        def queued(root):
            q = self.make_queue(root)
            q.put(job(1))
            for worker in ("w1", "w2"):
                q.register_worker(worker, T0, 30)
        self.committed(queued)
        with self.open_session() as s1, self.open_session() as s2:
            for s in (s1, s2):
                s.tm.begin()
            self.make_queue(s1.root).claim(job(1), "w1", T0)
            self.make_queue(s2.root).claim(job(1), "w2", T0)
            s1.tm.commit()
            try:
                s2.tm.commit()
            except ConflictError:
                s2.tm.abort()
            else:
                raise AssertionError("both claims of one job committed")
        with self.open_session() as s:
            q = self.make_queue(s.root)
            assert q.get_claim(job(1)).worker_id == "w1"
            assert len(q) == 0 and len(q.claimed()) == 1

    def test_one_job_held_per_cron(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            first, second = job(1, kind="queued"), job(1, T0 + SECOND, kind="queued")
            assert q.hold(first) is True
            assert q.hold(second) is False
            assert q.hold(job(2, kind="queued")) is True      # another cron
            assert sorted(keys(q.held())) == sorted(keys([first, job(2, kind="queued")]))
            assert len(q) == 0 and list(q.due(T0 + SECOND)) == []   # not pending
            assert q.release_held("default", uid(1)).key == first.key
            assert q.release_held("default", uid(1)) is None
            assert keys(q.held()) == keys([job(2, kind="queued")])

    def test_held_jobs_are_committed(self):
        self.committed(lambda root: self.make_queue(root).hold(job(1, kind="queued")))
        with self.open_session() as s:
            q = self.make_queue(s.root)
            assert keys(q.held()) == keys([job(1, kind="queued")])
            assert q.release_held("default", uid(1)).kind == "queued"


class WorkersContract(QueueHook):
    """register_worker, renew_worker, stop_worker, unregister_worker, workers."""

    def test_register_a_worker(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import IWorkerInfo
        with self.open_session() as s:
            q = self.make_queue(s.root)
            info = q.register_worker("h:1:x", T0, 30, concurrency=4, host="h", pid=1)
            assert verifyObject(IWorkerInfo, info)
            assert (info.id, info.host, info.pid, info.started, info.concurrency) == \
                ("h:1:x", "h", 1, T0, 4)
            assert info.lease_until == T0 + 30 * SECOND and not info.stopping
            assert [w.id for w in q.workers()] == ["h:1:x"]

    def test_host_and_pid_default_to_this_process(self):
        with self.open_session() as s:
            info = self.make_queue(s.root).register_worker("me", T0, 30)
            assert (info.host, info.pid, info.concurrency) == \
                (socket.gethostname(), os.getpid(), 1)

    def test_leases(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            info = q.register_worker("h:1:x", T0, 30)
            assert info.alive(T0 + 30 * SECOND)
            assert not info.alive(T0 + 31 * SECOND)
            renewed = q.renew_worker("h:1:x", T0 + 20 * SECOND, 30)
            assert renewed.id == "h:1:x" and renewed.alive(T0 + 49 * SECOND)
            assert renewed.lease_until == T0 + 50 * SECOND
            assert q.renew_worker("nobody", T0, 30) is None

    def test_a_lost_worker_is_still_listed(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            q.register_worker("lost", T0 - 3600 * SECOND, 30)
            q.register_worker("live", T0, 30)
            assert sorted(w.id for w in q.workers()) == ["live", "lost"]
            assert [w.id for w in q.workers() if w.alive(T0)] == ["live"]

    def test_a_worker_stopping(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            q.register_worker("h:1:x", T0, 30)
            info = q.stop_worker("h:1:x")
            assert info.id == "h:1:x" and info.stopping
            assert q.stop_worker("h:1:x").stopping           # twice: still stopping
            assert q.stop_worker("nobody") is None
            s.tm.commit()
        with self.open_session() as s:
            assert [w.stopping for w in self.make_queue(s.root).workers()] == [True]

    def test_unregister_a_worker(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            q.register_worker("a", T0, 30)
            q.register_worker("b", T0, 30)
            q.unregister_worker("a")
            q.unregister_worker("nobody")
            assert [w.id for w in q.workers()] == ["b"]

    def test_leases_are_committed(self):
        self.committed(lambda root: self.make_queue(root).register_worker("w", T0, 30))
        self.committed(lambda root: self.make_queue(root).renew_worker(
            "w", T0 + 60 * SECOND, 30))
        with self.open_session() as s:
            (info,) = self.make_queue(s.root).workers()
            assert info.lease_until == T0 + 90 * SECOND and info.started == T0
