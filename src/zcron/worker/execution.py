"""Executing claimed runs: a claimed job prepared (is it still to run?),
its runner invoked in the current transaction, the outcome's log entry
(after the NOTRUN entries its claim carries) and retry written; and a run
alone in transactions of its own -- retried on conflicts, or timed out
while its runner's thread keeps the session."""
import logging
from dataclasses import dataclass
from datetime import timedelta

from zope.event import notify

from zcron import clock
from zcron.components import queue_for
from zcron.db import Session
from zcron.events import CronAutoPausedEvent, FinishedCronJobEvent, StartedCronJobEvent
from zcron.interfaces import FAILURE, NOTRUN
from zcron.model.log import Log
from zcron.model.timeutil import from_us, to_us
from zcron.queue.base import BACKFILL, RETRY, Job, still_running
from zcron.retry import RETRYABLE, transact
from zcron.worker.breaker import trip
from zcron.worker.crons import Crons
from zcron.worker.firing import fire
from zcron.worker.runner_call import call_runner

logger = logging.getLogger("zcron.worker")

# A run alone whose writes conflict is tried this many more times, then
# logged FAILURE "conflict: ...".
CONFLICT_RETRIES = 3
# Attempts at recording an outcome in a transaction of its own.
RECORD_ATTEMPTS = 20


@dataclass(slots=True)
class Run:
    """A claimed job on its way through a pool thread; ``cron`` is None
    when there is nothing to run (see ``Executor.prepare``)."""
    job: Job
    claim: object = None
    site: object = None
    cron: object = None
    outcome: object = None
    log: Log = None
    paused: str = None      # the pause note when the circuit breaker tripped
    missed: list = None     # the NOTRUN entries of its claim, logged with it

    def logged(self):
        """The entries written for this run, in the order written."""
        return (self.missed or []) + ([] if self.log is None else [self.log])


def log_missed(cron, claim, summarised=False):
    """Log the NOTRUN entries ``claim`` carries (fire times its claim
    decided not to run), dated when it was claimed; returns them. They
    are written by whoever ends the claim, in the transaction that logs
    its run (or its loss): a worker behind its schedule then writes each
    cron's log record once a run, not once at its claim and again at its
    run. ``summarised``: when no entry follows, they are the digest's."""
    backfill = claim.job.kind == BACKFILL
    return [cron.add_log(Log(claim.claimed_at, NOTRUN, list(messages),
                             fire_time=from_us(fire_us), backfill=backfill), summarised)
            for fire_us, messages in claim.missed]


def attempts(cron, job):
    """The log entry fields of ``job``'s run: its attempt of how many (a
    backfill run is not retried), a retry's own due time, the backfill mark."""
    backfill = job.kind == BACKFILL
    allowed = 1 if backfill else max(cron.retries + 1, job.attempt + 1)
    return {"attempt": job.attempt + 1, "attempts": allowed, "backfill": backfill,
            "due": job.due if job.kind == RETRY else None}


def queue_retry(queue, cron, job, status):
    """Queue the retry of a FAILURE, backoff doubling at each attempt
    (a backfill's runs are not retried: run the range again)."""
    if status != FAILURE or job.attempt >= cron.retries or job.kind == BACKFILL:
        return
    due = clock.now() + timedelta(seconds=cron.retry_backoff * 2 ** job.attempt)
    queue.put(Job(job.site, job.uid, job.fire_us, to_us(due), RETRY, job.attempt + 1))


class _HandedOff(Exception):
    """A timed-out runner's thread keeps the session of ``run``."""

    def __init__(self, run):
        super().__init__(run)
        self.run = run


class _Lendable:
    """A session's transaction manager as ``transact`` drives it, let go
    of once lent to a timed-out runner's thread: that thread still writes
    in the transaction and closes the session when done, so nobody else
    may end it."""

    def __init__(self, tm):
        self._tm = tm
        self.lent = False

    def begin(self):
        return self._tm.begin()

    def commit(self):
        self._tm.commit()

    def abort(self):
        if not self.lent:
            self._tm.abort()


class Executor:
    def __init__(self, db, worker_id, pace, lane, stats, children=None):
        self.db = db
        self.children = children      # a ChildPool, for process-isolated runs
        self.worker_id = worker_id
        self.pace = pace
        self.lane = lane
        self.stats = stats

    def prepare(self, q, crons, job, claim):
        """The Run of a claimed job; its ``cron`` is None when there is
        nothing to run: reaped meanwhile, already recorded, or its cron
        gone, switched off or paused since the job was queued (then the
        claim's NOTRUN entries are logged, in ``run.missed``)."""
        if claim is None or claim.worker_id != self.worker_id:
            return Run(job)    # reaped meanwhile: another worker accounted for it
        cron = crons.of(job)
        recorded = cron is not None and not still_running(cron, [claim])
        starts = max(clock.now(), job.due)      # prepared a little ahead of it
        if cron is None or not cron.runnable(starts, retry=job.kind == RETRY):
            if cron is None or not cron.switched_on:
                q.forget(job.site, job.uid)      # its schedule ends here
            if cron is None or recorded:
                return Run(job)
            return Run(job, claim, missed=log_missed(cron, claim, summarised=True))
        return Run(job) if recorded else Run(job, claim, crons.site(job), cron)

    def invoke(self, session, run):
        """Fire StartedCronJobEvent and run the runner in the current
        transaction; writes nothing else, so that a group's savepoints hold
        only the runners' own writes. Sets ``run.outcome``."""
        notify(StartedCronJobEvent(run.cron, run.site, run.job))
        self.lane.started()
        outcome = run.outcome = call_runner(session, run.site, run.cron, run.job, run.claim,
                                                self.children)
        if not outcome.abandoned:
            self.pace.observe(run.cron.name, outcome.duration, outcome.cpu)

    @staticmethod
    def write_outcome(q, run):
        """The claim's NOTRUN entries, the run's log entry (which marks
        the run as ended) and any retry, in the run's transaction."""
        outcome, claim, now = run.outcome, run.claim, clock.now()
        run.missed = log_missed(run.cron, claim)
        run.log = Log(now, outcome.status, list(claim.notes) + outcome.messages,
                      fire_time=run.job.fire_time, duration=outcome.duration,
                      execution_id=claim.execution_id, traceback=outcome.traceback,
                      output=outcome.output, **attempts(run.cron, run.job))
        run.cron.add_log(run.log)
        queue_retry(q, run.cron, run.job, outcome.status)
        run.paused = trip(run.cron, now)

    def execute_alone(self, session, job):
        """Run one claimed job in transactions of its own, retrying
        conflicts; returns the session to use next (a new one when a
        timed-out runner still holds the old one)."""
        tm, written = _Lendable(session.tm), []

        def attempt():
            del written[:]
            q = queue_for(session.root)
            run = self.prepare(q, Crons(session.root), job, q.get_claim(job))
            if run.cron is None:
                return run if run.missed else None
            self.invoke(session, run)
            if run.outcome.abandoned:
                tm.lent = True
                raise _HandedOff(run)
            self.write_outcome(q, run)
            written.append(run)
            return run
        try:
            run = transact(tm, attempt, CONFLICT_RETRIES + 1, base=0.02, on_retry=_conflicted)
        except _HandedOff as handed:
            return self._timed_out(handed.run)
        except RETRYABLE:
            if not written:
                raise
            run = written[0]
            run = self.record(session, run.claim, FAILURE, [
                f"conflict: the run's writes conflicted {CONFLICT_RETRIES + 1} times; "
                "gave up"], duration=run.log.duration)
        if run is not None:
            self.finished(session, [run])
        return session

    def _timed_out(self, run):
        """The runner still runs in the old session: never commit it; log
        the timeout from a fresh session, the one to use next."""
        session, duration = Session(self.db), run.outcome.duration
        self.finished(session, [self.record(session, run.claim, FAILURE, [
            f"timed out after {duration:.1f} s; its transaction was aborted"],
            duration=duration)])
        return session

    @staticmethod
    def record(session, claim, status, messages, **fields):
        """Log the outcome of ``claim``'s run in a transaction of its own
        (after the claim's NOTRUN entries, with any retry); the log entry
        marks the run as ended. Returns the Run (without its cron)."""
        job, ended = claim.job, dict(fields, execution_id=claim.execution_id)

        def work():
            cron = Crons(session.root).of(job)
            if cron is None:
                return Run(job, claim, log=Log(clock.now(), status, messages,
                                               fire_time=job.fire_time, **ended))
            missed = log_missed(cron, claim)
            log = cron.add_log(Log(clock.now(), status, messages, fire_time=job.fire_time,
                                   **ended, **attempts(cron, job)))
            queue_retry(queue_for(session.root), cron, job, status)
            return Run(job, claim, log=log, paused=trip(cron, clock.now()), missed=missed)
        return transact(session.tm, work, RECORD_ATTEMPTS)

    def finished(self, session, runs):
        """Count committed runs and fire their FinishedCronJobEvent (the
        cron looked up again where the run does not carry it)."""
        if not runs:
            return
        for run in runs:
            for log in run.logged():
                self.stats.count(log.status)
        crons = Crons(session.root)

        def events():
            for run in runs:
                cron = run.cron if run.cron is not None else crons.of(run.job)
                if cron is not None:
                    for log in run.logged():
                        yield FinishedCronJobEvent(cron, crons.site(run.job), run.job, log)
                    if run.paused is not None:
                        yield CronAutoPausedEvent(crons.site(run.job), cron, run.paused)
        fire(session.tm, events())


def _conflicted(attempt, error):
    logger.debug("a run's writes conflicted (attempt %d): %s", attempt, error)
