"""Settling claims in the queue, in the dispatcher's transaction: a
finished claim completed (releasing its cron's held run), a claimed run
that did not end -- its worker lost, or an error cut it short -- logged
FAILURE "interrupted" (or queued again where its cron says so), and a
claim released unstarted; each logs the NOTRUN entries its claim carries."""
from zcron import clock
from zcron.events import CronAutoPausedEvent, FinishedCronJobEvent
from zcron.interfaces import FAILURE
from zcron.model.log import Log
from zcron.model.timeutil import to_us
from zcron.queue.base import BACKFILL, RETRY, still_running
from zcron.worker.breaker import trip
from zcron.worker.execution import attempts, log_missed


def complete(q, job):
    """Forget a finished claim; queue the cron's held run, if any (asked
    first: most crons have none)."""
    q.complete(job)
    held = q.release_held(job.site, job.uid)
    if held is None:
        return
    if q.running(job.site, job.uid):
        q.hold(held)            # another run still goes on: it waits for that
    else:
        q.put(held.replace(due_us=to_us(clock.now())))


class Settler:
    def __init__(self, book):
        self.book = book

    def finished(self, tx):
        """Complete the claims the pool finished; they leave the book once
        ``tx`` commits. Returns their jobs."""
        jobs = self.book.finished_jobs()
        for job in jobs:
            complete(tx.queue, job)
        tx.on_commit(lambda: self.book.forget(jobs))
        return jobs

    def orphans(self, tx):
        """Account for this worker's runs an unexpected error cut short;
        they leave the book once ``tx`` commits. Returns their jobs."""
        orphans = self.book.orphans()
        for job, reason in orphans:
            claim = tx.queue.get_claim(job)
            if claim is not None:
                self.interrupted(tx, claim, reason)
        jobs = [job for job, _ in orphans]
        tx.on_commit(lambda: self.book.forget(jobs))
        return jobs

    def interrupted(self, tx, claim, reason):
        """Log a claimed run that did not end FAILURE ``reason`` (or queue
        it again where its cron says so), then complete the claim. A run
        that ended left only its claim."""
        job, q = claim.job, tx.queue
        cron = tx.crons.of(job)
        if cron is not None and still_running(cron, [claim]):
            self._log_missed(tx, cron, claim, summarised=cron.retry_interrupted)
            if cron.retry_interrupted:      # a backfill's run stays one, in its order
                kind = BACKFILL if job.kind == BACKFILL else RETRY
                q.put(job.replace(kind=kind, due_us=to_us(tx.now)))
            else:
                self._log_interrupted(tx, cron, claim, reason)
        complete(q, job)

    def released(self, tx, job):
        """Complete the claim of ``job``, not started: it goes back to the
        queue (the caller puts it), its NOTRUN entries logged now."""
        claim = tx.queue.get_claim(job)
        if claim is not None and claim.missed:
            cron = tx.crons.of(job)
            if cron is not None:
                self._log_missed(tx, cron, claim, summarised=True)
        tx.queue.complete(job)

    @staticmethod
    def _log_missed(tx, cron, claim, summarised):
        site = tx.crons.site(claim.job)
        for log in log_missed(cron, claim, summarised):
            tx.events.append(FinishedCronJobEvent(cron, site, claim.job, log))

    def _log_interrupted(self, tx, cron, claim, reason):
        """The FAILURE entry, its events, and the circuit breaker's say."""
        job, site = claim.job, tx.crons.site(claim.job)
        log = cron.add_log(Log(tx.now, FAILURE, [reason], fire_time=job.fire_time,
                               execution_id=claim.execution_id, **attempts(cron, job)))
        tx.events.append(FinishedCronJobEvent(cron, site, job, log))
        note = trip(cron, tx.now)
        if note is not None:
            tx.events.append(CronAutoPausedEvent(site, cron, note))
