"""The pool: threads, each with a ZODB connection of its own, taking
claimed jobs from the backlog -- through the lane while quick runs
compute -- and running them in group transactions."""
import logging
import threading
import time
from datetime import timedelta

from zcron import clock
from zcron.audit import WORKER, acting
from zcron.db import Session
from zcron.retry import abort
from zcron.worker.backlog import IDLE
from zcron.worker.claiming import LIGHT_LOOKAHEAD
from zcron.worker.pace import PREPARE_AHEAD

logger = logging.getLogger("zcron.worker")

# Seconds a pool thread waits for work before it ends its transaction: a
# connection left open outside one collects the oid of every object any
# commit changes (ZODB hands them over only at a transaction's start), so
# an idle thread's set would grow with every object the others make, and
# its cache would keep its old copies of what they changed.
IDLE_SYNC = 1.0
# Objects (not ghosts) a pool thread's connection keeps between its
# transactions, instead of the database's 20,000. A run loads a few
# buckets of the crontab's trees, and each loaded bucket holds a ghost of
# every cron it points to: 3,000 runs over 100,000 crons left 45,000 cron
# ghosts in the pool's caches. Kept below this, the four threads' caches
# stay a few MB each while the trees' inner nodes, used by every run, stay
# warm; bursts of 10,000 ran as fast (README.rst, "Speed").
RUN_CACHE_SIZE = 2000


class Pool:
    def __init__(self, db, concurrency, backlog, lane, pace, groups):
        self.db = db
        self.concurrency = concurrency
        self.backlog = backlog
        self.lane = lane
        self.pace = pace
        self.groups = groups
        self._threads = []

    def start(self):
        for n in range(self.concurrency):
            thread = threading.Thread(target=self._loop, name=f"zcron-run-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def join(self, seconds):
        """Wait for the threads (the backlog stopped), ``seconds`` at most in all."""
        end = time.monotonic() + seconds
        for thread in self._threads:
            thread.join(max(0.0, end - time.monotonic()))

    @acting(WORKER)
    def _loop(self):
        session = run_session(Session(self.db))
        try:
            while True:
                if self.pace.computing and not self.lane.enter(IDLE_SYNC):
                    abort(session.tm)
                    continue
                try:
                    job = self.backlog.get(IDLE_SYNC)
                    if job is None:
                        return
                    if job is IDLE:
                        abort(session.tm)
                        continue
                    wait_until_due(job, PREPARE_AHEAD)
                    session = run_session(self.groups.execute(session, job))
                except Exception:
                    logger.exception("zcron worker: unexpected error running %r", job)
                    abort(session.tm)
                finally:
                    self.lane.leave()
        finally:
            session.close()


def run_session(session):
    """``session``, its connection's cache kept to RUN_CACHE_SIZE objects
    (a new session, after a timeout, gets it too)."""
    session.conn._cache.cache_size = RUN_CACHE_SIZE
    return session


def wait_until_due(job, ahead=timedelta(0)):
    """Until ``ahead`` of ``job``'s due time. Jobs are claimed a little
    ahead of time (LIGHT_LOOKAHEAD at most), so that the claim's commit is
    not between the due time and the run. A longer wait means the wall clock stepped
    back since the claim: the job was due, and waiting would hold a thread
    (and a stop) for as long as the step."""
    delay = (job.due - ahead - clock.now()).total_seconds()
    if delay > 0:
        clock.get_clock().sleep(min(delay, LIGHT_LOOKAHEAD.total_seconds()))
