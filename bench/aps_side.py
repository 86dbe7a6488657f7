"""The APScheduler 3.x side of each scenario; every function runs in a child
process (see child.py) and returns a JSON-able dict.

Job functions live at module level here, so that SQLAlchemyJobStore can
store them by reference ("aps_side:noop").
"""
import os
import threading
import time
from datetime import datetime, timedelta, timezone

from common import RSSSampler, peak_rss_mb, rss_mb, summary_ms

UTC = timezone.utc
STARTS = []          # (job id, time.time() at start)


def noop():
    pass


WAIT = [0.0]         # seconds wait() sleeps, set per scenario


def wait():
    """The 'waits' scenario's job: waiting on I/O, as it were."""
    time.sleep(WAIT[0])


def record(job_id):
    STARTS.append((job_id, time.time()))


def sqlite_store(path, fast=False):
    """A SQLAlchemyJobStore on a SQLite file, with SQLAlchemy's and SQLite's
    defaults; ``fast`` (setup only) turns SQLite's fsyncs off."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from sqlalchemy import create_engine, event
    engine = create_engine(f"sqlite:///{path}")
    if fast:
        @event.listens_for(engine, "connect")
        def no_sync(dbapi_connection, record):
            dbapi_connection.execute("PRAGMA synchronous=OFF")
    return SQLAlchemyJobStore(engine=engine)


class Tally:
    """Counts job events; ``done`` is set once ``expected`` runs are
    accounted for (executed, missed, failed or skipped)."""

    def __init__(self, expected):
        from apscheduler import events as ev
        self.ev = ev
        self.expected = expected
        self.lock = threading.Lock()
        self.counts = {"executed": 0, "missed": 0, "error": 0, "max_instances": 0}
        self.scheduled = []        # (job id, scheduled_run_time) of executed runs
        self.done = threading.Event()
        self.done_at = None
        self.mask = (ev.EVENT_JOB_EXECUTED | ev.EVENT_JOB_MISSED | ev.EVENT_JOB_ERROR
                     | ev.EVENT_JOB_MAX_INSTANCES)

    def __call__(self, event):
        ev = self.ev
        name = {ev.EVENT_JOB_EXECUTED: "executed", ev.EVENT_JOB_MISSED: "missed",
                ev.EVENT_JOB_ERROR: "error",
                ev.EVENT_JOB_MAX_INSTANCES: "max_instances"}[event.code]
        with self.lock:
            self.counts[name] += 1
            if event.code == ev.EVENT_JOB_EXECUTED:
                self.scheduled.append((event.job_id, event.scheduled_run_time.timestamp()))
            if self.expected and sum(self.counts.values()) >= self.expected \
                    and not self.done.is_set():
                self.done_at = time.time()
                self.done.set()


# -- 1. burst -------------------------------------------------------------------------

def burst(params):
    """N jobs with a DateTrigger at one instant T0, in a SQLAlchemyJobStore
    on a SQLite file; the scheduler, started just before T0, finds all N
    due at T0. Executed vs missed (EVENT_JOB_MISSED)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.date import DateTrigger
    n, tmp = params["n"], params["tmpdir"]
    WAIT[0] = params.get("wait_s", 0.0)
    job = wait if WAIT[0] else noop
    job_defaults = {}
    if params.get("misfire_grace_time", "default") != "default":
        job_defaults["misfire_grace_time"] = params["misfire_grace_time"]

    # Setup (not measured): write the N jobs to the SQLite file through a
    # scheduler whose engine has PRAGMA synchronous=OFF, else adding them
    # one SQL transaction each takes minutes. T0 is placed just after the
    # adds, calibrated on a throwaway store. The measured scheduler below
    # opens the file afresh with SQLite's default (durable) settings.
    path = os.path.join(tmp, "jobs.sqlite")
    calib = BackgroundScheduler(
        jobstores={"default": sqlite_store(os.path.join(tmp, "c.sqlite"), fast=True)},
        timezone=UTC)
    calib.start(paused=True)
    far = datetime.now(UTC) + timedelta(days=1)
    t = time.perf_counter()
    probe = min(300, n)
    for i in range(probe):
        calib.add_job(noop, DateTrigger(run_date=far), id=f"c{i}")
    rate = probe / (time.perf_counter() - t)
    calib.shutdown(wait=False)

    store = sqlite_store(path, fast=True)
    loader = BackgroundScheduler(jobstores={"default": store}, job_defaults=job_defaults,
                                 timezone=UTC)   # a job keeps the defaults it was added with
    loader.start(paused=True)
    t0 = datetime.now(UTC) + timedelta(seconds=n / rate * 1.3 + 0.7)
    t = time.perf_counter()
    trigger_at = DateTrigger(run_date=t0)
    for i in range(n):
        loader.add_job(job, trigger_at, id=f"j{i}")
    add_s = time.perf_counter() - t
    loader.shutdown(wait=False)
    store.engine.dispose()

    tally = Tally(n)
    scheduler = BackgroundScheduler(jobstores={"default": sqlite_store(path)},
                                    job_defaults=job_defaults, timezone=UTC)
    scheduler.add_listener(tally, tally.mask)
    late_start = max(0.0, time.time() - t0.timestamp())
    cpu = time.process_time()
    scheduler.start()           # sleeps until T0, then finds the N jobs due
    finished = tally.done.wait(max(0.0, t0.timestamp() - time.time())
                               + params.get("cap_s", 600))
    end = tally.done_at if finished else time.time()
    elapsed = end - t0.timestamp()
    cpu = time.process_time() - cpu
    with tally.lock:
        counts = dict(tally.counts)
    if finished:
        scheduler.shutdown(wait=True)
    # else: the scheduler thread is still deleting due jobs one SQL
    # transaction at a time; child.py ends the process without waiting
    accounted = sum(counts.values())
    not_reached = n - accounted
    dropped = counts["missed"] + counts["error"] + counts["max_instances"]
    grace = job_defaults.get("misfire_grace_time", 1)
    if not finished and grace is not None and elapsed > grace:
        # not yet handed to the executor, already later than the grace
        # time: each of them will be EVENT_JOB_MISSED when reached
        dropped += not_reached
    return {
        "n": n, "setup_add_s": add_s, "setup_add_per_s": n / add_s,
        "started_late_s": late_start,
        "elapsed_s": elapsed, "finished": finished,
        "runs_per_s": counts["executed"] / elapsed if elapsed > 0 else None,
        "executed": counts["executed"], "dropped": dropped,
        "not_reached": not_reached, "events": counts,
        "handled_per_s": accounted / elapsed if elapsed > 0 else None,
        "cpu_s": cpu, "cpu_ms_per_job": 1000 * cpu / accounted if accounted else None,
        "misfire_grace_time": job_defaults.get("misfire_grace_time", "default (1 s)"),
        "executor": "ThreadPoolExecutor(10) (default)",
    }


# -- 2. lateness ------------------------------------------------------------------------------

def lateness(params):
    """``crons`` jobs, CronTrigger(second='*', jitter=...) in the default
    MemoryJobStore: ~``crons`` runs/s spread over each second. Lateness =
    start in the job - the run's scheduled_run_time (jitter included)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger
    n, warmup, duration = params["crons"], params["warmup"], params["duration"]
    tally = Tally(0)
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_listener(tally, tally.mask)
    for i in range(n):
        scheduler.add_job(record, CronTrigger(second="*", jitter=params["jitter"] or None,
                                              timezone=UTC),
                          id=f"j{i}", args=(f"j{i}",))
    start = time.time()
    scheduler.start()
    time.sleep(warmup + duration + 1.5)
    scheduler.shutdown(wait=True)
    window = (start + warmup, start + warmup + duration)

    starts, scheduled = {}, {}
    for job_id, t in STARTS:
        starts.setdefault(job_id, []).append(t)
    with tally.lock:
        for job_id, t in tally.scheduled:
            scheduled.setdefault(job_id, []).append(t)
    late = []
    for job_id, times in scheduled.items():
        # runs of one job are sequential (max_instances=1): pair in order
        for due, began in zip(sorted(times), sorted(starts.get(job_id, ()))):
            if window[0] <= due < window[1]:
                late.append(began - due)
    result = summary_ms(late)
    result.update({
        "crons": n, "window_s": duration, "runs_in_window": len(late),
        "rate_per_s": len(late) / duration, "events": dict(tally.counts),
        "executor": "ThreadPoolExecutor(10) (default)",
    })
    return result


# -- 3. scale ----------------------------------------------------------------------------------

def daily_trigger(i):
    from apscheduler.triggers.cron import CronTrigger
    return CronTrigger(minute=i % 60, hour=(i // 60) % 24, timezone=UTC)


def _add_and_modify(scheduler, n, cap_s, edits):
    import random
    t0 = time.perf_counter()
    added = 0
    for i in range(n):
        scheduler.add_job(noop, daily_trigger(i), id=f"j{i}")
        added += 1
        if cap_s and (added & 255) == 0 and time.perf_counter() - t0 > cap_s:
            break
    add_s = time.perf_counter() - t0
    rng = random.Random(42)
    times = []
    from apscheduler.triggers.cron import CronTrigger
    for _ in range(edits):
        job_id = f"j{rng.randrange(added)}"
        trigger = CronTrigger(minute=rng.randrange(60), hour=rng.randrange(24),
                              day_of_week=rng.randrange(7), timezone=UTC)
        t = time.perf_counter()
        scheduler.reschedule_job(job_id, trigger=trigger)
        times.append(time.perf_counter() - t)
    return added, add_s, times


def scale_sqlite(params):
    """Add up to N jobs to a SQLAlchemyJobStore (SQLite file) of a started,
    paused scheduler -- each add is its own SQL transaction -- stopping
    after ``cap_s`` seconds; then reschedule one job, ``edits`` times."""
    from apscheduler.schedulers.background import BackgroundScheduler
    n, tmp = params["n"], params["tmpdir"]
    scheduler = BackgroundScheduler(
        jobstores={"default": sqlite_store(os.path.join(tmp, "scale.sqlite"))}, timezone=UTC)
    scheduler.start(paused=True)
    added, add_s, times = _add_and_modify(scheduler, n, params.get("cap_s"), params["edits"])
    scheduler.shutdown(wait=False)
    result = {"n": n, "added": added, "add_s": add_s, "add_per_s": added / add_s,
              "capped": added < n,
              "projected_s_for_n": n / (added / add_s),
              "edit": summary_ms(times), "rss_mb": rss_mb()}
    return result


def scale_memory(params):
    """Add N jobs to the MemoryJobStore; reschedule one; RSS of the
    running scheduler holding them."""
    from apscheduler.schedulers.background import BackgroundScheduler
    n = params["n"]
    baseline = rss_mb()
    scheduler = BackgroundScheduler(timezone=UTC)
    with RSSSampler() as sampler:
        scheduler.start(paused=True)
        added, add_s, times = _add_and_modify(scheduler, n, None, params["edits"])
        scheduler.resume()
        time.sleep(1.0)
    scheduler.shutdown(wait=False)
    return {"n": n, "added": added, "add_s": add_s, "add_per_s": added / add_s,
            "edit": summary_ms(times), "baseline_rss_mb": baseline,
            "rss_mb": sampler.last, "peak_rss_mb": sampler.peak,
            "peak_rss_getrusage_mb": peak_rss_mb()}


def rss_sqlite(params):
    """RSS of a fresh scheduler process started on the SQLite store that
    scale_sqlite filled (it loads only the due jobs)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    baseline = rss_mb()
    scheduler = BackgroundScheduler(
        jobstores={"default": sqlite_store(os.path.join(params["tmpdir"], "scale.sqlite"))},
        timezone=UTC)
    with RSSSampler() as sampler:
        t = time.perf_counter()
        scheduler.start()
        start_s = time.perf_counter() - t
        time.sleep(1.0)
    scheduler.shutdown(wait=False)
    return {"baseline_rss_mb": baseline, "rss_mb": sampler.last,
            "peak_rss_mb": sampler.peak, "start_s": start_s}
