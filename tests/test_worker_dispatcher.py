"""zcron.worker.dispatcher: when it claims, and which wake-ups wait for that."""
from datetime import datetime, timedelta, timezone

import pytest

import zcron

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


class Ok(zcron.Runner):
    def run(self):
        pass


@pytest.fixture
def worker(db, session, site, fake_clock):
    """A worker whose dispatcher is driven by hand; yearly crons, each with
    a manual job due at T0 + 60, 80, 100, 120, 150, 300 ms."""
    from zcron.components import load_crontab, queue_for
    from zcron.model.timeutil import to_us
    from zcron.queue.base import MANUAL, Job
    from zcron.worker import Worker
    zcron.add_runner("ok", Ok)
    fake_clock.set(T0)
    crontab = load_crontab(site)
    q = queue_for(session.root)
    for ms in (60, 80, 100, 120, 150, 300):
        cron = crontab.add_cron(zcron.Cron("ok", "0 0 1 1 *"))
        crontab.save_cron(cron)
        due = to_us(T0 + timedelta(milliseconds=ms))
        q.put(Job("default", cron.uid, due, due, MANUAL))
    session.tm.commit()
    worker = Worker(db, concurrency=4)
    worker.session.open()
    yield worker
    worker.shutdown.finish()


class TestClaimTime:
    def test_one_claim_takes_every_job_due_within_the_lookahead(self, worker):
        cycle = worker.dispatcher.cycle()
        assert len(cycle.claimed) == 3 and not cycle.more
        assert cycle.next_due == T0 + timedelta(milliseconds=120)

    def test_the_next_claim_waits_until_the_next_job_is_half_the_lookahead_away(
            self, worker):
        """Not at once (one claim transaction per job due), but when it
        is CLAIM_AT away, with those due LOOKAHEAD - CLAIM_AT after it."""
        from zcron.worker.dispatcher import CLAIM_AT
        cycle = worker.dispatcher.cycle()
        assert worker.dispatcher.timeout(cycle, None) == pytest.approx(0.07)
        zcron.clock.get_clock().advance(seconds=0.07)
        assert cycle.next_due - zcron.clock.now() == CLAIM_AT
        assert len(worker.dispatcher.cycle().claimed) == 2      # 120 and 150 ms

    def test_a_claim_stopped_at_its_limit_cycles_again_at_once(self, worker):
        worker.dispatcher.claimer.batch = 2
        cycle = worker.dispatcher.cycle()
        assert len(cycle.claimed) == 2 and cycle.more
        assert worker.dispatcher.timeout(cycle, None) == 0.0


class TestDeferredWakeUps:
    def test_a_finished_run_waits_for_a_claim_due_soon(self, worker):
        """Its claim is settled in that transaction: one commit, not two."""
        cycle = worker.dispatcher.cycle()
        worker.book.finished(cycle.claimed[:1])
        assert worker.dispatcher.defers(cycle, 0.03)
        assert not worker.dispatcher.defers(cycle, 0.2)   # settled now, not so late

    def test_a_run_cut_short_or_a_stop_does_not_wait(self, worker):
        cycle = worker.dispatcher.cycle()
        worker.book.orphaned(cycle.claimed[:1], "interrupted: test")
        assert not worker.dispatcher.defers(cycle, 0.03)
        worker.book.forget(cycle.claimed[:1])
        assert worker.dispatcher.defers(cycle, 0.03)
        worker.stop()
        assert not worker.dispatcher.defers(cycle, 0.03)

    def test_a_book_nearly_full_does_not_wait(self, worker):
        """Less room than a claim per thread: claim (and settle) now."""
        cycle = worker.dispatcher.cycle()
        worker.pace.concurrency = 2       # room for 4 claims, 3 held
        assert worker.pace.capacity - len(worker.book) < worker.pace.concurrency
        assert not worker.dispatcher.defers(cycle, 0.03)


class TestTakingTurns:
    def test_jobs_claimed_ahead_leave_the_threads_out_of_the_lane(self, worker):
        worker.pace.observe("ok", duration=0.001, cpu=0.001)    # quick, computing
        worker.dispatcher.cycle()                  # due in 60 ms and later
        assert not worker.pace.computing

    def test_jobs_claimed_due_take_turns(self, worker):
        worker.pace.observe("ok", duration=0.001, cpu=0.001)
        zcron.clock.get_clock().advance(seconds=0.07)     # the 60 ms job is due
        worker.dispatcher.cycle()
        assert worker.pace.computing
