"""zcron.worker.pool: waiting for a claimed job's due time."""
from datetime import datetime, timedelta, timezone

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def _job(due):
    from zcron.model.timeutil import to_us
    from zcron.queue.base import Job
    return Job("default", "a" * 32, to_us(T0), to_us(due))


class TestWaitUntilDue:
    def test_a_job_claimed_ahead_waits_for_its_due_time(self, fake_clock):
        from zcron.worker.pool import wait_until_due
        fake_clock.set(T0)
        wait_until_due(_job(T0 + timedelta(seconds=0.05)))
        assert fake_clock.now() == T0 + timedelta(seconds=0.05)

    def test_a_clock_stepped_back_holds_no_thread_for_the_step(self, fake_clock):
        """Claimed due, then the wall clock went 40 s back: the wait is at
        most the claim's look-ahead, not 40 s (a stop waited that long)."""
        from zcron.worker.claiming import LIGHT_LOOKAHEAD
        from zcron.worker.pool import wait_until_due
        fake_clock.set(T0)
        wait_until_due(_job(T0 + timedelta(seconds=40)))
        assert fake_clock.now() == T0 + LIGHT_LOOKAHEAD

    def test_a_job_due_already_does_not_wait(self, fake_clock):
        from zcron.worker.pool import wait_until_due
        fake_clock.set(T0)
        wait_until_due(_job(T0 - timedelta(seconds=1)))
        assert fake_clock.now() == T0


class TestIdleThreads:
    def test_an_idle_threads_connection_does_not_collect_others_changes(
            self, db, monkeypatch):
        """A connection open outside a transaction is handed the oid of
        every object the others' commits change; an idle pool thread ends
        its transaction every IDLE_SYNC seconds, which empties that set."""
        import time

        from persistent.mapping import PersistentMapping

        from zcron.worker import pool as pool_module
        from zcron.worker.backlog import Backlog
        from zcron.worker.lane import Lane
        from zcron.worker.pace import Pace
        monkeypatch.setattr(pool_module, "IDLE_SYNC", 0.05)
        backlog, pace = Backlog(), Pace(2, 1)
        pace.computing = True              # the threads wait in the lane too
        workers = pool_module.Pool(db, 2, backlog, Lane(), pace, groups=None)
        workers.start()
        try:
            time.sleep(0.2)
            with db.transaction() as conn:
                conn.root()["made"] = [PersistentMapping() for _ in range(50)]
            time.sleep(0.5)
            held = [len(conn._storage._invalidations) for conn in db.pool.all
                    if conn.opened]
        finally:
            backlog.stop()
            workers.join(5)
        assert len(held) == 2 and held == [0, 0]


class NoOp:
    def __init__(self, site, cron):
        pass

    def run(self):
        pass


class TestRunCache:
    def test_a_pool_threads_cache_keeps_few_objects(self, db, session, site, monkeypatch):
        """Each loaded bucket of a crontab's trees holds a ghost of every cron
        it points to: a pool connection keeps RUN_CACHE_SIZE objects between
        its transactions, not the database's 20,000 (which held every run's
        buckets and their ghosts), and is handed back with the database's size."""
        import zcron
        from zcron.components import cron_manager, load_crontab
        from zcron.worker import Worker
        from zcron.worker import pool as pool_module
        monkeypatch.setattr(pool_module, "RUN_CACHE_SIZE", 30)
        zcron.add_runner("noop", NoOp)
        crontab = load_crontab(site)
        crons = [crontab.add_cron(zcron.Cron("noop", "0 0 1 1 *")) for _ in range(400)]
        crontab.save_crons(crons)
        for cron in crons:
            cron_manager(site, cron).run_now()
        session.tm.commit()
        stats = Worker(db, concurrency=2).run(until_idle=True, max_seconds=60)
        assert stats.by_status == {"OK": 400}
        others = [conn for conn in db.pool.all if conn is not session.conn]
        assert {conn._cache.cache_size for conn in others} == {db.getCacheSize()}
        kept = sorted(conn._cache.cache_non_ghost_count for conn in others)
        assert kept[-1] < 200, kept           # 400 crons, and their logs, were loaded
