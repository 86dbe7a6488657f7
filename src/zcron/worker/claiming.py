"""The claim decision: due jobs turned into claims, NOTRUN entries or
held runs as the cron's policies say (``zcron.policies``), in the
dispatcher's transaction. An on-time job of a cron with no run in
progress is claimed from the queue alone; the cron is loaded (and its
ICronManager asked for its next job) only when its policies decide."""
import time
from dataclasses import dataclass, field
from datetime import timedelta

from zcron.components import cron_manager
from zcron.events import FinishedCronJobEvent
from zcron.interfaces import NOTRUN
from zcron.model.log import Log, new_execution_id
from zcron.model.timeutil import to_us
from zcron.policies import plan, quick_plan
from zcron.queue.base import BACKFILL, QUEUED, RETRY, still_running

# Jobs due within this are claimed already, and started on time.
LOOKAHEAD = timedelta(seconds=0.1)
# ... and at light load within this: a claim transaction rewrites a
# bucket or four of every queue shard it claims from, and taking the
# jobs of half a second at once makes those commits rarer.
LIGHT_LOOKAHEAD = timedelta(seconds=0.5)
# Another worker's share is taken once this late: its owner is busy or gone.
# At 50 ms, two ZEO workers under 1,000 per-second crons, both keeping up,
# split the runs 776 / 19,260 in 20 s: the busy one's steals beat the
# other's claims of its own (62 conflicts), whose cache then went cold.
# At 0.5 s: 10,232 / 9,982, one conflict each.
STEAL_LATE = timedelta(seconds=0.5)
STEAL_GRACE = LOOKAHEAD + STEAL_LATE
# Due jobs read beyond those wanted: some are skipped (waiting, dropped).
READ_AHEAD = 32
# A claim transaction stops deciding after this many seconds (one job at
# least): it commits what it has and the next one goes on. Deciding for
# late jobs loads each one's cron, and over ZEO a worker with a cold cache
# took 15 s over 512 of them, to lose the commit to a worker whose short
# claims had committed meanwhile: one of two workers ran 8 runs in 20 s.
CLAIM_BUDGET = 0.1
_WAIT = object()       # the job waits in the queue (see Plan.wait)


@dataclass
class Claims:
    """What a claim transaction did."""
    jobs: list = field(default_factory=list)        # claimed, to run
    successors: dict = field(default_factory=dict)  # claim key -> the next job it queued
    waiting: bool = False                           # jobs due wait for a running one


class Claimer:
    def __init__(self, worker_id, batch, prefetches=False, monotonic=time.monotonic):
        self.worker_id = worker_id
        self.batch = batch
        self.prefetches = prefetches    # over a network, loads are asked for in bulk
        self._monotonic = monotonic

    def claim(self, tx, free, lookahead=LOOKAHEAD):
        """Claim up to ``free`` jobs due within ``lookahead`` (``batch`` at
        most), deciding for CLAIM_BUDGET seconds at most."""
        claims, wanted = Claims(), min(free, self.batch)
        if free <= 0:
            return claims
        due = tx.queue.due(tx.now + lookahead, limit=wanted + READ_AHEAD,
                           worker=self.worker_id, grace=STEAL_GRACE)
        if self.prefetches:
            self._prefetch(tx, due[:wanted])
        stop = self._monotonic() + CLAIM_BUDGET
        for n, job in enumerate(due):
            if len(claims.jobs) >= wanted or (n and self._monotonic() > stop):
                break
            self.take(tx, job, claims)
        return claims

    @staticmethod
    def _prefetch(tx, due):
        """The crons and logs that deciding for the late jobs reads, asked
        for in two round trips. A worker a second behind decides from the
        cron for most of its per-second crons, and reads the log record
        (just rewritten by a run) of those with a run claimed: one at a
        time, on ZEO, one worker under 1,000 per-second crons fell to
        300-450 runs/s and stayed there in 2 tries of 4, its dispatcher
        waiting on loads."""
        late = [job for job in due if quick_plan(job, tx.now) is None]
        if late:
            tx.crons.prefetch(tx.root._p_jar, late)

    def take(self, tx, job, claims):
        """Decide for one due ``job`` as its cron's policies say, and carry
        it out into ``claims`` (``zcron run --here`` takes the job it queued)."""
        decision, cron = self._decide(tx, job)
        if decision is _WAIT:
            claims.waiting = True
        elif decision is not None:
            self._carry_out(tx, job, decision, cron, claims)

    def _decide(self, tx, job):
        """(the plan for ``job``, its cron if loaded); the plan is None
        when the job is dropped or left for later, _WAIT when it waits."""
        q, now = tx.queue, tx.now
        claims = q.running(job.site, job.uid)
        # Usually the job alone decides: the cron is loaded (once) by
        # the thread that runs it, which checks it is still wanted.
        decision = None if claims else quick_plan(job, now)
        if decision is not None:
            return decision, None
        cron = tx.crons.of(job)
        if cron is None or not cron.runnable(now, retry=job.kind == RETRY):
            q.remove(job)
            return None, None
        cron.log_record()     # its first claim creates it; runs write only it
        running = still_running(cron, claims)
        if running and job.due > now:
            return None, None     # claimed ahead of time: decide on overlap when due
        manager = cron_manager(tx.crons.site(job), cron)
        decision = plan(cron, job, now, running, manager.schedule_after)
        return (_WAIT if decision.wait else decision), cron

    def _carry_out(self, tx, job, decision, cron, claims):
        q = tx.queue
        run_job = _run_job(job, decision)
        if run_job is not job or decision.hold:
            q.remove(job)           # else its claim takes it out of the queue
        if decision.next_job is not None:
            q.put(decision.next_job)
        if run_job is None or decision.hold:
            for fire_time, messages in decision.notrun:
                self._not_run(tx, cron, job, fire_time, messages)
        if run_job is None:
            return
        if decision.hold:
            if not q.hold(run_job.replace(kind=QUEUED)):
                self._not_run(tx, cron, job, decision.run_fire,
                              ["overlap: a run is already queued behind the running one"])
            return
        # the run's transaction logs them (see zcron.worker.execution.log_missed)
        missed = [(to_us(fire_time), messages) for fire_time, messages in decision.notrun]
        q.claim(run_job, self.worker_id, tx.now, new_execution_id(), decision.notes, missed)
        claims.jobs.append(run_job)
        if decision.next_job is not None:
            claims.successors[run_job.claim_key] = decision.next_job

    def _not_run(self, tx, cron, job, fire_time, messages):
        log = cron.add_log(Log(tx.now, NOTRUN, messages, fire_time=fire_time,
                               backfill=job.kind == BACKFILL))
        tx.events.append(FinishedCronJobEvent(cron, tx.crons.site(job), job, log))


def _run_job(job, decision):
    """The job to claim (``job`` itself when it runs as queued), None if none."""
    if decision.run_fire is None:
        return None
    fire_us = to_us(decision.run_fire)
    return job if fire_us == job.fire_us else job.replace(fire_us=fire_us)
