"""The backlog: claimed jobs waiting for a pool thread, soonest due first."""
import threading

from zcron.queue.base import Job


def _jobs(*dues):
    return [Job("default", f"c{n}", due, due) for n, due in enumerate(dues)]


class TestBacklog:
    def _makeOne(self, jobs=()):
        from zcron.worker.backlog import Backlog
        backlog = Backlog()
        for job in jobs:
            backlog.put(job)
        return backlog

    def test_peek_due_leaves_the_soonest_due_jobs_in_place(self):
        jobs = _jobs(30, 10, 20, 50)
        backlog = self._makeOne(jobs)
        assert backlog.peek_due(now_us=30, limit=2) == [jobs[1], jobs[2]]
        assert backlog.peek_due(now_us=30, limit=9) == [jobs[1], jobs[2], jobs[0]]
        assert len(backlog) == 4 and backlog.get_due(now_us=30) == jobs[1]

    def test_get_due_never_waits(self):
        backlog = self._makeOne(_jobs(30))
        assert backlog.get_due(now_us=29) is None and len(backlog) == 1

    def test_ahead_when_none_is_due_yet(self):
        assert not self._makeOne().ahead(now_us=0)      # nothing claimed
        backlog = self._makeOne(_jobs(30, 20))
        assert backlog.ahead(now_us=19) and not backlog.ahead(now_us=20)

    def test_drain_then_stop_wakes_a_waiting_thread(self):
        jobs = _jobs(20, 10)
        backlog = self._makeOne(jobs)
        assert sorted(backlog.drain(), key=jobs.index) == jobs and len(backlog) == 0
        got = []
        thread = threading.Thread(target=lambda: got.append(backlog.get()))
        thread.start()
        backlog.stop()
        thread.join(5)
        assert got == [None]

    def test_get_gives_up_after_its_timeout(self):
        from zcron.worker.backlog import IDLE
        backlog = self._makeOne()
        assert backlog.get(timeout=0.05) is IDLE
        jobs = _jobs(10)
        backlog.put(jobs[0])
        assert backlog.get(timeout=0.05) == jobs[0]
