"""zcron.worker.dispatcher: which wakes end its sleep at once."""
import threading
from datetime import datetime, timedelta, timezone

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
# The sleep a put-off wake leaves to run out (seconds): short, not timed.
SHORT = 0.01


def _job(due):
    from zcron.model.timeutil import to_us
    from zcron.queue.base import Job
    return Job("default", "a" * 32, to_us(T0), to_us(due))


def _dispatcher(fake_clock, due_in, quick=True):
    """A dispatcher whose backlog holds one job due ``due_in`` seconds
    from now, after quick (or slow) runs."""
    from zcron.worker.backlog import Backlog
    from zcron.worker.book import ClaimBook
    from zcron.worker.dispatcher import Dispatcher
    from zcron.worker.pace import Pace
    fake_clock.set(T0)
    ticks = iter(range(10**6))
    pace, backlog = Pace(4, 512, monotonic=lambda: next(ticks)), Backlog()
    pace.observe("ok", duration=0.001, cpu=0.001)    # a run a second: light load
    pace.observe("ok", duration=0.001 if quick else 1.0, cpu=0.001)
    backlog.put(_job(T0 + timedelta(seconds=due_in)))
    return Dispatcher(None, ClaimBook(), backlog, pace, None, None, None, 0.25,
                      threading.Event())


class TestFinishedRunWakes:
    def test_put_off_while_quick_runs_are_claimed_ahead(self, fake_clock):
        """At light load a run's end is settled with the next claim, not
        in a transaction of its own: the wake is taken and slept through."""
        dispatcher = _dispatcher(fake_clock, due_in=0.05)
        dispatcher.wake.set()
        dispatcher._wait(SHORT, put_off=True)
        assert not dispatcher.wake.is_set()

    def test_taken_at_once_when_a_claimed_job_is_due(self, fake_clock):
        dispatcher = _dispatcher(fake_clock, due_in=0)
        dispatcher.wake.set()
        dispatcher._wait(SHORT, put_off=True)
        assert dispatcher.wake.is_set()

    def test_taken_at_once_when_jobs_wait_for_running_ones_or_the_book_is_full(self, fake_clock):
        dispatcher = _dispatcher(fake_clock, due_in=0.05)
        dispatcher.wake.set()
        dispatcher._wait(SHORT, put_off=False)
        assert dispatcher.wake.is_set()

    def test_taken_at_once_after_slow_runs(self, fake_clock):
        dispatcher = _dispatcher(fake_clock, due_in=0.05, quick=False)
        dispatcher.wake.set()
        dispatcher._wait(SHORT, put_off=True)
        assert dispatcher.wake.is_set()

    def test_a_stop_ends_the_sleep(self, fake_clock):
        """stop() wakes a dispatcher putting off wakes: it returns then,
        not at the end of its (hour-long) sleep."""
        dispatcher = _dispatcher(fake_clock, due_in=0.05)
        thread = threading.Thread(target=dispatcher._wait, args=(3600, True))
        thread.start()
        dispatcher.stopping.set()
        dispatcher.wake.set()
        thread.join(60)
        assert not thread.is_alive()

    def test_orphans_are_settled_at_once(self, fake_clock):
        dispatcher = _dispatcher(fake_clock, due_in=0.05)
        dispatcher.book.orphaned([_job(T0)], "interrupted: test")
        dispatcher.wake.set()
        dispatcher._wait(SHORT, put_off=True)
        assert dispatcher.wake.is_set()
