"""zcron.testing.contracts.queue owns the IQueueManager contract: pending
jobs here (``PendingJobsContract``), claims, held jobs and workers in
``claims``, all three together as ``QueueManagerContract``."""
from zcron.testing.contracts.base import SECOND, T0, QueueHook, job, keys, uid
from zcron.testing.contracts.claims import ClaimsContract, WorkersContract


class PendingJobsContract(QueueHook):
    """put, remove, pending, site_pending, site_crons, site_latest,
    site_soonest, site_crons_after, forget, clear_site, due, next_due,
    __len__, sites."""

    def test_an_empty_queue(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            assert len(q) == 0 and q.next_due() is None
            assert list(q.due(T0)) == [] and list(q.sites()) == []
            assert list(q.pending("default", uid(1))) == []
            assert list(q.site_pending("default")) == []
            assert list(q.site_crons("default")) == []
            assert q.forget("default", uid(1)) == 0 and q.clear_site("default") == 0

    def test_due_soonest_first_up_to_now_inclusive(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            jobs = [job(n, T0 + n * SECOND) for n in range(6)]
            for j in reversed(jobs):
                q.put(j)
            assert len(q) == 6 and q.next_due() == T0
            assert keys(q.due(T0 + 10 * SECOND)) == keys(jobs)
            assert keys(q.due(T0 + 2 * SECOND)) == keys(jobs[:3])      # inclusive
            assert keys(q.due(T0 - SECOND / 10 ** 6)) == []
            assert keys(q.due(T0 + 10 * SECOND, limit=2)) == keys(jobs[:2])
            assert keys(q.due(T0 + 10 * SECOND, limit=6)) == keys(jobs)

    def test_due_limit_zero_gives_nothing(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            q.put(job(1))
            assert keys(q.due(T0, limit=0)) == []
            assert keys(q.due(T0, limit=0, worker="w1")) == []

    def test_due_time_not_fire_time(self):
        """Jitter and backoff delay a job: its ``due``, not its fire time, counts."""
        with self.open_session() as s:
            q = self.make_queue(s.root)
            late = job(1, T0, due=T0 + 30 * SECOND)
            early = job(2, T0 + 10 * SECOND)
            q.put(late)
            q.put(early)
            assert keys(q.due(T0)) == []
            assert q.next_due() == T0 + 10 * SECOND
            assert keys(q.due(T0 + 30 * SECOND)) == keys([early, late])

    def test_next_due_is_aware_utc(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            q.put(job(1, T0 + 5 * SECOND))
            q.put(job(2, T0 + 3 * SECOND))
            assert q.next_due() == T0 + 3 * SECOND
            assert q.next_due().utcoffset().total_seconds() == 0
            q.remove(job(2, T0 + 3 * SECOND))
            assert q.next_due() == T0 + 5 * SECOND

    def test_a_job_put_twice_is_queued_once(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            q.put(job(1))
            q.put(job(1))
            assert len(q) == 1 and keys(q.due(T0)) == keys([job(1)])

    def test_jobs_keep_their_fields(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            put = job(1, T0, kind="retry", attempt=2, signature="sig", due=T0 + SECOND)
            q.put(put)
            s.tm.commit()
        with self.open_session() as s:           # read back from the storage
            q = self.make_queue(s.root)
            for found in (q.pending("default", uid(1))[0], list(q.due(T0 + SECOND))[0],
                          list(q.site_pending("default"))[0]):
                assert (found.site, found.uid, found.fire_time, found.due, found.kind,
                        found.attempt, found.signature) == \
                    ("default", uid(1), T0, T0 + SECOND, "retry", 2, "sig")

    def test_remove(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            q.put(job(1))
            q.put(job(2))
            assert q.remove(job(1)) is True
            assert q.remove(job(1)) is False
            assert q.remove(job(3)) is False           # never queued
            assert len(q) == 1 and keys(q.due(T0)) == keys([job(2)])

    def test_pending_of_one_cron(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            later, sooner = job(1, T0 + SECOND), job(1, T0)
            manual = job(1, T0 + 2 * SECOND, kind="manual")
            for j in (later, manual, sooner, job(2), job(1, site="other")):
                q.put(j)
            assert keys(q.pending("default", uid(1))) == keys([sooner, later, manual])
            assert keys(q.pending("default", uid(1), "schedule")) == keys([sooner, later])
            assert keys(q.pending("default", uid(1), "manual")) == keys([manual])
            assert keys(q.pending("default", uid(1), "retry")) == []
            assert keys(q.pending("other", uid(1))) == keys([job(1, site="other")])

    def test_site_pending_and_site_crons(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            mine = [job(n, T0 + k * SECOND) for n in range(5) for k in range(2)]
            for j in mine + [job(9, site="other")]:
                q.put(j)
            assert sorted(keys(q.site_pending("default"))) == sorted(keys(mine))
            crons = list(q.site_crons("default"))
            assert sorted(crons) == [uid(n) for n in range(5)]      # each once
            assert list(q.site_crons("other")) == [uid(9)]
            assert list(q.site_crons("nowhere")) == []

    def test_site_crons_after_walks_them_in_uid_order(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            for n in (4, 1, 7, 3, 9):
                q.put(job(n, T0))
                q.put(job(n, T0 + SECOND))          # a cron's jobs: its uid once
            q.put(job(5, site="other"))
            q.put(job(0, site="defaultx"))           # a site sorting just after
            assert q.site_crons_after("default", "", 3) == [uid(1), uid(3), uid(4)]
            assert q.site_crons_after("default", uid(4), 3) == [uid(7), uid(9)]
            assert q.site_crons_after("default", uid(5), 10) == [uid(7), uid(9)]
            assert q.site_crons_after("default", uid(9), 10) == []
            assert q.site_crons_after("nowhere", "", 10) == []

    @staticmethod
    def _put_crons_of_sites(q):
        """Crons 1-4 of 'default' (1 and 2 due at once, 3 with a sooner
        retry, 4 with two jobs due at once); one cron of each of the sites
        'a', 'defaultx' and 'z' (sorting before and after) at those times."""
        for n, at in ((1, 3), (2, 3), (3, 5), (4, 2)):
            q.put(job(n, T0 + at * SECOND))
        q.put(job(3, T0 + SECOND, kind="retry", attempt=1))
        q.put(job(4, T0 + 2 * SECOND, kind="manual"))
        for n, other in enumerate(("a", "defaultx", "z"), 10):
            for at in (3, 4, 9):
                q.put(job(n, T0 + at * SECOND, site=other))

    def test_site_soonest_groups_crons_at_their_soonest_job(self):
        """Soonest first, ties grouped, each cron once (c3 at its retry)."""
        from zcron.model.timeutil import to_us
        with self.open_session() as s:
            q = self.make_queue(s.root)
            self._put_crons_of_sites(q)
            assert list(q.site_soonest("default")) == [
                (to_us(T0 + at * SECOND), uids) for at, uids in
                ((1, {uid(3)}), (2, {uid(4)}), (3, {uid(1), uid(2)}))]
            assert list(q.site_soonest("nowhere")) == []

    def test_site_latest_groups_crons_at_their_soonest_job(self):
        """Latest first, ties grouped, each cron once."""
        from zcron.model.timeutil import to_us
        with self.open_session() as s:
            q = self.make_queue(s.root)
            self._put_crons_of_sites(q)
            latest = q.site_latest("default")
            assert latest.crons == {uid(n) for n in range(1, 5)}
            assert list(latest) == [(to_us(T0 + at * SECOND), uids) for at, uids in
                                    ((3, {uid(1), uid(2)}), (2, {uid(4)}), (1, {uid(3)}))]
            nowhere = q.site_latest("nowhere")
            assert nowhere.crons == set() and list(nowhere) == []

    def test_site_latest_and_soonest_skip_other_sites(self):
        from zcron.model.timeutil import to_us
        with self.open_session() as s:
            q = self.make_queue(s.root)
            self._put_crons_of_sites(q)
            for n, other in ((10, "a"), (12, "z")):
                assert list(q.site_latest(other)) == [(to_us(T0 + 3 * SECOND), {uid(n)})]
                assert list(q.site_soonest(other)) == [(to_us(T0 + 3 * SECOND), {uid(n)})]

    def test_sites_with_pending_or_claimed_jobs(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            q.put(job(1, site="b"))
            q.put(job(2, site="a"))
            assert sorted(q.sites()) == ["a", "b"]
            q.claim(job(1, site="b"), "w1", T0)
            assert sorted(q.sites()) == ["a", "b"]          # claimed counts
            q.complete(job(1, site="b"))
            assert list(q.sites()) == ["a"]

    def test_forget_a_crons_pending_and_held_jobs(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            q.put(job(1, T0))
            q.put(job(1, T0 + SECOND, kind="manual"))
            q.put(job(2, T0))
            q.put(job(1, site="other"))
            q.hold(job(1, T0 + 2 * SECOND, kind="queued"))
            assert q.forget("default", uid(1)) == 3
            assert keys(q.pending("default", uid(1))) == [] and list(q.held()) == []
            assert keys(q.pending("default", uid(2))) == keys([job(2)])
            assert len(q.pending("other", uid(1))) == 1
            assert q.forget("default", uid(1)) == 0

    def test_clear_site_takes_pending_and_held_jobs_not_claims(self):
        with self.open_session() as s:
            q = self.make_queue(s.root)
            for n in range(3):
                q.put(job(n))
            q.put(job(1, site="other"))
            q.hold(job(0, T0 + SECOND, kind="queued"))
            q.hold(job(5, site="other", kind="queued"))
            q.claim(job(2), "w1", T0)
            assert q.clear_site("default") == 3        # two pending, one held
            assert list(q.site_pending("default")) == [] and len(q) == 1
            assert [j.site for j in q.held()] == ["other"]
            assert q.get_claim(job(2)) is not None     # a run going on ends as usual
            assert q.clear_site("default") == 0

    def test_committed_jobs_are_seen_by_other_connections(self):
        self.committed(lambda root: self.make_queue(root).put(job(1)))
        with self.open_session() as s:
            q = self.make_queue(s.root)
            assert len(q) == 1 and keys(q.due(T0)) == keys([job(1)])
            q.put(job(2))
            s.tm.abort()                               # an aborted put leaves nothing
        with self.open_session() as s:
            assert len(self.make_queue(s.root)) == 1

    def test_due_for_a_worker_gives_due_jobs_only_soonest_first(self):
        """``due(now, limit, worker)`` may put a worker's share first; any
        share still has due jobs only, soonest first, and no limit gives
        every due job once."""
        with self.open_session() as s:
            q = self.make_queue(s.root)
            due = [job(n, T0 - n * SECOND) for n in range(200)]
            for j in due + [job(n, T0 + SECOND) for n in range(200, 220)]:
                q.put(j)
            for wid in ("w1", "w2"):
                q.register_worker(wid, T0, 30)
            for wid in ("w1", "w2", "unknown", None):
                self._check_share(q, wid, due)

    def test_grace_leaves_other_shares_to_their_owners(self):
        """With ``grace``, each due job goes to one worker first; the others
        get it once it is ``grace`` late, and ``next_due`` says when."""
        grace = SECOND / 4
        with self.open_session() as s:
            q = self.make_queue(s.root)
            due = [job(n, T0) for n in range(64)]
            for j in due:
                q.put(j)
            for wid in ("w1", "w2"):
                q.register_worker(wid, T0, 30)
            first = {wid: set(keys(q.due(T0, worker=wid, grace=grace)))
                     for wid in ("w1", "w2")}
            assert not first["w1"] & first["w2"]
            assert first["w1"] | first["w2"] == set(keys(due))
            for wid in ("w1", "w2"):
                self._check_grace(q, wid, grace, due, first[wid])
            assert q.next_due() == T0

    @staticmethod
    def _check_grace(q, wid, grace, due, first):
        later = q.due(T0 + grace, worker=wid, grace=grace)
        assert sorted(keys(later)) == sorted(keys(due))
        assert q.next_due(wid, grace) == (T0 if first else T0 + grace)

    @staticmethod
    def _check_share(q, wid, due):
        share = list(q.due(T0, limit=10, worker=wid))
        assert len(share) == 10 and len(set(keys(share))) == 10
        assert set(keys(share)) <= set(keys(due))
        assert [j.due for j in share] == sorted(j.due for j in share)
        every = list(q.due(T0, worker=wid))
        assert sorted(keys(every)) == sorted(keys(due))


class QueueManagerContract(PendingJobsContract, ClaimsContract, WorkersContract):
    """Every IQueueManager method, as zcron's interfaces document it."""

    def test_provides_IQueueManager(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import IQueueManager
        with self.open_session() as s:
            assert verifyObject(IQueueManager, self.make_queue(s.root))
