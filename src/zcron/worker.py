"""Workers: claim due jobs, run them, log them. Owns the transactions.

One dispatcher thread claims jobs (one transaction per batch) and a pool
of threads runs them, each thread with its own ZODB connection. A run's
transaction holds the runner's own writes, its log entry (whose execution
id marks the run as ended) and any retry: one outcome. The dispatcher then
clears finished claims, queues released overlap runs, renews the worker's
lease and reaps the claims of workers whose lease ran out.
"""
import heapq
import logging
import os
import queue as stdqueue
import random
import socket
import threading
import time
import traceback
import uuid
from datetime import timedelta

from ZODB.POSException import ConflictError
from zope.event import notify

from zcron import clock
from zcron.components import cron_manager, load_crontab, query_runner, queue_for
from zcron.db import Session
from zcron.events import (FinishedCronJobEvent, ServerRestartEvent,
                          StartedCronJobEvent)
from zcron.exceptions import NotFound
from zcron.interfaces import FAILURE, NOTRUN, OK, WARN
from zcron.model.log import Log, new_execution_id
from zcron.model.timeutil import to_us
from zcron.policies import plan, quick_plan, window_start
from zcron.queue.base import QUEUED, RETRY, Job, still_running

logger = logging.getLogger("zcron.worker")

CONFLICT_RETRIES = 3
# Quick runs waiting together are committed together: one fsync for up to
# GROUP_MAX runs or GROUP_WINDOW seconds of them.
GROUP_WINDOW = 0.05
GROUP_MAX = 64
# While runs are quick and mostly compute, one pool thread at a time runs
# them; the others go ahead once one run has lasted this long (a run that
# turns out slow holds them back no longer).
LANE_PATIENCE = 0.2
# A lease must be this much overdue before its worker counts as lost
# (clocks of machines differ a little).
LEASE_GRACE = timedelta(seconds=1)
# Jobs due within this are claimed already, and started on time.
LOOKAHEAD = timedelta(seconds=0.1)
# Runs shorter than this (seconds) count as quick.
QUICK_RUN = 0.01


def queue_retry(queue, cron, job, status):
    """Queue the retry of a FAILURE, backoff doubling at each attempt."""
    if status != FAILURE or job.attempt >= cron.retries:
        return
    due = clock.now() + timedelta(seconds=cron.retry_backoff * 2 ** job.attempt)
    queue.put(Job(job.site, job.uid, job.fire_us, to_us(due), RETRY, job.attempt + 1))


def runnable(cron, job, now):
    """Does ``cron`` (None when gone) still want ``job`` run? Retries
    run even while paused: they finish a run that started before."""
    return cron is not None and cron.runnable(now, retry=job.kind == RETRY)


def new_worker_id():
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Pending:
    """Claimed jobs waiting for a pool thread, soonest due first."""

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
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def get(self):
        """The soonest job, waiting for one; None once stopped."""
        with self._cond:
            while not self._heap and not self._stopped:
                self._cond.wait()
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

    def __len__(self):
        return len(self._heap)

    def drain(self):
        with self._cond:
            jobs = [entry[2] for entry in self._heap]
            del self._heap[:]
            return jobs


class Lane:
    """Lets one pool thread at a time take and run groups of quick runs that
    mostly compute: threads taking turns under the GIL only add switches
    and commits (runs that mostly wait on I/O overlap instead). The
    others go ahead without the lane only once the holder has been in one
    run ``patience`` seconds: a run turning out slow holds them back no
    longer, and quick runs keep them waiting however long the holder keeps
    the lane (waiting for a deadline of their own, they would leak in)."""

    def __init__(self, patience):
        self.patience = patience
        self._cond = threading.Condition()
        self._holder = None
        self._run_since = None      # when the holder's current run started

    def enter(self):
        with self._cond:
            while self._holder is not None:
                timeout = self.patience
                if self._run_since is not None:
                    timeout -= time.monotonic() - self._run_since
                    if timeout <= 0:
                        return          # the holder is stuck in a slow run
                self._cond.wait(timeout)
            self._holder = threading.get_ident()
            self._run_since = None

    def started(self):
        """The calling thread starts a run."""
        if self._holder == threading.get_ident():
            self._run_since = time.monotonic()

    def leave(self):
        with self._cond:
            if self._holder == threading.get_ident():
                self._holder = None
                self._cond.notify()


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.by_status = {}
        self.claim_conflicts = 0

    def count(self, status):
        with self.lock:
            self.by_status[status] = self.by_status.get(status, 0) + 1

    @property
    def runs(self):
        return sum(self.by_status.values())


class Worker:
    """``Worker(db).run()`` until ``stop()``, SIGTERM (via the CLI),
    ``max_seconds`` or, with ``until_idle``, an empty due queue."""

    def __init__(self, db, concurrency=4, lease=30.0, poll=0.25, batch=512,
                 worker_id=None, shutdown_grace=30.0, reap_interval=None):
        self.db = db
        self.concurrency = max(1, int(concurrency))
        self.lease = float(lease)
        self.poll = poll
        self.batch = batch
        self.id = worker_id or new_worker_id()
        self.shutdown_grace = shutdown_grace
        self.reap_interval = reap_interval or max(0.5, self.lease / 3)
        self._quick = False          # are recent runs quick? (see capacity)
        self._computing = False      # ... and mostly computing? (see Lane)
        self._quick_runners = set()  # runner names whose last run here was quick
        self._lane = Lane(LANE_PATIENCE)
        # over a network (ZEO, RelStorage), loads can be asked for in bulk
        self._prefetches = hasattr(db.storage, "prefetch")
        self.stats = Stats()
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._todo = Pending()
        self._finished = stdqueue.Queue()        # claim keys done by the pool
        self._to_clear = set()                   # ... being completed
        self._on_commit = []
        self._inflight = {}                      # claim key -> Job
        self._successors = {}                    # claim key -> the Job its claim queued next
        self._orphans = {}                       # claim key -> why its run was cut short
        self._lock = threading.Lock()
        self._threads = []
        self._session = None
        self._last_renew = self._last_reap = 0.0

    # -- lifecycle ----------------------------------------------------------------

    def stop(self):
        self._stopping.set()
        self._wake.set()

    @property
    def stopping(self):
        return self._stopping.is_set()

    def run(self, max_seconds=None, until_idle=False):
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        self._session = Session(self.db)
        try:
            self._start()
            while not self.stopping:
                if deadline is not None and time.monotonic() >= deadline:
                    break
                claimed, next_due, waiting = self._cycle()
                for job in claimed:
                    self._todo.put(job)
                if until_idle and not claimed and not self._inflight and not waiting \
                        and (next_due is None or next_due > clock.now()):
                    self._clear_finished()
                    if not self._inflight:
                        break
                self._sleep(next_due, deadline, bool(claimed), waiting)
        finally:
            self._shutdown()
        return self.stats

    def _start(self):
        now = clock.now()
        self._transact(lambda root: queue_for(root).register_worker(
            self.id, now, self.lease, self.concurrency))
        self._transact(lambda root: notify(ServerRestartEvent(self.db, root)))
        self._last_renew = time.monotonic()
        for n in range(self.concurrency):
            thread = threading.Thread(target=self._pool_loop, name=f"zcron-run-{n}",
                                      daemon=True)
            thread.start()
            self._threads.append(thread)
        logger.info("worker %s started (%d threads)", self.id, self.concurrency)

    def _shutdown(self):
        self._stopping.set()
        # release what was claimed but not started
        released = self._todo.drain()
        self._todo.stop()
        end = time.monotonic() + self.shutdown_grace
        for thread in self._threads:
            thread.join(max(0.0, end - time.monotonic()))
        events = []

        def finish(root):
            del events[:]
            q = queue_for(root)
            for job in released:
                q.complete(job)
                successor = self._successors.get(job.claim_key)
                if successor is None:
                    q.put(job)
                elif q.remove(successor):      # as if never claimed (the cron as it was then)
                    q.put(job.replace(signature=successor.signature))
                else:           # its next job ran or moved meanwhile: this one runs alone
                    q.put(job.replace(kind=QUEUED))
            self._clear_finished_in(root)
            orphans = set(self._orphans)
            self._account_for_orphans(root, clock.now(), events)
            if set(self._inflight) <= ({job.claim_key for job in released}
                                       | self._to_clear | orphans):
                q.unregister_worker(self.id)
        try:
            self._transact(finish)
            self._notify(events)
        finally:
            self._session.close()
        logger.info("worker %s stopped", self.id)

    def _transact(self, func, attempts=20):
        """Run ``func(root)`` in the dispatcher's transaction and commit,
        retrying on conflicts (another worker touched the same record).
        Callables added to ``self._on_commit`` run only once committed."""
        tm = self._session.tm
        for attempt in range(attempts):
            tm.begin()
            self._on_commit = []
            try:
                result = func(self._session.root)
                tm.commit()
            except ConflictError:
                tm.abort()
                self.stats.claim_conflicts += 1
                if attempt + 1 == attempts:
                    raise
                time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
                continue
            for callback in self._on_commit:
                callback()
            return result

    @property
    def capacity(self):
        """How many jobs to hold claimed: while runs are quick, a batch
        (they are committed together: one fsync for many); while they are
        slow, two per thread, leaving the rest to other workers."""
        return self.concurrency + (self.batch if self._quick else self.concurrency)

    @property
    def low_water(self):
        """Quick runs: claim more once the claimed backlog is down to this
        (a group), so that each claim transaction takes many."""
        return min(self.capacity // 2, GROUP_MAX)

    def _sleep(self, next_due, deadline, claimed, waiting):
        """Until the next due time, a finished run, or the poll interval
        (which notices jobs other processes queue)."""
        full = len(self._inflight) >= self.capacity or (
            self._quick and len(self._todo) > self.low_water)    # enough to do
        if claimed and not full:
            return                      # more may be due right now
        timeout = self.poll
        if next_due is not None and not waiting and not full:
            ahead = next_due - LOOKAHEAD - clock.now()
            timeout = min(timeout, max(0.0, ahead.total_seconds()))
        if deadline is not None:
            timeout = min(timeout, max(0.0, deadline - time.monotonic()))
        if timeout > 0:
            self._wake.wait(timeout)
        self._wake.clear()

    # -- the dispatcher's cycle ------------------------------------------------------

    def _cycle(self):
        """One claim transaction: returns (claimed jobs, next due, waiting)."""
        events, claimed, successors = [], [], {}

        def work(root):
            del events[:], claimed[:]
            successors.clear()
            now = clock.now()
            self._maintain(root, now, events)
            free = self.capacity - len(self._inflight)
            jobs, waiting = self._claim(root, now, free, events, successors)
            claimed.extend(jobs)
            return queue_for(root).next_due(), waiting
        try:
            next_due, waiting = self._transact(work, attempts=1)
        except ConflictError:
            time.sleep(random.uniform(0.001, 0.02))
            return [], None, False
        with self._lock:
            for job in claimed:
                self._inflight[job.claim_key] = job
            self._successors.update(successors)
        self._notify(events)
        return claimed, next_due, waiting

    def _notify(self, events):
        """Fire the events of a committed dispatcher transaction, and
        commit what their subscribers wrote."""
        for event in events:
            notify(event)
        if events:
            self._transact(lambda root: None)

    def _maintain(self, root, now, events):
        tick = time.monotonic()
        q = queue_for(root)
        if tick - self._last_renew >= self.lease / 3:
            if q.renew_worker(self.id, now, self.lease) is None:
                q.register_worker(self.id, now, self.lease, self.concurrency)
            self._last_renew = tick
        self._clear_finished_in(root)
        if self._orphans:
            self._account_for_orphans(root, now, events)
        if tick - self._last_reap >= self.reap_interval:
            self._reap(root, now, events)
            self._last_reap = tick

    def _clear_finished(self):
        if self._to_clear or not self._finished.empty():
            self._transact(self._clear_finished_in)

    def _clear_finished_in(self, root):
        """Complete the claims the pool finished; they leave ``_inflight``
        only once this transaction commits."""
        q = queue_for(root)
        while True:
            try:
                self._to_clear.add(self._finished.get_nowait())
            except stdqueue.Empty:
                break
        keys = set(self._to_clear)
        for key in keys:
            job = self._inflight.get(key)
            if job is not None:
                self._complete(q, job)

        def forget():
            self._forget(keys)
            self._to_clear.difference_update(keys)
        self._on_commit.append(forget)

    def _forget(self, keys):
        """Claims completed and committed: no longer this worker's."""
        with self._lock:
            for key in keys:
                self._inflight.pop(key, None)
                self._successors.pop(key, None)
                self._orphans.pop(key, None)

    def _complete(self, q, job):
        """Forget a finished claim; queue the cron's held run, if any."""
        q.complete(job)
        if not q.running(job.site, job.uid):
            held = q.release_held(job.site, job.uid)
            if held is not None:
                now_us = to_us(clock.now())
                q.put(held.replace(due_us=now_us))

    def _claim(self, root, now, free, events, successors):
        """Claim due jobs; ``successors`` gets, per claim key, the next
        job each claim queued (a claim released unstarted takes it back)."""
        q = queue_for(root)
        claimed, waiting = [], False
        if free <= 0 or self.stopping:
            return claimed, waiting
        crontabs = {}
        ahead = now + LOOKAHEAD
        for job in q.due(ahead, limit=min(free, self.batch) + 32, worker=self.id):
            if len(claimed) >= min(free, self.batch):
                break
            claims = q.running(job.site, job.uid)
            # Usually the job alone decides: the cron is loaded (once) by
            # the thread that runs it, which checks it is still wanted.
            decision = None if claims else quick_plan(job, now)
            if decision is None:
                cron = self._find_cron(root, crontabs, job)
                if not runnable(cron, job, now):
                    q.remove(job)
                    continue
                cron.log_record()     # its first claim creates it; runs write only it
                running = still_running(cron, claims)
                if running and job.due > now:
                    continue      # claimed ahead of time: decide on overlap when due
                manager = cron_manager(root.sites[job.site], cron)
                decision = plan(cron, job, now, running, manager.schedule_after)
                if decision.wait:
                    waiting = True
                    continue
            q.remove(job)
            if decision.next_job is not None:
                q.put(decision.next_job)
            for fire_time, messages in decision.notrun:
                log = cron.add_log(Log(now, NOTRUN, messages, fire_time=fire_time))
                self.stats.count(NOTRUN)
                events.append(FinishedCronJobEvent(cron, root.sites[job.site], job, log))
            if decision.run_fire is None:
                continue
            run_job = job.replace(fire_us=to_us(decision.run_fire))
            if decision.hold:
                if not q.hold(run_job.replace(kind=QUEUED)):
                    log = cron.add_log(Log(now, NOTRUN, [
                        "overlap: a run is already queued behind the running one"],
                        fire_time=decision.run_fire))
                    self.stats.count(NOTRUN)
                    events.append(FinishedCronJobEvent(cron, root.sites[job.site], job, log))
                continue
            q.claim(run_job, self.id, now, new_execution_id(), decision.notes)
            claimed.append(run_job)
            if decision.next_job is not None:
                successors[run_job.claim_key] = decision.next_job
        return claimed, waiting

    @staticmethod
    def _find_cron(root, crontabs, job):
        site = root.sites.get(job.site)
        if site is None:
            return None
        crontab = crontabs.get(job.site)
        if crontab is None:
            crontab = crontabs[job.site] = load_crontab(site)
        try:
            return crontab.get(job.uid)
        except NotFound:
            return None

    def _reap(self, root, now, events):
        """Account for the claims of workers whose lease ran out."""
        q = queue_for(root)
        workers = {w.id: w for w in q.workers()}
        lost = {wid for wid, w in workers.items()
                if not w.alive(now - LEASE_GRACE) and wid != self.id}
        crontabs = {}
        for claim in q.claimed():
            owner = claim.worker_id
            if owner == self.id or (owner in workers and owner not in lost):
                continue
            self._interrupted(root, q, crontabs, claim, f"interrupted: worker {owner} lost",
                              now, events)
        for wid in lost:
            q.unregister_worker(wid)

    def _account_for_orphans(self, root, now, events):
        """Account for the claims of this worker's runs that an unexpected
        error cut short (see ``_orphan``); they are done once committed."""
        q, crontabs = queue_for(root), {}
        with self._lock:
            orphans = dict(self._orphans)
        for key, reason in orphans.items():
            claim = q.get_claim(self._inflight[key])
            if claim is not None:
                self._interrupted(root, q, crontabs, claim, reason, now, events)

        self._on_commit.append(lambda: self._forget(orphans))

    def _interrupted(self, root, q, crontabs, claim, reason, now, events):
        """Log a claimed run that did not end FAILURE ``reason`` (or queue
        it again where its cron says so), then forget the claim. A run
        that ended left only its claim."""
        job = claim.job
        cron = self._find_cron(root, crontabs, job)
        if cron is not None and still_running(cron, [claim]):
            if cron.retry_interrupted:
                q.put(job.replace(kind=RETRY, due_us=to_us(now)))
            else:
                log = cron.add_log(Log(now, FAILURE, [reason], fire_time=job.fire_time,
                                       execution_id=claim.execution_id))
                self.stats.count(FAILURE)
                events.append(FinishedCronJobEvent(cron, root.sites[job.site], job, log))
        self._complete(q, job)

    # -- the pool ----------------------------------------------------------------------

    def _pool_loop(self):
        session = Session(self.db)
        try:
            while True:
                if self._computing:
                    self._lane.enter()
                try:
                    job = self._todo.get()
                    if job is None:
                        return
                    self._wait_until_due(job)
                    session = self._execute_group(session, job)
                except Exception:
                    logger.exception("zcron worker: unexpected error running %r", job)
                    session.tm.abort()
                finally:
                    self._lane.leave()
        finally:
            session.close()

    def _take(self):
        """The next claimed job if one is due now, else None."""
        return self._todo.get_due(to_us(clock.now()))

    def _wait_until_due(self, job):
        """Jobs are claimed a little ahead of time (LOOKAHEAD), so that the
        claim's commit is not between the due time and the run."""
        delay = (job.due - clock.now()).total_seconds()
        if delay > 0:
            clock.get_clock().sleep(delay)

    def _end(self, jobs):
        """Hand finished claims to the dispatcher. While runs are quick it
        is woken only once the claimed backlog is down to its low water:
        it then completes and claims many jobs in one transaction, not a
        few in each of many."""
        for job in jobs:
            self._finished.put(job.claim_key)
        if not self._quick or len(self._todo) <= self.low_water:
            self._wake.set()

    def _execute_group(self, session, job):
        """Run ``job`` and, while runs are quick and more are waiting, the
        next ones, in one transaction: one commit (one fsync) for many
        runs. Each run keeps its own outcome through a savepoint. Returns
        the session to use next."""
        while job is not None:
            session, job = self._run_group(session, job)
        return session

    def _run_group(self, session, job):
        """One transaction of runs; returns (session, a job left for a
        transaction of its own, or None)."""
        tm = session.tm
        tm.begin()
        group, left, in_hand = [], None, job
        started = time.monotonic()
        root = session.root
        q, crontabs = queue_for(root), {}
        try:
            if self._prefetches:
                self._prefetch(session, crontabs, job)
            while job is not None:
                in_hand = job
                claim = q.get_claim(job)
                if group and claim is None:
                    left = job        # claimed after this transaction began
                    break
                found = self._prepare(root, q, crontabs, job, claim)
                if found is not None and not self._joins_group(found[2]):
                    if group:
                        left = job    # it may be slow: the group's logs go first
                        break
                    self._lane.leave()      # ... and other threads need not wait
                if found is not None and found[2].timeout:
                    tm.abort()        # a timed run gets transactions of its own
                    group.append((job, None, None))
                    in_hand = None
                    return self._execute(session, job), None
                outcome = found and self._invoke(session, job, *found)
                group.append((job, found, outcome))
                in_hand = None
                if time.monotonic() - started >= GROUP_WINDOW or len(group) >= GROUP_MAX:
                    break
                job = self._take()
            group = [(job, found and found[2],
                      found and self._write_outcome(q, job, found[0], found[2], outcome))
                     for job, found, outcome in group]
            try:
                tm.commit()
            except ConflictError as e:
                logger.debug("a group of %d runs conflicted: %s", len(group), e)
                tm.abort()
                for done, _, log in group:       # again, each alone, with retries
                    if log is not None:
                        session = self._execute(session, done)
            else:
                self._finished_runs(session, [entry for entry in group if entry[2]])
        except Exception as error:
            tm.abort()
            cut_short = [entry[0] for entry in group]
            if in_hand is not None and in_hand is not left:
                cut_short.append(in_hand)
            group = []
            if left is not None:
                self._todo.put(left)        # not started: it gets another go
            self._orphan(cut_short, error)
            raise
        finally:
            self._end([entry[0] for entry in group])
        return session, left

    def _orphan(self, jobs, error):
        """Hand the claims of runs an unexpected error cut short (a storage
        gone, a subscriber failing) to the dispatcher, which logs them
        interrupted: neither lost nor left looking busy."""
        reason = f"interrupted: {type(error).__name__}: {error}"
        with self._lock:
            for job in jobs:
                self._orphans[job.claim_key] = reason
        self._wake.set()

    def _prefetch(self, session, crontabs, job):
        """Ask for the crons a group may run, then for their logs, in bulk:
        over a network, two round trips for the group instead of two per run."""
        root = session.root
        jobs = [job] + self._todo.peek_due(to_us(clock.now()), GROUP_MAX - 1)
        crons = [cron for cron in (self._find_cron(root, crontabs, each) for each in jobs)
                 if cron is not None]
        session.conn.prefetch(crons)
        session.conn.prefetch([cron.log_record() for cron in crons if cron.has_log_record])

    def _prepare(self, root, q, crontabs, job, claim):
        """(claim, site, cron) of a claimed job, or None when there is
        nothing to run: reaped meanwhile, already recorded, or its cron
        gone, switched off or paused since the job was queued."""
        if claim is None or claim.worker_id != self.id:
            return None        # reaped meanwhile: another worker accounted for it
        cron = self._find_cron(root, crontabs, job)
        if not runnable(cron, job, clock.now()):
            if cron is None or not cron.switched_on:
                q.forget(job.site, job.uid)      # its schedule ends here
            return None
        if not still_running(cron, [claim]):
            return None        # already recorded
        return claim, root.sites[job.site], cron

    def _joins_group(self, cron):
        """Whether a run may join a group already under way. A slow run
        among quick ones would hold back their logs (and leave their crons
        looking busy) until it ends, so only runs of runners that were
        quick last time here join; any other run starts a group of its own."""
        return not cron.timeout and cron.name in self._quick_runners

    def _invoke(self, session, job, claim, site, cron):
        """Fire StartedCronJobEvent and run the runner in the current
        transaction; writes nothing else, so that a group's savepoints hold
        only the runners' own writes. Returns an Outcome."""
        notify(StartedCronJobEvent(cron, site, job))
        self._lane.started()
        outcome = self._call_runner(session, site, cron, job, claim)
        if not outcome.abandoned:
            self._quick = outcome.duration < QUICK_RUN
            # runs waiting on I/O overlap their waits; only computing ones take turns
            self._computing = self._quick and outcome.cpu >= outcome.duration / 2
            if self._quick:
                self._quick_runners.add(cron.name)
            else:
                self._quick_runners.discard(cron.name)
        return outcome

    def _write_outcome(self, q, job, claim, cron, outcome):
        """The log entry (which marks the run as ended) and any retry, in
        the run's transaction."""
        log = Log(clock.now(), outcome.status, list(claim.notes) + outcome.messages,
                  fire_time=job.fire_time, duration=outcome.duration,
                  execution_id=claim.execution_id, traceback=outcome.traceback)
        cron.add_log(log)
        queue_retry(q, cron, job, outcome.status)
        return log

    def _execute(self, session, job):
        """Run one claimed job in transactions of its own, retrying
        conflicts; returns the session to use next (a new one when a
        timed-out runner still holds the old one)."""
        tm = session.tm
        for attempt in range(CONFLICT_RETRIES + 1):
            tm.begin()
            q = queue_for(session.root)
            found = self._prepare(session.root, q, {}, job, q.get_claim(job))
            if found is None:
                tm.commit()
                return session
            claim, site, cron = found
            outcome = self._invoke(session, job, claim, site, cron)
            if outcome.abandoned:
                return self._log_timeout(job, claim.execution_id, outcome.duration)
            log = self._write_outcome(q, job, claim, cron, outcome)
            try:
                tm.commit()
            except ConflictError as e:
                logger.debug("run of %r conflicted: %s", job, e)
                tm.abort()
                if attempt < CONFLICT_RETRIES:
                    time.sleep(random.uniform(0.001, 0.02 * (attempt + 1)))
                    continue
                log = self._record(session, job, FAILURE, [
                    f"conflict: the run's writes conflicted {attempt + 1} times; "
                    "gave up"], duration=log.duration, execution_id=log.execution_id)
            self._finished_runs(session, [(job, cron, log)])
            return session
        return session  # pragma: no cover (the loop always returns)

    def _call_runner(self, session, site, cron, job, claim):
        outcome = Outcome()
        runner = query_runner(site, cron)
        if runner is None:
            outcome.status = NOTRUN
            outcome.messages = [f"no job runner is registered under the name {cron.name!r}"]
            outcome.duration = 0.0
            return outcome
        runner.fire_time = job.fire_time
        runner.window = (window_start(cron, job.fire_time), job.fire_time)
        runner.execution_id = claim.execution_id
        savepoint = session.tm.savepoint()
        start, cpu_start = time.perf_counter(), time.thread_time()
        if cron.timeout:
            done, lock, box = threading.Event(), threading.Lock(), {}

            def target():
                try:
                    box["result"] = runner.run()
                except Exception as e:     # reported as FAILURE below
                    box["error"] = e
                    box["traceback"] = traceback.format_exc()
                finally:
                    with lock:
                        done.set()
                        abandoned = box.get("abandoned")
                    if abandoned:     # nobody else uses this session any more
                        session.close()
            threading.Thread(target=target, daemon=True, name="zcron-runner").start()
            if not done.wait(cron.timeout):
                with lock:
                    box["abandoned"] = not done.is_set()
                if box["abandoned"]:
                    outcome.abandoned = True
                    outcome.duration = time.perf_counter() - start
                    return outcome
            result, error, tb = box.get("result"), box.get("error"), box.get("traceback")
        else:
            try:
                result, error, tb = runner.run(), None, None
            except Exception as e:
                result, error, tb = None, e, traceback.format_exc()
        outcome.duration = time.perf_counter() - start
        outcome.cpu = time.thread_time() - cpu_start   # ~0 when the runner had a thread
        if error is not None:
            savepoint.rollback()
            outcome.status = FAILURE
            outcome.messages = [f"{type(error).__name__}: {error}"]
            outcome.traceback = tb
        elif result is not None:
            outcome.status = WARN
            outcome.messages = result if isinstance(result, list) else [str(result)]
        if outcome.status == OK and cron.warn_after and outcome.duration > cron.warn_after:
            outcome.status = WARN
            outcome.messages.append(f"took {outcome.duration:.1f} s "
                                    f"(warning threshold {cron.warn_after} s)")
        return outcome

    def _log_timeout(self, job, execution_id, duration):
        """The runner still runs in the old session: never commit it; log
        the timeout from a fresh session."""
        session = Session(self.db)
        log = self._record(session, job, FAILURE, [
            f"timed out after {duration:.1f} s; its transaction was aborted"],
            duration=duration, execution_id=execution_id)
        self._finished_runs(session, [(job, None, log)])
        return session

    def _record(self, session, job, status, messages, **fields):
        """Log an outcome in a transaction of its own and mark the claim done."""
        tm = session.tm
        for attempt in range(20):
            tm.begin()
            root = session.root
            cron = self._find_cron(root, {}, job)
            log = Log(clock.now(), status, messages, fire_time=job.fire_time, **fields)
            if cron is not None:
                cron.add_log(log)
                queue_retry(queue_for(root), cron, job, status)
            try:
                tm.commit()
                return log
            except ConflictError:
                tm.abort()
                time.sleep(random.uniform(0.001, 0.02))
        raise ConflictError(f"could not record the outcome of {job!r}")

    def _finished_runs(self, session, runs):
        """Count committed runs and fire their FinishedCronJobEvent, in one
        transaction whose writes (the subscribers') are committed too.
        ``runs``: (job, its cron when at hand, log)."""
        if not runs:
            return
        tm = session.tm
        tm.begin()
        root = session.root
        crontabs = {}
        for job, cron, log in runs:
            self.stats.count(log.status)
            if cron is None:
                cron = self._find_cron(root, crontabs, job)
            if cron is not None:
                notify(FinishedCronJobEvent(cron, root.sites[job.site], job, log))
        try:
            tm.commit()
        except ConflictError:
            tm.abort()
            logger.warning("FinishedCronJobEvent subscribers' writes conflicted; "
                           "they were not saved (%d runs)", len(runs))


class Outcome:
    def __init__(self):
        self.status = OK
        self.messages = []
        self.duration = None
        self.cpu = 0.0          # CPU seconds of this thread during the run
        self.traceback = None
        self.abandoned = False
