"""The backlog: jobs this worker claimed, waiting for a pool thread,
soonest due first. (The queue's "pending" jobs are unclaimed ones.)"""
import heapq
import threading
import time

# What ``get`` returns when it waited its timeout for a job in vain.
IDLE = object()


class Backlog:
    def __init__(self):
        self._heap = []
        self._count = 0
        self._stopped = False
        self._cond = threading.Condition()

    def put(self, job):
        with self._cond:
            self._count += 1
            heapq.heappush(self._heap, (job.due_us, self._count, job))
            self._cond.notify()

    def stop(self):
        """Wake every thread waiting in ``get``: it returns None."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def get(self, timeout=None):
        """The soonest job, waiting for one (IDLE after ``timeout`` seconds
        without); None once stopped."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not self._heap and not self._stopped:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return IDLE
                self._cond.wait(left)
            return heapq.heappop(self._heap)[2] if self._heap else None

    def peek_due(self, now_us, limit):
        """Up to ``limit`` of the soonest jobs that are due, left in place."""
        with self._cond:
            return [entry[2] for entry in heapq.nsmallest(limit, self._heap)
                    if entry[0] <= now_us]

    def get_due(self, now_us):
        """The soonest job if it is due, else None (never waits)."""
        with self._cond:
            if self._heap and self._heap[0][0] <= now_us:
                return heapq.heappop(self._heap)[2]
            return None

    def ahead(self, now_us):
        """Whether it holds jobs, none of them due at ``now_us`` yet (they
        were claimed ahead of time)."""
        with self._cond:
            return bool(self._heap) and self._heap[0][0] > now_us

    def __len__(self):
        return len(self._heap)

    def drain(self):
        """Take every job out (a stopping worker releases them)."""
        with self._cond:
            jobs = [entry[2] for entry in self._heap]
            del self._heap[:]
            return jobs
