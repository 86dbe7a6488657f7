"""The procrastinate side of the bench (PostgreSQL, its worker with
asyncio concurrency); every function runs in a child process (see
child.py) and returns a JSON-able dict.

The throw-away server is zcron.testing's PostgreSQLServer, started by a
scenario's first step (``server``: pg_ctl leaves it running when that
child ends) and stopped by its last (``stop``, from the state file); the
steps between reach it by ``params["conninfo"]``.
"""
import json
import time
from datetime import datetime, timedelta, timezone

from common import RSSSampler, rss_mb
from peer_common import Recorder, consume_in_pairs, wait_for_go, lateness_result

UTC = timezone.utc
RECORDER = Recorder()
BATCH = 5_000


async def noop(i):
    RECORDER.count(i)


async def mark(i):
    RECORDER.mark(i)


async def tick(timestamp, k):
    """A periodic task: procrastinate passes the fire time (whole seconds)."""
    RECORDER.lateness(timestamp)


async def mark_tick(timestamp, k):
    """A periodic task marking its fire time (periodic task k, timestamp)."""
    RECORDER.mark(f"{k}@{timestamp}")


def make_app(conninfo, periodic=0, ticker=tick):
    """A procrastinate App on ``conninfo`` with the bench's tasks, and
    ``periodic`` per-second periodic ``ticker`` tasks (a 6th cron field:
    seconds)."""
    from procrastinate import App, PsycopgConnector
    app = App(connector=PsycopgConnector(conninfo=conninfo))
    tasks = {f.__name__: app.task(name=f.__name__)(f) for f in (noop, mark)}
    task = app.task(name=ticker.__name__)(ticker)
    for k in range(periodic):
        app.periodic(cron="* * * * * *", periodic_id=str(k), task_kwargs={"k": k})(task)
    return app, tasks


# -- the server and setup ---------------------------------------------------------------

def server(params):
    """Start a throw-away PostgreSQL server with procrastinate's schema;
    returns its conninfo and directory (stopped by ``stop``)."""
    from zcron.testing.servers import PostgreSQLServer
    # in the system's temporary directory: when we are root the server runs
    # as "postgres", which cannot enter the bench's own (mode 0700)
    pg = PostgreSQLServer(dbname="procrastinate").start()
    conninfo = f"postgresql://{pg.user}@127.0.0.1:{pg.port}/procrastinate"
    app, _ = make_app(conninfo)
    with app.open():
        app.schema_manager.apply_schema()
    with open(params["state"], "w") as f:
        json.dump({"directory": pg.directory, "port": pg.port, "bindir": pg.bindir}, f)
    return {"conninfo": conninfo}


def stop(params):
    from zcron.testing.servers import PostgreSQLServer
    with open(params["state"]) as f:
        state = json.load(f)
    pg = PostgreSQLServer(dbname="procrastinate")
    pg.directory, pg.port, pg.bindir = state["directory"], state["port"], state["bindir"]
    pg.stop()
    return {}


def fill(params):
    """Empty the jobs table, then defer ``n`` jobs (batches of BATCH), due
    now or ``ahead_s`` seconds ahead."""
    app, tasks = make_app(params["conninfo"])
    task = tasks[params.get("task", "noop")]
    t = time.perf_counter()
    with app.open():
        with app.connector.get_sync_connector().pool.connection() as conn:
            conn.execute("TRUNCATE procrastinate_jobs CASCADE")
        if params.get("ahead_s"):
            at = datetime.now(UTC) + timedelta(seconds=params["ahead_s"])
            task = task.configure(schedule_at=at)
        for start in range(0, params["n"], BATCH):
            task.batch_defer(*({"i": i} for i in range(start, min(params["n"],
                                                                   start + BATCH))))
    return {"n": params["n"], "fill_s": time.perf_counter() - t}


# -- burst, RSS --------------------------------------------------------------------------

def burst(params):
    """A fresh worker (``wait=False``: it returns once the queue is empty)
    on ``n`` jobs due now: start to return."""
    app, _ = make_app(params["conninfo"])
    n = params["n"]
    cpu, t = time.process_time(), time.time()
    app.run_worker(concurrency=params["workers"], wait=False,
                   install_signal_handlers=False)
    elapsed, cpu = time.time() - t, time.process_time() - cpu
    ran = RECORDER.runs
    return {"n": n, "workers": params["workers"], "elapsed_s": elapsed,
            "executed": ran, "runs_per_s": ran / elapsed if elapsed > 0 else None,
            "dropped": n - ran, "cpu_ms_per_run": 1000 * cpu / ran if ran else None}


def _run_for(app, seconds, **options):
    """Run the worker for ``seconds``, then stop it."""
    import asyncio

    async def run():
        async with app.open_async():
            worker = asyncio.ensure_future(app.run_worker_async(
                install_signal_handlers=False, **options))
            await asyncio.sleep(seconds)
            worker.cancel()
            try:
                await worker
            except asyncio.CancelledError:
                pass
    asyncio.run(run())


def rss(params):
    """A fresh worker with ``n`` jobs scheduled tomorrow: its RSS over its
    start and ``hold_s`` seconds of running."""
    app, _ = make_app(params["conninfo"])
    baseline = rss_mb()
    with RSSSampler() as sampler:
        _run_for(app, params["hold_s"], concurrency=params["workers"])
    return {"baseline_rss_mb": baseline, "peak_rss_mb": sampler.peak,
            "rss_mb": sampler.last, "ran": RECORDER.runs}


# -- lateness -----------------------------------------------------------------------------

def lateness(params):
    """``crons`` periodic tasks ``* * * * * *`` (procrastinate takes a 6th
    cron field for seconds): all due at each whole second, no jitter.
    Lateness = start in the task - the fire time it is passed."""
    app, _ = make_app(params["conninfo"], periodic=params["crons"])
    start = time.time()
    _run_for(app, params["warmup"] + params["duration"] + 1.5,
             concurrency=params["workers"])
    window = (start + params["warmup"], start + params["warmup"] + params["duration"])
    seconds = range(int(window[0]) + 1, int(window[1]) + 1)
    schedule = [s for s in seconds for _ in range(params["crons"])]
    return lateness_result(RECORDER.started, schedule, window, params)


# -- duplicates ---------------------------------------------------------------------------

def duplicates(params):
    """Two worker processes on ``n`` jobs due now; each run appends its
    job's number to a file: numbers found twice were run twice."""
    fill(dict(params, task="mark"))
    return consume_in_pairs("procrastinate.consume_marks", params)


def periodic_duplicates(params):
    """Two worker processes, each with the same ``crons`` per-second
    periodic tasks, for ``seconds``: fire times found twice ran twice."""
    return consume_in_pairs("procrastinate.consume_ticks",
                            dict(params, n=params["crons"] * params["seconds"]))


def consume_ticks(params):
    """One of the two workers of ``periodic_duplicates``."""
    app, _ = make_app(params["conninfo"], periodic=params["crons"], ticker=mark_tick)
    RECORDER.open_marks(params["marks"])
    wait_for_go(params)
    _run_for(app, params["seconds"], concurrency=params["workers"])
    return {"runs": RECORDER.runs}


def consume_marks(params):
    """One of the two workers of ``duplicates``: until the queue is empty."""
    app, _ = make_app(params["conninfo"])
    RECORDER.open_marks(params["marks"])
    wait_for_go(params)
    app.run_worker(concurrency=params["workers"], wait=False,
                   install_signal_handlers=False)
    return {"runs": RECORDER.runs}
