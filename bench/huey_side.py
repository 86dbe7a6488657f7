"""The huey side of the bench (SqliteHuey, its consumer with thread
workers); every function runs in a child process (see child.py) and
returns a JSON-able dict.

The tasks are registered by ``make_huey`` in every process that enqueues
or consumes, so that both name them alike ("huey_side.noop", ...).
"""
import math
import os
import threading
import time
from datetime import datetime, timezone

from common import RSSSampler, rss_mb
from peer_common import (Recorder, consume_in_pairs, due_times, wait_for_go,
                         lateness_result)

UTC = timezone.utc
RECORDER = Recorder()


def make_huey(path, fast=False):
    """A SqliteHuey on ``path`` with the bench's tasks; ``fast`` (setup
    only) turns SQLite's fsyncs off. Returns (huey, tasks by name)."""
    from huey import SqliteHuey
    huey = SqliteHuey(filename=path, fsync=False if fast else None, results=False)
    tasks = {
        "noop": huey.task(name="noop")(RECORDER.count),
        "late": huey.task(name="late")(RECORDER.lateness),
        "mark": huey.task(name="mark")(RECORDER.mark),
    }
    return huey, tasks


def _consume(huey, workers, until, cap_s):
    """Run huey's consumer in this process (thread workers, no periodic
    tasks) until ``until`` is set or ``cap_s`` passes; returns seconds."""
    consumer = huey.create_consumer(workers=workers, worker_type="thread",
                                    periodic=False)
    started = time.time()
    consumer.start()
    finished = until.wait(cap_s)
    elapsed = (RECORDER.done_at if finished else time.time()) - started
    consumer.stop(graceful=False)
    return finished, elapsed


# -- setup -------------------------------------------------------------------------

def fill(params):
    """Enqueue ``n`` tasks due now, or schedule them ``eta_s`` seconds
    ahead, spread over ``spread_s`` more (setup, not timed for the
    figures: SQLite's fsyncs off). Scheduled tasks go straight to huey's
    schedule (``add_schedule``), where its consumer would put a task
    enqueued with an eta ahead: a fresh consumer finds them there."""
    huey, tasks = make_huey(params["path"], fast=True)
    task = tasks[params.get("task", "noop")]
    t = time.perf_counter()
    eta, n, spread = params.get("eta_s"), params["n"], params.get("spread_s", 0)
    for i in range(n):
        if eta:
            huey.add_schedule(task.s(i, delay=eta + spread * i / n))
        else:
            task(i)
    return {"n": params["n"], "fill_s": time.perf_counter() - t,
            "queued": huey.pending_count(), "scheduled": huey.scheduled_count()}


# -- burst ---------------------------------------------------------------------------

def burst(params):
    """A fresh consumer on a file holding ``n`` tasks due now: start to the
    n-th run. huey drops nothing; *dropped* is what is left at the cap."""
    huey, _ = make_huey(params["path"])
    n = params["n"]
    RECORDER.expect(n)
    cpu = time.process_time()
    finished, elapsed = _consume(huey, params["workers"], RECORDER.done,
                                 params.get("cap_s", 600))
    cpu = time.process_time() - cpu
    ran = RECORDER.runs
    return {"n": n, "workers": params["workers"], "elapsed_s": elapsed,
            "finished": finished, "executed": ran,
            "runs_per_s": ran / elapsed if elapsed > 0 else None,
            "dropped": n - ran, "cpu_ms_per_run": 1000 * cpu / ran if ran else None,
            "left_in_queue": huey.pending_count()}


# -- lateness -----------------------------------------------------------------------

def lateness(params):
    """``crons`` tasks per second, each second's spread over the second
    (as zcron's jitter), scheduled ahead with ``eta``; lateness = start in
    the task - its eta. (huey's periodic tasks are minute-granular.)"""
    path = os.path.join(params["tmpdir"], "late.sqlite")
    huey, tasks = make_huey(path, fast=True)
    start = time.time() + 1.0 + params["crons"] / 2000
    schedule = due_times(params["crons"], start,
                         math.ceil(params["warmup"] + params["duration"] + 1))
    for due in schedule:
        huey.add_schedule(tasks["late"].s(due, eta=datetime.fromtimestamp(due, UTC)))
    huey, _ = make_huey(path)
    RECORDER.expect(0)
    _consume(huey, params["workers"], threading.Event(),
             start + params["warmup"] + params["duration"] + 1.5 - time.time())
    window = (start + params["warmup"], start + params["warmup"] + params["duration"])
    return lateness_result(RECORDER.started, schedule, window, params)


# -- RSS with scheduled tasks --------------------------------------------------------

def rss(params):
    """A fresh consumer on a file with ``n`` tasks scheduled tomorrow: its
    RSS over start and ``hold_s`` seconds of running."""
    huey, _ = make_huey(params["path"])
    baseline = rss_mb()
    with RSSSampler() as sampler:
        _consume(huey, params["workers"], threading.Event(), params["hold_s"])
    return {"baseline_rss_mb": baseline, "peak_rss_mb": sampler.peak,
            "rss_mb": sampler.last, "scheduled": huey.scheduled_count()}


# -- duplicates ---------------------------------------------------------------------

def duplicates(params):
    """Two consumer processes on one SQLite file holding ``n`` tasks due
    now (or, with ``eta_s``, scheduled that far ahead and spread over
    ``spread_s``: both consumers' schedulers read them); each run appends
    its task's number to a file: numbers found twice were run twice."""
    path = os.path.join(params["tmpdir"], "dup.sqlite")
    fill(dict(params, path=path, task="mark"))
    return consume_in_pairs("huey.consume_marks", dict(params, path=path))


def consume_marks(params):
    """One of the two consumers of ``duplicates``: runs until the queue has
    stayed empty for a second (or the cap), marking each run."""
    huey, _ = make_huey(params["path"])
    RECORDER.open_marks(params["marks"])
    consumer = huey.create_consumer(workers=params["workers"], worker_type="thread",
                                    periodic=False)
    wait_for_go(params)
    consumer.start()
    deadline = time.time() + params.get("cap_s", 300)
    idle_since = None
    while time.time() < deadline:
        time.sleep(0.2)
        empty = huey.pending_count() == 0 and huey.scheduled_count() == 0
        idle_since = (idle_since or time.time()) if empty else None
        if idle_since and time.time() - idle_since > 1.0:
            break
    consumer.stop(graceful=True)
    return {"runs": RECORDER.runs}
