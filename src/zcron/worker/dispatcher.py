"""The dispatcher: the worker's own thread, cycling through claim
transactions -- keep the lease, settle finished and cut-short claims,
reap lost workers, claim what is due up to the pace's capacity -- and
sleeping until a due time, a finished run or the poll interval."""
import random
import threading
import time
from typing import NamedTuple

from zcron import clock
from zcron.model.timeutil import to_us
from zcron.retry import RETRYABLE
from zcron.worker.claiming import STEAL_GRACE

# A conflicting claim transaction is not retried: the next cycle claims
# afresh after a random pause (seconds) between these.
CONFLICT_PAUSE = (0.001, 0.02)


class Cycle(NamedTuple):
    claimed: list       # jobs claimed, put in the backlog
    next_due: object    # when this worker may claim next (None: nothing queued)
    waiting: bool       # due jobs wait for running ones
    synchronised: bool = True   # the restart's re-registering was done when it began


class Dispatcher:
    def __init__(self, session, book, backlog, pace, claimer, leases, settler, poll,
                 stopping):
        self.session = session
        self.book = book
        self.backlog = backlog
        self.pace = pace
        self.claimer = claimer
        self.leases = leases
        self.settler = settler
        self.poll = poll
        self.stopping = stopping
        self.wake = threading.Event()   # set by finished runs and by stop()
        self.synchronised = threading.Event()   # the restart's re-registering is done
        self.synchronised.set()

    def run(self, deadline=None, until_idle=False):
        """Cycle until stopping, past ``deadline`` (a time.monotonic()) or,
        with ``until_idle``, once nothing is due, claimed or running."""
        while not self.stopping.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                break
            cycle = self.cycle()
            if until_idle and self._idle(cycle):
                break
            self._sleep(cycle, deadline)

    def cycle(self):
        """One claim transaction; the jobs claimed go to the backlog."""
        synchronised = self.synchronised.is_set()

        def work(tx):
            self._maintain(tx)
            free = 0 if self.stopping.is_set() else self.pace.capacity - len(self.book)
            claims = self.claimer.claim(tx, free, self.pace.lookahead)
            tx.on_commit(lambda: self.book.claimed(claims.jobs, claims.successors))
            next_due = tx.queue.next_due(self.claimer.worker_id, STEAL_GRACE)
            return Cycle(claims.jobs, next_due, claims.waiting, synchronised)
        try:
            cycle = self.session.transact(work, attempts=1)
        except RETRYABLE:
            time.sleep(random.uniform(*CONFLICT_PAUSE))
            return Cycle([], None, False, False)
        for job in cycle.claimed:
            self.backlog.put(job)
        return cycle

    def _maintain(self, tx):
        self.leases.renew_if_due(tx)
        self.settler.finished(tx)
        if self.book.has_orphans:
            self.settler.orphans(tx)
        self.leases.reap_if_due(tx)

    def _idle(self, cycle):
        """Nothing claimed, running, waiting or due: a worker run
        ``until_idle`` is done (once the finished claims are settled)."""
        if cycle.claimed or cycle.waiting or len(self.book) or not cycle.synchronised:
            return False
        if cycle.next_due is not None and cycle.next_due <= clock.now() + STEAL_GRACE:
            return False      # due, if maybe in another worker's share
        if self.book.has_finished:
            self.session.transact(self.settler.finished)
        return not len(self.book)

    def _sleep(self, cycle, deadline):
        """Until the next due time, a finished run, or the poll interval
        (which notices jobs other processes queue)."""
        full = len(self.book) >= self.pace.capacity or \
            self.pace.backlog_long(len(self.backlog))     # enough to do
        if cycle.claimed and not full:
            return                      # more may be due right now
        timeout = self.poll
        if cycle.next_due is not None and not cycle.waiting and not full:
            ahead = self.pace.claim_at(cycle.next_due) - clock.now()
            timeout = min(timeout, max(0.0, ahead.total_seconds()))
        if deadline is not None:
            timeout = min(timeout, max(0.0, deadline - time.monotonic()))
        if timeout > 0:
            self._wait(timeout, put_off=not (cycle.waiting or full))
        self.wake.clear()

    def _wait(self, timeout, put_off):
        """Up to ``timeout`` seconds, until woken. With ``put_off`` (no job
        waits for a running one, the book has room) a finished run's wake
        is slept through while the pace says its settling can wait."""
        end = time.monotonic() + timeout
        while self.wake.wait(max(0.0, end - time.monotonic())):
            if not put_off or self.book.has_orphans or not self.pace.settling_waits(
                    self.backlog.ahead(to_us(clock.now()))):
                return
            self.wake.clear()
            if self.stopping.is_set():
                return
