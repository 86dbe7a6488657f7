"""The Worker: builds its parts and runs the dispatcher in the calling
thread, the pool in threads of its own, until ``stop()``, SIGTERM (via the
CLI), ``max_seconds`` or, with ``until_idle``, an empty due queue."""
import logging
import os
import socket
import threading
import time
import uuid

from zcron.audit import WORKER, acting
from zcron.worker.alerting import CHECK_INTERVAL, AlertWatch
from zcron.worker.backlog import Backlog
from zcron.worker.book import ClaimBook
from zcron.worker.claiming import Claimer
from zcron.worker.dispatcher import Dispatcher
from zcron.worker.execution import Executor
from zcron.worker.group import GroupRunner
from zcron.worker.heap import tuned_memory
from zcron.worker.isolation import PROCESS, THREAD, ChildPool
from zcron.worker.lane import Lane
from zcron.worker.leases import Leases
from zcron.worker.pace import Pace
from zcron.worker.pool import Pool
from zcron.worker.resync import Resync
from zcron.worker.runner_call import run_runner
from zcron.worker.session import DispatcherSession
from zcron.worker.settle import Settler
from zcron.worker.shutdown import Shutdown
from zcron.worker.stats import Stats

logger = logging.getLogger("zcron.worker")

# Seconds a stopping worker waits for an alert check under way.
ALERTS_JOIN = 10.0


def new_worker_id():
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    """``Worker(db).run()``. Its parts are public, for tests: ``book``,
    ``backlog``, ``lane``, ``pace``, ``session``, ``dispatcher``, ``pool``,
    ``resync``, ``shutdown``, ``alerts``."""

    def __init__(self, db, concurrency=4, lease=30.0, poll=0.25, batch=512,
                 worker_id=None, shutdown_grace=30.0, reap_interval=None,
                 isolation=THREAD, alert_interval=CHECK_INTERVAL):
        self.db = db
        self.concurrency = max(1, int(concurrency))
        self.id = worker_id or new_worker_id()
        lease = float(lease)
        self.stats = Stats()
        self.book = ClaimBook()
        self.backlog = Backlog()
        prefetches = hasattr(db.storage, "prefetch")     # ZEO, RelStorage
        self.lane = Lane()
        self.pace = Pace(self.concurrency, batch)
        self.session = DispatcherSession(db, self.stats)
        self._stopping = threading.Event()
        settler = Settler(self.book)
        self.leases = Leases(self.id, lease, self.concurrency,
                             reap_interval or max(0.5, lease / 3), settler)
        self.dispatcher = Dispatcher(self.session, self.book, self.backlog, self.pace,
                                     Claimer(self.id, batch, prefetches), self.leases,
                                     settler, poll, self._stopping)
        self.resync = Resync(db, self.dispatcher.wake.set)
        self.dispatcher.synchronised = self.resync.done
        self.alerts = AlertWatch(db, alert_interval, self._stopping)
        self.children = ChildPool(run_runner, isolation, self.concurrency)
        executor = Executor(db, self.id, self.pace, self.lane, self.stats, self.children)
        groups = GroupRunner(executor,
                             self.backlog, self.book, self.pace, self.lane,
                             prefetches=prefetches,
                             wake=self.dispatcher.wake.set)
        self.pool = Pool(db, self.concurrency, self.backlog, self.lane, self.pace, groups)
        self.shutdown = Shutdown(self.id, self.session, self.book, self.backlog, self.pool,
                                 settler, shutdown_grace)

    def stop(self):
        self._stopping.set()
        self.dispatcher.wake.set()

    @property
    def stopping(self):
        return self._stopping.is_set()

    @acting(WORKER)
    def run(self, max_seconds=None, until_idle=False):
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        self.session.open()
        with tuned_memory():
            try:
                self._start()
                self.dispatcher.run(deadline, until_idle)
                self.shutdown.begin()     # a clean stop: marked while its runs finish
            finally:
                self._stopping.set()
                self.resync.join()
                self.alerts.join(ALERTS_JOIN)
                self.shutdown.finish()
                self.children.close()
        return self.stats

    def _start(self):
        self.session.transact(self.leases.register)
        self.resync.start()           # runs start meanwhile
        if self.children.default == PROCESS:
            self.children.start()
        self.pool.start()
        self.alerts.start()
        logger.info("worker %s started (%d threads)", self.id, self.concurrency)
