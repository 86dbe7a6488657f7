"""The zcron side of each scenario; every function runs in a child process
(see child.py) and returns a JSON-able dict."""
import json
import math
import os
import random
import statistics
import threading
import time

from persistent import Persistent
from zope.component import provideHandler

from zcron.interfaces import IStartedCronJobEvent

from common import RSSSampler, peak_rss_mb, rss_mb, summary_ms

SITE = "bench"
# Runner invocations: (time.time() at start, cron uid, fire time). A list
# append is atomic under the GIL, so the runners need no lock.
RECORD = []
WAIT = [0.0]         # seconds each run waits (sleeps), set per scenario


def setup():
    """Load zcron's components and register the no-op runner."""
    import zcron

    class NoOp(zcron.Runner):
        def run(self):
            RECORD.append((time.time(), self.cron.uid, self.fire_time))
            if WAIT[0]:
                time.sleep(WAIT[0])       # the 'waits' scenario: a runner waiting on I/O

    zcron.configure()
    zcron.add_runner("noop", NoOp)


def file_uri(directory):
    return "file://" + os.path.join(directory, "Data.fs")


def open_db(uri):
    from zcron.db import open_db as _open
    return _open(uri)


def create_crons(db, expressions, **fields):
    """A site SITE whose crontab holds one 'noop' cron per expression; the
    crontab is saved (its jobs queued) in the same transaction."""
    import zcron
    from zcron.components import load_crontab
    from zcron.db import get_root
    uids = []
    with db.transaction() as conn:
        root = get_root(conn)
        site = root.sites.get(SITE) or root.add_site(zcron.CronSite(SITE))
        crontab = load_crontab(site)
        for expression in expressions:
            uids.append(crontab.add_cron(zcron.Cron("noop", expression, **fields)).uid)
        crontab.save()
    return uids


def queue_run_now(db, when=None):
    """A MANUAL job due ``when`` (default now) for every cron of SITE."""
    from zcron import clock
    from zcron.components import cron_manager, load_crontab
    from zcron.db import get_root
    when = when or clock.now()
    with db.transaction() as conn:
        site = get_root(conn).sites[SITE]
        for cron in load_crontab(site):
            cron_manager(site, cron).run_now(when)
    return when


def count_logs(db):
    """Per status, the number of log entries of SITE's crons, plus the
    number of crons with more than one entry / none."""
    from zcron.components import load_crontab, queue_for
    from zcron.db import get_root
    statuses, several, none, crons = {}, 0, 0, 0
    with db.transaction() as conn:
        root = get_root(conn)
        for cron in load_crontab(root.sites[SITE]):
            crons += 1
            logs = cron.logs
            if not logs:
                none += 1
            elif len(logs) > 1:
                several += 1
            for log in logs:
                statuses[log.status] = statuses.get(log.status, 0) + 1
            conn.cacheGC()
        queue = queue_for(root)
        pending = len(queue)
        claims = len(queue.claimed())
    return {"statuses": statuses, "crons": crons, "crons_without_log": none,
            "crons_with_several_logs": several, "pending_jobs": pending,
            "claims_left": claims}


def _children_cpu():
    """CPU seconds of this process's ended children (process isolation's)."""
    times = os.times()
    return times.children_user + times.children_system


# -- 1. burst ---------------------------------------------------------------------------

def burst(params):
    """N crons, each with one MANUAL job due now; one worker drains them."""
    from zcron.worker import Worker
    setup()
    n, concurrency, tmp = params["n"], params["concurrency"], params["tmpdir"]
    WAIT[0] = params.get("wait_s", 0.0)
    uri = file_uri(tmp)
    db = open_db(uri)
    t = time.perf_counter()
    create_crons(db, ["0 0 1 1 *"] * n)      # a yearly cron: its own job is not due
    due = queue_run_now(db)
    setup_s = time.perf_counter() - t

    worker = Worker(db, concurrency=concurrency, isolation=params.get("isolation", "thread"))
    start_wall = time.time()
    cpu, children = time.process_time(), _children_cpu()
    start = time.perf_counter()
    stats = worker.run(until_idle=True)
    elapsed = time.perf_counter() - start
    cpu, children = time.process_time() - cpu, _children_cpu() - children
    db.close()

    # what is durable: reopen the file and count the logs
    db = open_db(uri)
    counts = count_logs(db)
    db.close()
    ok = counts["statuses"].get("OK", 0)
    invocations = len(RECORD)
    distinct = len({(uid, fire) for _, uid, fire in RECORD})
    first = min((r[0] for r in RECORD), default=None)
    last = max((r[0] for r in RECORD), default=None)
    drain = (last - first) if first is not None and last > first else None
    return {
        "n": n, "concurrency": concurrency, "setup_s": setup_s,
        "elapsed_s": elapsed, "cpu_s": cpu, "children_cpu_s": children,
        "cpu_ms_per_run": 1000 * cpu / ok if ok else None,
        "runs_per_s": ok / elapsed if elapsed else None,
        "ok_logs": ok, "dropped": n - ok, "logs": counts,
        "runner_invocations": invocations,
        "duplicate_invocations": invocations - distinct,
        "first_run_after_s": None if first is None else first - start_wall,
        "drain_runs_per_s": (invocations - 1) / drain if drain else None,
        "worker_stats": {"by_status": dict(stats.by_status),
                         "claim_conflicts": stats.claim_conflicts},
        "due": due.isoformat(),
    }


# -- 2. lateness ----------------------------------------------------------------------------

def lateness(params):
    """``crons`` per-second crons spread over each second by their jitter:
    ``crons`` runs/s. Lateness = runner start - due time (fire time +
    the cron's jitter offset)."""
    from zcron.worker import Worker
    setup()
    n, tmp = params["crons"], params["tmpdir"]
    warmup, duration = params["warmup"], params["duration"]
    db = open_db(file_uri(tmp))
    from zcron.components import load_crontab
    from zcron.db import get_root
    uids = create_crons(db, ["* * * * * *"] * n, jitter=params["jitter"])
    with db.transaction() as conn:
        crontab = load_crontab(get_root(conn).sites[SITE])
        offsets = {uid: crontab.get(uid).jitter_offset() for uid in uids}

    worker = Worker(db, concurrency=params["concurrency"])
    start = time.time()
    window = (start + warmup, start + warmup + duration)
    thread = threading.Thread(target=worker.run, kwargs={"max_seconds": warmup + duration + 1.5},
                              daemon=True)
    thread.start()
    cpu = _cpu_over(window)
    thread.join(warmup + duration + 60)
    stats = worker.stats
    late, expected, starts = [], 0, {}
    for started, uid, fire in RECORD:
        due = fire.timestamp() + offsets[uid]
        if window[0] <= due < window[1]:
            late.append(started - due)
            starts.setdefault(fire, []).append(started)
    # fire times due inside the window: one per cron per second
    for offset in offsets.values():
        expected += math.ceil(window[1] - offset) - math.ceil(window[0] - offset)
    db.close()
    result = summary_ms(late)
    result.update({
        "cpu_ms_per_run": 1000 * cpu / len(late) if late else None,
        "commits_per_run": _commits_in(file_uri(tmp), window) / len(late) if late else None,
        "crons": n, "window_s": duration, "expected_runs": expected,
        "runs_in_window": len(late),
        "rate_per_s": len(late) / duration,
        "missing_in_window": expected - len(late),
        "worker_stats": {"by_status": dict(stats.by_status),
                         "claim_conflicts": stats.claim_conflicts},
        "concurrency": params["concurrency"],
    })
    if not params["jitter"]:
        result.update(_drain(starts, n))
    return result


def _drain(starts, n):
    """All crons due at each whole second: a burst each second, started at
    the drain rate (median over the seconds of (runs - 1) / first to last
    start). The last of ``n`` runs then starts n / rate after its due time:
    that bounds the lateness, not the dispatcher's wake-up."""
    rates = [(len(s) - 1) / (max(s) - min(s)) for s in starts.values()
             if len(s) > 1 and max(s) > min(s)]
    if not rates:
        return {}
    rate = statistics.median(rates)
    return {"drain_runs_per_s": rate, "drain_bound_ms": 1000.0 * n / rate}


def _cpu_over(window):
    """Process CPU seconds (all threads) between the window's two wall times."""
    time.sleep(max(0.0, window[0] - time.time()))
    cpu = time.process_time()
    time.sleep(max(0.0, window[1] - time.time()))
    return time.process_time() - cpu


def _commits_in(uri, window):
    """Transactions the file storage committed within the wall-time window:
    the runs' commits and the dispatcher's (claims, settling)."""
    from ZODB.FileStorage import FileStorage
    from ZODB.TimeStamp import TimeStamp
    storage = FileStorage(uri[len("file://"):], read_only=True)
    try:
        return sum(1 for t in storage.iterator()
                   if window[0] <= TimeStamp(t.tid).timeTime() < window[1])
    finally:
        storage.close()


# -- 3. scale ----------------------------------------------------------------------------------

def _far_day():
    """(day, month) about half a year from now: no fire time on it comes
    while the bench runs."""
    far = time.gmtime(time.time() + 182 * 86400)
    return min(far.tm_mday, 28), far.tm_mon


FAR_DAY, FAR_MONTH = _far_day()


def spread_expression(i):
    """1,440 distinct fire times in a day, as a big crontab of daily crons
    has (its queue holds as many due times), on one day half a year away:
    none comes due while the bench runs, so a worker's runs are only
    those ``_runs_now`` makes due and its figures repeat from run to run."""
    return f"{i % 60} {(i // 60) % 24} {FAR_DAY} {FAR_MONTH} *"


def scale_add(params):
    """Add N crons in one transaction, save them (``save_crons``: N jobs
    queued in one pass), commit; keep the database for scale_edit and
    scale_worker."""
    import zcron
    from zcron.components import load_crontab, queue_for
    from zcron.db import Session
    setup()
    n, tmp = params["n"], params["tmpdir"]
    db = open_db(file_uri(tmp))
    session = Session(db)
    session.tm.begin()
    root = session.root
    site = root.add_site(zcron.CronSite(SITE))
    crontab = load_crontab(site)
    crons = [zcron.Cron("noop", spread_expression(i)) for i in range(n)]
    t0 = time.perf_counter()
    for cron in crons:
        crontab.add_cron(cron)
    t1 = time.perf_counter()
    crontab.save_crons(crons)
    t2 = time.perf_counter()
    session.tm.commit()
    t3 = time.perf_counter()
    uids = [cron.uid for cron in crons]
    with open(os.path.join(tmp, "uids.json"), "w") as f:
        json.dump(uids, f)
    session.tm.begin()
    queued = len(queue_for(session.root))
    session.close()
    db.close()
    return {
        "n": n, "queued": queued,
        "add_s": t1 - t0, "save_s": t2 - t1, "commit_s": t3 - t2,
        "add_per_s": n / (t1 - t0), "save_commit_per_s": n / (t3 - t1),
        "total_per_s": n / (t3 - t0),
        "construct_note": "Cron objects are built before the clock starts",
        "file_mb": os.path.getsize(os.path.join(tmp, "Data.fs")) / 1024 / 1024,
    }


def million_add(params):
    """``sites`` sites of ``per_site`` crons each, added in transactions
    of ``batch`` crons, each batch saved at once (``save_crons``: its
    crons' jobs queued in one pass);
    SITE is the first site, its uids kept for scale_edit and the CLI
    timings."""
    import zcron
    from zcron.components import load_crontab
    from zcron.db import Session
    setup()
    sites, per_site, batch, tmp = (params["sites"], params["per_site"], params["batch"],
                                   params["tmpdir"])
    db = open_db(file_uri(tmp))
    session = Session(db)
    uids, elapsed, cpu, peak = [], 0.0, 0.0, 0.0
    for number in range(sites):
        name = SITE if number == 0 else f"{SITE}-{number}"
        for start in range(0, per_site, batch):
            crons = [zcron.Cron("noop", spread_expression(i))
                     for i in range(start, min(per_site, start + batch))]
            t0, c0 = time.perf_counter(), time.process_time()
            session.tm.begin()
            root = session.root
            site = root.sites.get(name) or root.add_site(zcron.CronSite(name))
            crontab = load_crontab(site)
            for cron in crons:
                crontab.add_cron(cron)
            crontab.save_crons(crons)      # their jobs queued in one pass
            session.tm.commit()
            session.conn.cacheMinimize()
            elapsed += time.perf_counter() - t0
            cpu += time.process_time() - c0
            peak = max(peak, rss_mb())
            if number == 0:
                uids += [cron.uid for cron in crons]
    with open(os.path.join(tmp, "uids.json"), "w") as f:
        json.dump(uids, f)
    last_batch = records_by_class(db)
    session.close()
    db.close()
    n = sites * per_site
    return {"n": n, "sites": sites, "per_site": per_site, "batch": batch,
            "add_s": elapsed, "add_per_s": n / elapsed, "add_peak_rss_mb": peak,
            "add_cpu_s": cpu, "add_per_cpu_s": n / cpu,
            "construct_note": "each batch's Cron objects are built before its clock starts",
            "last_batch_records": last_batch,
            "file_mb": os.path.getsize(os.path.join(tmp, "Data.fs")) / 1024 / 1024}


def last_transaction_records(db):
    """(records, bytes, classes) written by the storage's last transaction."""
    found = records_by_class(db)
    return (sum(n for n, _ in found.values()), sum(size for _, size in found.values()),
            sorted(found))


def records_by_class(db):
    """{class: [records, bytes]} of the storage's last transaction, the
    most bytes first: what a commit rewrites besides its new records."""
    found = {}
    for txn in db.storage.iterator(db.storage.lastTransaction()):
        for record in txn:
            entry = found.setdefault(_class_of(record.data), [0, 0])
            entry[0] += 1
            entry[1] += len(record.data or b"")
        break
    return dict(sorted(found.items(), key=lambda item: -item[1][1]))


def _class_of(data):
    """'module.Class' of a ZODB record, from its pickle."""
    from ZODB.utils import get_pickle_metadata
    try:
        return ".".join(get_pickle_metadata(data))
    except Exception:
        return "?"


def scale_edit(params):
    """Median time to edit one cron's periodicity and save it (save_cron +
    commit) in a crontab of N crons; records written per commit."""
    from zcron.components import load_crontab
    from zcron.db import Session
    setup()
    tmp, edits = params["tmpdir"], params["edits"]
    with open(os.path.join(tmp, "uids.json")) as f:
        uids = json.load(f)
    db = open_db(file_uri(tmp))
    rng = random.Random(42)
    session = Session(db)
    times, cpus, records, sizes, classes = [], [], [], [], {}
    for _ in range(edits):
        uid = rng.choice(uids)
        expression = f"{rng.randrange(60)} {rng.randrange(24)} * * {rng.randrange(7)}"
        t0, c0 = time.perf_counter(), time.process_time()
        session.tm.begin()
        crontab = load_crontab(session.root.sites[SITE])
        cron = crontab.get(uid)
        cron.edit(periodicity=expression)
        crontab.save_cron(cron)
        session.tm.commit()
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        count, size, names = last_transaction_records(db)
        records.append(count)
        sizes.append(size)
        for name in names:
            classes[name] = classes.get(name, 0) + 1
    session.close()
    db.close()
    result = summary_ms(times)
    result.update({
        "edits": edits, "records_per_commit_median": sorted(records)[len(records) // 2],
        "records_per_commit_max": max(records),
        "bytes_per_commit_median": sorted(sizes)[len(sizes) // 2],
        "record_classes": classes, "first_edit_ms": times[0] * 1000,
        "cpu_p50": summary_ms(cpus)["p50"],
        # the second half: the trees' inner nodes read by then (as in a
        # long-running process), each edit loading its own buckets only
        "warm_p50": summary_ms(times[edits // 2:])["p50"],
    })
    return result


class FloorConfig(Persistent):
    """zodb_floor's stand-in for a cron's settings."""


def zodb_floor(params):
    """N bare persistent records (a few fields, as a new cron: its log
    record comes with its first claim) in one OOBTree, one commit: what
    FileStorage itself allows, without zcron's indexes and queue."""
    import transaction
    from BTrees.OOBTree import OOBTree
    n = params["n"]
    db = open_db(file_uri(params["tmpdir"]))
    with db.transaction() as conn:
        conn.root()["floor"] = OOBTree()
    conn = db.open()
    tree = conn.root()["floor"]
    t0 = time.perf_counter()
    for i in range(n):
        config = FloorConfig()
        config.uid, config.name, config.periodicity = f"{i:032x}", "noop", spread_expression(i)
        config.environ = {}
        tree[config.uid] = config
    transaction.commit()
    elapsed = time.perf_counter() - t0
    conn.close()
    db.close()
    return {"n": n, "records_per_s": n / elapsed}


def worker_rss(params):
    """RSS of a worker process that starts (ServerRestartEvent over every
    cron / job of the database) and runs until idle. With ``resync``, the
    restart re-reads every cron, as after crons changed without a save."""
    from zcron.components import marker_for
    from zcron.db import get_root
    from zcron.worker import Worker
    setup()
    db = open_db(file_uri(params["tmpdir"]))
    if params.get("resync"):
        with db.transaction() as conn:
            root = get_root(conn)
            for name in root.sites.keys():
                marker_for(root).unmark(name)      # every site re-read
            _runs_now(root, params.get("runs_now", 1))
    baseline = rss_mb()
    # "alert_interval": 0 leaves out the alert check
    worker = Worker(db, concurrency=params.get("concurrency", 4),
                    alert_interval=params.get("alert_interval", 30.0))
    first_run = []
    provideHandler(lambda event: first_run or first_run.append(time.perf_counter()),
                   (IStartedCronJobEvent,))
    resynced = []
    threading.Thread(target=lambda: resynced.append(worker.resync.done.wait()
                                                    and time.perf_counter()),
                     daemon=True).start()
    with RSSSampler() as sampler:
        t0 = time.perf_counter()
        stats = worker.run(until_idle=True, max_seconds=params.get("max_seconds"))
        elapsed = time.perf_counter() - t0
        idle_rss = rss_mb()
        time.sleep(0.3)
    db.close()
    return {
        "baseline_rss_mb": baseline, "idle_rss_mb": idle_rss,
        "peak_rss_mb": sampler.peak, "peak_rss_getrusage_mb": peak_rss_mb(),
        "start_to_idle_s": elapsed,
        "start_to_first_run_s": first_run[0] - t0 if first_run else None,
        "start_to_resynced_s": resynced[0] - t0 if resynced else None,
        "worker_stats": {"by_status": dict(stats.by_status),
                         "claim_conflicts": stats.claim_conflicts},
    }


def _runs_now(root, count):
    """Runs due now on the first ``count`` crons: a restarting worker's
    first run is timed, and its work is the same in every bench run."""
    from itertools import islice

    from zcron.components import cron_manager, load_crontab
    site = root.get_site(SITE)
    for cron in islice(load_crontab(site), count):
        cron_manager(site, cron).run_now()


def queue_fill(params):
    """``jobs`` MANUAL jobs queued in the future for ``crons`` crons, put
    with the queue manager in batches, one commit per batch."""
    from zcron import clock
    from zcron.components import queue_for
    from zcron.db import Session
    from zcron.model.timeutil import to_us
    from zcron.queue.base import MANUAL, Job
    setup()
    tmp, jobs, ncrons, batch = params["tmpdir"], params["jobs"], params["crons"], params["batch"]
    db = open_db(file_uri(tmp))
    uids = create_crons(db, ["0 0 1 1 *"] * ncrons)
    base = to_us(clock.now()) + 86_400 * 1_000_000      # due tomorrow: the worker idles
    session = Session(db)
    t0 = time.perf_counter()
    done = 0
    while done < jobs:
        session.tm.begin()
        queue = queue_for(session.root)
        for k in range(done, min(jobs, done + batch)):
            fire = base + k * 1000
            queue.put(Job(SITE, uids[k % ncrons], fire, fire, MANUAL))
        session.tm.commit()
        session.conn.cacheGC()
        done = min(jobs, done + batch)
    elapsed = time.perf_counter() - t0
    session.tm.begin()
    queued = len(queue_for(session.root))
    session.close()
    db.close()
    return {"jobs": jobs, "crons": ncrons, "queued": queued, "fill_s": elapsed,
            "fill_per_s": jobs / elapsed,
            "file_mb": os.path.getsize(os.path.join(tmp, "Data.fs")) / 1024 / 1024}


# -- 4. zeo2 -----------------------------------------------------------------------------------------

def zeo_populate(params):
    """N crons with one MANUAL job due now each, over ZEO."""
    setup()
    db = open_db(params["uri"])
    create_crons(db, ["0 0 1 1 *"] * params["n"])
    due = queue_run_now(db)
    db.close()
    return {"n": params["n"], "due": due.isoformat()}


def zeo_verify(params):
    setup()
    db = open_db(params["uri"])
    counts = count_logs(db)
    db.close()
    return counts
