"""The group transaction: quick runs taken one after another by a pool
thread share one commit (one fsync for many), each keeping its own outcome
through a savepoint; a conflict runs them again one by one. Runs an
unexpected error cuts short are handed to the dispatcher as orphans."""
import logging
import time

from zcron import clock
from zcron.components import queue_for
from zcron.model.timeutil import to_us
from zcron.retry import RETRYABLE, abort, disconnected
from zcron.worker.crons import Crons
from zcron.worker.execution import Run
from zcron.worker.pace import GROUP_MAX, PREPARE_AHEAD
from zcron.worker.pool import wait_until_due

logger = logging.getLogger("zcron.worker")


class _Group:
    """The runs of one group transaction so far."""

    def __init__(self, job):
        self.runs = []         # a Run per job taken (cron None: nothing to run)
        self.in_hand = job     # taken, not among the runs yet
        self.left = None       # taken, left for a transaction of its own
        self.alone = False     # its one job is a timed run: transactions of its own
        self.started = time.monotonic()

    def add(self, run):
        self.runs.append(run)
        self.in_hand = None

    def leave(self, job):
        self.left = job


class GroupRunner:
    def __init__(self, executor, backlog, book, pace, lane, prefetches, wake):
        self.executor = executor
        self.backlog = backlog
        self.book = book
        self.pace = pace
        self.lane = lane
        self.prefetches = prefetches    # over a network, loads are asked for in bulk
        self.wake = wake                # wakes the dispatcher

    def execute(self, session, job):
        """Run ``job`` and, while runs are quick and more are due, the
        next ones, in group transactions; returns the session to use next."""
        while job is not None:
            session, job = self._transaction(session, job)
        return session

    def _transaction(self, session, job):
        """One transaction of runs; returns (session, a job left for a
        transaction of its own, or None)."""
        tm = session.tm
        group = _Group(job)
        try:
            tm.begin()        # fails when the database went away: cut short too
            self._collect(session, group)
            if group.alone:
                tm.abort()
                wait_until_due(job)
                session = self.executor.execute_alone(session, job)
            else:
                session = self._commit(session, group)
        except Exception as error:
            abort(tm)
            self._cut_short(group, error)
            raise
        finally:
            self._end(group.runs)
        return session, group.left

    def _collect(self, session, group):
        """Take and invoke jobs into ``group`` until it is full or none is
        due within PREPARE_AHEAD, or until one must not join it (left for
        the next)."""
        root = session.root
        q, crons = queue_for(root), Crons(root)
        job = group.in_hand
        if self.prefetches:
            crons.prefetch(session.conn, [job] + self.backlog.peek_due(
                to_us(clock.now()), GROUP_MAX - 1))
        while job is not None:
            group.in_hand = job
            claim = q.get_claim(job)
            if group.runs and claim is None:
                return group.leave(job)      # claimed after this transaction began
            run = self.executor.prepare(q, crons, job, claim)
            if run.cron is None:
                group.add(run)
            elif not self._take(session, group, run):
                return
            if self.pace.group_full(len(group.runs), time.monotonic() - group.started):
                return
            job = self.backlog.get_due(to_us(clock.now() + PREPARE_AHEAD))

    def _take(self, session, group, run):
        """Add ``run`` to ``group`` and invoke it, unless it must not join
        a group; False when the group is complete without it."""
        if not self.pace.joins_group(run.cron):
            if group.runs:
                group.leave(run.job)    # it may be slow: the group's logs go first
                return False
            self.lane.leave()           # ... and other threads need not wait
        if run.cron.timeout:
            group.alone = True          # a timed run gets transactions of its own
            group.add(Run(run.job))
            return False
        wait_until_due(run.job)
        self.executor.invoke(session, run)
        group.add(run)
        return True

    def _commit(self, session, group):
        """Write the outcomes and commit them together; on a conflict, each
        run again alone (with retries). Returns the session to use next."""
        q = queue_for(session.root)
        for run in group.runs:
            if run.outcome is not None:
                self.executor.write_outcome(q, run)
        logged = [run for run in group.runs if run.logged()]
        if self.pace.light:
            self.lane.leave()   # its commit mostly waits for the disk: the next due goes ahead
        try:
            session.tm.commit()
        except RETRYABLE as e:
            logger.debug("a group of %d runs conflicted: %s", len(group.runs), e)
            session.tm.abort()
            for run in logged:
                session = self.executor.execute_alone(session, run.job)
        else:
            self.executor.finished(session, logged)
        return session

    def _cut_short(self, group, error):
        """Hand the runs an unexpected error cut short (a storage gone, a
        subscriber failing) to the dispatcher, which logs them interrupted:
        neither lost nor left looking busy. A job left unstarted gets
        another go."""
        jobs = [run.job for run in group.runs]
        if group.in_hand is not None and group.in_hand is not group.left:
            jobs.append(group.in_hand)
        group.runs = []
        if group.left is not None:
            self.backlog.put(group.left)
        said = f"{type(error).__name__}: {' '.join(str(error).split())}"
        if isinstance(error, disconnected()):
            said = f"database unreachable ({said})"
        self.book.orphaned(jobs, f"interrupted: {said}")
        self.wake()

    def _end(self, runs):
        """Hand the ended runs' claims to the dispatcher. While runs are
        quick it is woken only once the claimed backlog is down to its low
        water (see ``Pace.backlog_long``)."""
        self.book.finished([run.job for run in runs])
        if not self.pace.backlog_long(len(self.backlog)):
            self.wake()
