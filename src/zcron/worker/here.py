"""A run in the calling process (``zcron run --here``): a one-off worker
claims the job its caller queues, in the same transaction, runs it
through the worker's own Executor (in a child process when the cron's
isolation says so) while keeping its lease, settles the claim and leaves
the worker registry."""
import os
import socket
import threading

from zcron.db import Session
from zcron.worker.book import ClaimBook
from zcron.worker.claiming import Claimer, Claims
from zcron.worker.execution import Executor
from zcron.worker.isolation import ChildPool
from zcron.worker.lane import Lane
from zcron.worker.leases import Leases
from zcron.worker.pace import Pace
from zcron.worker.runner_call import run_runner
from zcron.worker.session import DispatcherSession
from zcron.worker.settle import Settler
from zcron.worker.stats import Stats


def here_worker_id():
    return f"cli:{socket.gethostname()}:{os.getpid()}"


class HereRun:
    """``HereRun(db).run(queue)``; ``queue(tx)`` queues a job and returns
    it. Other workers see the run claimed by ``self.id``, with a lease."""

    def __init__(self, db, lease=30.0):
        self.db = db
        self.id = here_worker_id()
        self.lease = lease
        self.stats = Stats()
        self.book = ClaimBook()
        self.settler = Settler(self.book)
        self.session = DispatcherSession(db, self.stats)
        self.leases = Leases(self.id, lease, 1, lease, self.settler)
        self.claimer = Claimer(self.id, 1)
        # a cron's ``isolation: process`` is honoured as a worker does: one child
        self.children = ChildPool(run_runner)
        self.executor = Executor(db, self.id, Pace(1, 1), Lane(), self.stats, self.children)

    def run(self, queue):
        """Queue a job, claim it (the cron's overlap policy decides) and
        run it; returns (the job, whether it was claimed and run). A job
        the policy holds behind a running one is left to the workers."""
        self.session.open()
        try:
            job, claimed = self.session.transact(lambda tx: self._claim(tx, queue(tx)))
            if claimed:
                self._execute(job)
                self.session.transact(self.settler.finished)
            self.session.transact(lambda tx: tx.queue.unregister_worker(self.id))
        finally:
            self.children.close()
            self.session.close()
        return job, claimed

    def _claim(self, tx, job):
        """Register this one-off worker and claim ``job`` in one transaction:
        nothing is written unless both are."""
        self.leases.register(tx)
        claims = Claims()
        self.claimer.take(tx, job, claims)
        tx.on_commit(lambda: self.book.claimed(claims.jobs, claims.successors))
        return job, bool(claims.jobs)

    def _execute(self, job):
        """The run in a thread of its own, its lease renewed meanwhile (a
        run longer than the lease is not taken for lost)."""
        failed = []
        thread = threading.Thread(target=self._execute_alone, args=(job, failed),
                                  name=f"zcron-here-{job.uid}", daemon=True)
        thread.start()
        while thread.is_alive():
            thread.join(self.lease / 3)
            if thread.is_alive():
                self.session.transact(self.leases.renew_if_due)
        if failed:
            self.session.transact(self.settler.orphans)
            raise failed[0]

    def _execute_alone(self, job, failed):
        session = Session(self.db)
        try:
            session = self.executor.execute_alone(session, job)
            self.book.finished([job])
        except Exception as error:     # settled as the worker's orphans are
            self.book.orphaned([job], f"interrupted: {type(error).__name__}: {error}")
            failed.append(error)
        finally:
            session.close()
