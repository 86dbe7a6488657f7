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
        from zcron.worker.claiming import LOOKAHEAD
        from zcron.worker.pool import wait_until_due
        fake_clock.set(T0)
        wait_until_due(_job(T0 + timedelta(seconds=40)))
        assert fake_clock.now() == T0 + LOOKAHEAD

    def test_a_job_due_already_does_not_wait(self, fake_clock):
        from zcron.worker.pool import wait_until_due
        fake_clock.set(T0)
        wait_until_due(_job(T0 - timedelta(seconds=1)))
        assert fake_clock.now() == T0
