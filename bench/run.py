"""zcron vs APScheduler 3.x, side by side, on this machine, in one run.

    .venv/bin/python bench/run.py [--quick] [--only burst,waits,lateness,scale,zeo2,...]
    .venv/bin/python bench/run.py --only soak [--soak-minutes 30] [--soak-sample 60]
    .venv/bin/python bench/run.py --only million [--million-crons 1000000]

Prints one table (absolute figures, zcron / APScheduler ratios, issue #3's
targets) and writes it with every raw figure to bench/results/latest.json.
bench/README.rst explains each scenario and how to read the results.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import (BENCH_DIR, REPO_DIR, ChildError,  # noqa: E402
                    make_tmpdir, remove_tree, run_child)
import million  # noqa: E402
import soak  # noqa: E402
import workers_side  # noqa: E402
from peers import Peers  # noqa: E402

SCENARIOS = ("burst", "waits", "lateness", "scale", "zeo2", "workers", "nextfire", "mixed",
             "isolation", "web", "soak", "million")
ON_REQUEST = ("soak", "million")      # half an hour or more: run only when named in --only
RUNS_NOW = 100       # runs made due for scale's restarting worker (its crons fire months away)

SIZES = {
    "full": {
        "burst_n": 10_000, "burst_concurrency": [1, 2, 4],
        "aps_burst_cap_s": 45.0,
        "waits_n": 1_000, "waits_s": 0.005, "waits_concurrency": [1, 4, 10],
        "aps_waits_cap_s": 30.0,
        "lateness_crons": 200, "lateness_warmup": 2.0, "lateness_duration": 10.0,
        "lateness_concurrency": 4, "lateness_burst_crons": 4_000,
        "scale_n": 100_000, "scale_edits": 50, "aps_sqlite_cap_s": 30.0,
        "queue_jobs": 1_000_000, "queue_crons": 1_000, "queue_batch": 50_000,
        "zeo_n": 5_000, "zeo_concurrency": 4,
        "workers_crons": 1_000, "workers_warmup": 3.0, "workers_duration": 10.0,
        "workers_burst_n": 5_000, "workers_concurrency": 4,
        "nextfire_afters": 5_000, "nextfire_number": 20_000, "nextfire_repeat": 7,
        "mixed_n": 100_000,
        "isolation_n": 1_000, "isolation_concurrency": 2,
        "web_n": 100_000,
    },
    "quick": {
        "burst_n": 300, "burst_concurrency": [1, 2, 4],
        "aps_burst_cap_s": 20.0,
        "waits_n": 100, "waits_s": 0.005, "waits_concurrency": [1, 4, 10],
        "aps_waits_cap_s": 10.0,
        "lateness_crons": 200, "lateness_warmup": 1.0, "lateness_duration": 2.0,
        "lateness_concurrency": 4, "lateness_burst_crons": 1_000,
        "scale_n": 3_000, "scale_edits": 20, "aps_sqlite_cap_s": 2.0,
        "queue_jobs": 10_000, "queue_crons": 100, "queue_batch": 5_000,
        "zeo_n": 200, "zeo_concurrency": 4,
        "workers_crons": 100, "workers_warmup": 2.0, "workers_duration": 3.0,
        "workers_burst_n": 300, "workers_concurrency": 4,
        "nextfire_afters": 500, "nextfire_number": 1_000, "nextfire_repeat": 3,
        "mixed_n": 3_000,
        "isolation_n": 200, "isolation_concurrency": 2,
        "web_n": 3_000,
    },
}

TARGETS = {
    "burst_rate": (">=", 2000), "burst_dropped": ("<=", 0),
    "lateness_p99": ("<=", 10.0),
    "add_rate": (">=", 10_000), "save_one": ("<=", 5.0),
    "rss_crons": ("<=", 200), "rss_queue": ("<=", 300),
    "fair_share": (">=", 40.0),
    "next_fire_us": ("<=", 10.0),
    "page_kb": ("<=", 300), "page_ms": ("<=", 150),
}


def cpu_yardstick():
    """CPU seconds of a fixed pure-Python loop, best of 3: on a shared
    virtual machine the same code can run 1.5x slower from one minute to
    the next; this says how fast the machine was when a scenario began."""
    best = None
    for _ in range(3):
        t = time.process_time()
        total = 0
        for i in range(1_000_000):
            total += i * 2
        spent = time.process_time() - t
        best = spent if best is None else min(best, spent)
    return round(best, 4)


def log(message):
    print(message, flush=True)


class Row(dict):
    """One line of the table (and of the JSON)."""

    def __init__(self, scenario, metric, zcron, aps=None, unit="", better="higher",
                 target=None, note=None):
        super().__init__(scenario=scenario, metric=metric, unit=unit, zcron=zcron,
                         apscheduler=aps, better=better, note=note)
        self["ratio"] = ratio(zcron, aps)
        if target is not None:
            op, value = target
            self["target"] = f"{op} {fmt(value)}"
            self["met"] = None if not isinstance(zcron, (int, float)) else (
                zcron >= value if op == ">=" else zcron <= value)
        else:
            self["target"] = None
            self["met"] = None


def ratio(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b:
        return a / b
    return None


def fmt(value):
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, str):
        return value
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()
                                  and abs(value) >= 100):
        return f"{int(value):,}"
    v = abs(value)
    if v >= 1000:
        return f"{value:,.0f}"
    if v >= 100:
        return f"{value:.0f}"
    if v >= 10:
        return f"{value:.1f}"
    if v >= 0.1 or v == 0:
        return f"{value:.2f}"
    return f"{value:.3g}"


def step(label, task, params, timeout, tmp, details, key):
    """Run one child task; keep its result under details[key] (or the
    error) and return it (None on error)."""
    log(f"  {label} ...")
    t = time.perf_counter()
    try:
        result = run_child(task, params, timeout, tmp)
    except ChildError as e:
        log(f"  {label}: FAILED {e}")
        details[key] = {"error": str(e)}
        return None
    details[key] = result
    log(f"  {label}: done in {time.perf_counter() - t:.1f} s")
    return result


def peers():
    """The peers beyond APScheduler (huey, procrastinate): see peers.py."""
    return Peers(step, Row, log)


def get(result, *path, default=None):
    for name in path:
        if not isinstance(result, dict) or name not in result:
            return default
        result = result[name]
    return result


# -- 1. burst --------------------------------------------------------------------------

def scenario_burst(size, tmp):
    n = size["burst_n"]
    details, rows = {}, []
    by_concurrency = {}
    for c in size["burst_concurrency"]:
        d = make_tmpdir(prefix="burst-", base=tmp)
        r = step(f"zcron: {n:,} runs due at once, FileStorage, concurrency={c}",
                 "zcron.burst", {"n": n, "concurrency": c, "tmpdir": d},
                 max(300, n / 20), d, details, f"zcron_c{c}")
        if r:
            by_concurrency[c] = r
        remove_tree(d)
    aps = {}
    cap = size["aps_burst_cap_s"]
    for label, grace in (("default", "default"), ("no_grace", None)):
        d = make_tmpdir(prefix="burst-aps-", base=tmp)
        what = "default settings" if grace == "default" else "misfire_grace_time=None"
        aps[label] = step(f"APScheduler: {n:,} DateTrigger jobs at one instant, SQLite, {what}",
                          "aps.burst", {"n": n, "tmpdir": d, "misfire_grace_time": grace,
                                        "cap_s": cap},
                          700, d, details, f"aps_{label}")
        remove_tree(d)

    best_c = max(by_concurrency, key=lambda c: by_concurrency[c]["runs_per_s"] or 0,
                 default=None)
    best = by_concurrency.get(best_c, {})
    aps_d, aps_n = aps.get("default") or {}, aps.get("no_grace") or {}
    rows.append(Row("burst", f"durable runs/s, best (concurrency={best_c})",
                    best.get("runs_per_s"), aps_d.get("runs_per_s"), "runs/s",
                    target=TARGETS["burst_rate"],
                    note="zcron: worker start to idle, every run's log committed "
                         "(counted after reopening the file); APScheduler: T0 to last "
                         "event, default settings"))
    rows.append(Row("burst", "runs dropped / missed (best)", best.get("dropped"),
                    aps_d.get("dropped"), "runs", better="lower",
                    target=TARGETS["burst_dropped"],
                    note=(f"APScheduler stopped after {cap:.0f} s; the "
                          f"{aps_d.get('not_reached'):,} jobs not handed to its executor "
                          "by then count as dropped (already past their 1 s grace)")
                    if aps_d and not aps_d.get("finished", True) else None))
    rows.append(Row("burst", "due jobs handled/s (run or dropped)", best.get("runs_per_s"),
                    aps_d.get("handled_per_s"), "jobs/s"))
    rows.append(Row("burst", "CPU per due job (best)", best.get("cpu_ms_per_run"),
                    aps_d.get("cpu_ms_per_job"), "ms", better="lower",
                    note="process CPU time (all threads) over the drain: unlike rates, "
                         "barely moved by other processes' load"))
    for c, r in sorted(by_concurrency.items()):
        rows.append(Row("burst", f"runs/s, concurrency={c}", r.get("runs_per_s"),
                        None, "runs/s", target=TARGETS["burst_rate"]))
        rows.append(Row("burst", f"dropped, concurrency={c}", r.get("dropped"), None,
                        "runs", better="lower", target=TARGETS["burst_dropped"]))
        rows.append(Row("burst", f"duplicate runner calls, concurrency={c}",
                        r.get("duplicate_invocations"), None, "calls", better="lower",
                        target=("<=", 0)))
    capped = aps_n and not aps_n.get("finished", True)
    rows.append(Row("burst", "runs/s vs APScheduler misfire_grace_time=None",
                    best.get("runs_per_s"), aps_n.get("runs_per_s"), "runs/s",
                    note=(f"APScheduler stopped after {cap:.0f} s with "
                          f"{aps_n.get('not_reached'):,} jobs not reached yet; rate over "
                          "those seconds") if capped else None))
    rows.append(Row("burst", "dropped vs APScheduler misfire_grace_time=None",
                    best.get("dropped"), aps_n.get("dropped"), "runs", better="lower"))
    rows += peers().burst(size, tmp, details, best)
    return rows, details


# -- 2. waits ------------------------------------------------------------------------------

def scenario_waits(size, tmp):
    """The burst again, with runners that wait (on I/O, as it were): the
    pool's threads should overlap their waits."""
    n, wait = size["waits_n"], size["waits_s"]
    ms = f"{wait * 1000:g} ms"
    details, by_concurrency = {}, {}
    for c in size["waits_concurrency"]:
        d = make_tmpdir(prefix="waits-", base=tmp)
        r = step(f"zcron: {n:,} runs due at once, each waiting {ms}, concurrency={c}",
                 "zcron.burst", {"n": n, "concurrency": c, "tmpdir": d, "wait_s": wait},
                 300, d, details, f"zcron_c{c}")
        if r:
            by_concurrency[c] = r
        remove_tree(d)
    d = make_tmpdir(prefix="waits-aps-", base=tmp)
    aps = step(f"APScheduler: {n:,} jobs at one instant, each waiting {ms}, SQLite, "
               "misfire_grace_time=None", "aps.burst",
               {"n": n, "tmpdir": d, "misfire_grace_time": None, "wait_s": wait,
                "cap_s": size["aps_waits_cap_s"]}, 300, d, details, "aps") or {}
    remove_tree(d)
    rows = []
    most = max(by_concurrency, default=None)
    for c, r in sorted(by_concurrency.items()):
        rows.append(Row("waits", f"durable runs/s, each waiting {ms}, concurrency={c}",
                        r.get("runs_per_s"), aps.get("runs_per_s") if c == most else None,
                        "runs/s", note="APScheduler: its default ThreadPoolExecutor(10)"
                        if c == most else None))
        rows.append(Row("waits", f"dropped, concurrency={c}", r.get("dropped"), None,
                        "runs", better="lower", target=("<=", 0)))
    least = min(by_concurrency, default=None)
    if most != least:
        rows.append(Row("waits", f"concurrency={most} / concurrency={least}",
                        ratio(by_concurrency[most].get("runs_per_s"),
                              by_concurrency[least].get("runs_per_s")), None, "x"))
    return rows, details


# -- 3. lateness --------------------------------------------------------------------------

def scenario_lateness(size, tmp):
    details = {}
    params = {"crons": size["lateness_crons"], "warmup": size["lateness_warmup"],
              "duration": size["lateness_duration"], "jitter": 1,
              "concurrency": size["lateness_concurrency"]}
    timeout = params["warmup"] + params["duration"] + 120
    d = make_tmpdir(prefix="late-", base=tmp)
    z = step(f"zcron: {params['crons']} per-second crons spread by jitter, "
             f"{params['duration']:.0f} s measured", "zcron.lateness",
             dict(params, tmpdir=d), timeout, d, details, "zcron") or {}
    remove_tree(d)
    d = make_tmpdir(prefix="late-aps-", base=tmp)
    a = step(f"APScheduler: {params['crons']} CronTrigger(second='*', jitter=1) jobs, "
             f"MemoryJobStore", "aps.lateness", dict(params, tmpdir=d), timeout, d,
             details, "aps") or {}
    remove_tree(d)
    rows = [
        Row("lateness", "runs/s in the window", z.get("rate_per_s"), a.get("rate_per_s"),
            "runs/s"),
        Row("lateness", "p50 lateness", z.get("p50"), a.get("p50"), "ms", better="lower"),
        Row("lateness", "p99 lateness", z.get("p99"), a.get("p99"), "ms", better="lower",
            target=TARGETS["lateness_p99"]),
        Row("lateness", "max lateness", z.get("max"), a.get("max"), "ms", better="lower"),
        Row("lateness", "fire times in window not run", z.get("missing_in_window"),
            get(a, "events", "missed"), "runs", better="lower",
            note="APScheduler: EVENT_JOB_MISSED + max_instances skips over the whole run"),
    ]
    if a and get(a, "events", "max_instances"):
        rows[-1]["apscheduler"] = get(a, "events", "missed", default=0) + \
            get(a, "events", "max_instances", default=0)
    rows += lateness_cost_rows(z)
    rows += peers().lateness(params, timeout, tmp, details, z)
    rows += lateness_burst(size, params, timeout, tmp, details)
    return rows, details


def lateness_cost_rows(z):
    """What a light load costs zcron: figures a busy machine disturbs less
    than the lateness (which waits for a core)."""
    na = "n/a"
    return [
        Row("lateness", "CPU per run", z.get("cpu_ms_per_run"), na, "ms", better="lower",
            note="process CPU (all threads) over the window / runs in it"),
        Row("lateness", "commits per run", z.get("commits_per_run"), na, "", better="lower",
            note="transactions committed in the window (runs' groups, claims) / runs"),
    ]


def lateness_burst(size, params, timeout, tmp, details):
    """Every cron due at each whole second: a burst a second, whose
    lateness the drain rate bounds."""
    n = size["lateness_burst_crons"]
    d = make_tmpdir(prefix="late-burst-", base=tmp)
    z = step(f"zcron: {n:,} per-second crons, all due at each whole second",
             "zcron.lateness", dict(params, crons=n, jitter=0, tmpdir=d),
             timeout + n / 50, d, details, "zcron_burst") or {}
    remove_tree(d)
    na = "n/a"
    label = f"{n:,} crons due each second"
    return [
        Row("lateness", f"p50 lateness, {label}", z.get("p50"), na, "ms", better="lower"),
        Row("lateness", f"p99 lateness, {label}", z.get("p99"), na, "ms", better="lower"),
        Row("lateness", f"drain rate, {label}", z.get("drain_runs_per_s"), na, "runs/s"),
        Row("lateness", f"crons / drain rate, {label}", z.get("drain_bound_ms"), na, "ms",
            better="lower", note="what bounds the lateness of a burst: its last run "
                                 "starts this long after the due time"),
        Row("lateness", f"fire times not run, {label}", z.get("missing_in_window"), na,
            "runs", better="lower"),
    ]


# -- 4. scale ------------------------------------------------------------------------------

def scenario_scale(size, tmp):
    n, edits = size["scale_n"], size["scale_edits"]
    details = {}
    d = make_tmpdir(prefix="scale-", base=tmp)
    add = step(f"zcron: add {n:,} crons in one transaction, save, commit",
               "zcron.scale_add", {"n": n, "tmpdir": d}, 600, d, details, "zcron_add") or {}
    edit = worker = {}
    if add:
        edit = step(f"zcron: edit + save_cron + commit one cron of {n:,}, x{edits}",
                    "zcron.scale_edit", {"tmpdir": d, "edits": edits}, 300, d, details,
                    "zcron_edit") or {}
        worker = step(f"zcron: worker process start (ServerRestart re-reading all {n:,} "
                      f"crons, {RUNS_NOW} runs due), until idle", "zcron.worker_rss",
                      {"tmpdir": d, "resync": True, "runs_now": RUNS_NOW},
                      600, d, details, "zcron_worker_rss") or {}
    remove_tree(d)
    d = make_tmpdir(prefix="floor-", base=tmp)
    floor = step(f"bare ZODB: {n:,} persistent records, one commit",
                 "zcron.zodb_floor", {"n": n, "tmpdir": d}, 600, d, details,
                 "zodb_floor") or {}
    remove_tree(d)

    jobs = size["queue_jobs"]
    d = make_tmpdir(prefix="queue-", base=tmp)
    fill = step(f"zcron: queue {jobs:,} future jobs ({size['queue_crons']:,} crons) "
                f"in batches of {size['queue_batch']:,}", "zcron.queue_fill",
                {"tmpdir": d, "jobs": jobs, "crons": size["queue_crons"],
                 "batch": size["queue_batch"]}, 900, d, details, "zcron_queue_fill") or {}
    qrss = {}
    if fill:
        qrss = step(f"zcron: worker process with {jobs:,} queued jobs, until idle",
                    "zcron.worker_rss", {"tmpdir": d}, 900, d, details,
                    "zcron_queue_rss") or {}
    remove_tree(d)

    d = make_tmpdir(prefix="scale-aps-", base=tmp)
    sq = step(f"APScheduler: add up to {n:,} jobs to SQLAlchemyJobStore (SQLite), "
              f"capped at {size['aps_sqlite_cap_s']:.0f} s", "aps.scale_sqlite",
              {"n": n, "tmpdir": d, "edits": edits, "cap_s": size["aps_sqlite_cap_s"]},
              600, d, details, "aps_sqlite") or {}
    sqrss = {}
    if sq:
        sqrss = step("APScheduler: fresh scheduler process on that SQLite store",
                     "aps.rss_sqlite", {"tmpdir": d}, 300, d, details,
                     "aps_sqlite_rss") or {}
    remove_tree(d)
    mem = step(f"APScheduler: add {n:,} jobs to MemoryJobStore, RSS", "aps.scale_memory",
               {"n": n, "edits": edits}, 600, tmp, details, "aps_memory") or {}

    rows = [
        Row("scale", f"bulk add {n:,}: add_cron only", add.get("add_per_s"),
            mem.get("add_per_s"), "crons/s",
            note="APScheduler column: MemoryJobStore add_job"),
        Row("scale", f"bulk add {n:,}: save() + commit only", add.get("save_commit_per_s"),
            None, "crons/s"),
        Row("scale", f"bulk add {n:,}: add + save + commit", add.get("total_per_s"),
            sq.get("add_per_s"), "crons/s", target=TARGETS["add_rate"],
            note="persisted; APScheduler column: SQLAlchemyJobStore add_job"
                 + (f" (first {sq.get('added'):,} jobs, time-capped)"
                    if sq.get("capped") else "")),
        Row("scale", f"bare ZODB, same machine: {n:,} records, one commit",
            floor.get("records_per_s"), None, "records/s",
            note="the ceiling for bulk add on FileStorage: a new cron is one record "
                 "(its log record comes with its first claim), before any index "
                 "or queue entry"),
        Row("scale", "save one cron, median", edit.get("p50"), get(sq, "edit", "p50"), "ms",
            better="lower", target=TARGETS["save_one"],
            note="zcron: edit + save_cron + commit; APScheduler: reschedule_job (SQLite)"),
        Row("scale", "save one cron, p90", edit.get("p90"), get(sq, "edit", "p90"), "ms",
            better="lower"),
        Row("scale", "records written per one-cron commit",
            edit.get("records_per_commit_median"), None, "records", better="lower"),
        Row("scale", f"worker peak RSS, {n:,} crons", worker.get("peak_rss_mb"),
            mem.get("peak_rss_mb"), "MB", better="lower", target=TARGETS["rss_crons"],
            note="APScheduler column: MemoryJobStore holding the jobs"),
        Row("scale", f"worker RSS at idle, {n:,} crons", worker.get("idle_rss_mb"),
            sqrss.get("rss_mb"), "MB", better="lower",
            note="APScheduler column: fresh scheduler on the SQLite store"),
        Row("scale", f"worker start to idle, {n:,} crons", worker.get("start_to_idle_s"),
            sqrss.get("start_s"), "s", better="lower"),
        Row("scale", f"worker start to first run, {n:,} crons re-read",
            worker.get("start_to_first_run_s"), None, "s", better="lower",
            note="a run due at start, while the restart re-reads every cron"),
        Row("scale", f"worker peak RSS, {jobs:,} queued jobs", qrss.get("peak_rss_mb"),
            "n/a", "MB", better="lower", target=TARGETS["rss_queue"]),
        Row("scale", f"worker start to idle, {jobs:,} queued jobs",
            qrss.get("start_to_idle_s"), "n/a", "s", better="lower"),
        Row("scale", "queue put rate (batched commits)", fill.get("fill_per_s"), None,
            "jobs/s"),
    ]
    rows += peers().rss(size, tmp, details, worker)
    return rows, details


# -- 5. zeo2 ----------------------------------------------------------------------------------

def zeo_round(workers, size, tmp, details, key):
    from zcron.testing import ZEOServer
    n, concurrency = size["zeo_n"], size["zeo_concurrency"]
    d = make_tmpdir(prefix=f"zeo{workers}-", base=tmp)
    server = ZEOServer(os.path.join(d, "zeo")).start()
    try:
        populated = step(f"zcron: ZEO: queue {n:,} no-op runs due now", "zcron.zeo_populate",
                         {"uri": server.uri, "n": n}, 300, d, details, f"{key}_populate")
        if not populated:
            return None
        log(f"  zcron: ZEO: {workers} worker process(es), concurrency={concurrency}, "
            "drain until idle ...")
        go, outs = workers_side.run_together(server.uri, workers, concurrency, 0, d)
        outs = [zeo_worker_figures(o) for o in outs]
        verify = step("zcron: ZEO: count the logs", "zcron.zeo_verify", {"uri": server.uri},
                      300, d, details, f"{key}_verify") or {}
        end = max(o["end"] for o in outs)
        ok = get(verify, "statuses", "OK", default=0)
        runs = [o["runs"] for o in outs]
        result = {
            "workers": outs, "go": go, "elapsed_s": end - go,
            "runs_per_s": ok / (end - go), "ok_logs": ok, "n": n,
            "drain_runs_per_s": ok / (end - min(o["first_run"] for o in outs
                                                if o.get("first_run")))
            if any(o.get("first_run") for o in outs) else None,
            "dropped": n - ok, "runner_calls": sum(runs),
            "claim_conflicts": sum(o["claim_conflicts"] for o in outs),
            "shares_pct": [100.0 * r / sum(runs) if sum(runs) else 0 for r in runs],
            "verify": verify,
        }
        details[key] = result
        log(f"  done: {result['runs_per_s']:.0f} runs/s, shares "
            + " / ".join(f"{s:.0f}%" for s in result["shares_pct"]))
        return result
    except (ChildError, subprocess.TimeoutExpired, ValueError, OSError) as e:
        log(f"  FAILED: {e}")
        details[key] = {"error": str(e)}
        return None
    finally:
        server.stop()
        remove_tree(d)


def zeo_worker_figures(out):
    """One worker's figures from its output (workers_side.py work)."""
    starts = [started for _, _, started in out["runs"]]
    return {"worker_id": out["worker_id"], "end": out["end"], "runs": len(starts),
            "claim_conflicts": out["claim_conflicts"], "cpu_s": out["cpu_s"],
            "first_run": min(starts, default=None), "last_run": max(starts, default=None)}


def first_runs(result):
    """Seconds from the start signal to each worker's first run, "a / b"."""
    times = [w["first_run"] - result["go"] for w in result.get("workers", [])
             if w.get("first_run")]
    if not times:
        return None
    return times[0] if len(times) == 1 else " / ".join(f"{t:.1f}" for t in times)


def scenario_zeo2(size, tmp):
    details = {}
    one = zeo_round(1, size, tmp, details, "one_worker") or {}
    two = zeo_round(2, size, tmp, details, "two_workers") or {}
    na = "n/a (no multi-process coordination)"
    shares = two.get("shares_pct") or []
    rows = [
        Row("zeo2", "runs/s, 1 worker process", one.get("runs_per_s"), na, "runs/s"),
        Row("zeo2", "runs/s, 2 worker processes", two.get("runs_per_s"), na, "runs/s",
            target=(">=", round(one["runs_per_s"], 1)) if one.get("runs_per_s") else None,
            note="target: not below 1 worker's figure"),
        Row("zeo2", "2 workers / 1 worker", ratio(two.get("runs_per_s"), one.get("runs_per_s")),
            na, "x", target=(">=", 1.0)),
        Row("zeo2", "start to first run, 1 worker", first_runs(one), na, "s",
            better="lower", note="a worker's start includes ServerRestartEvent over "
                                 "every cron, over the network"),
        Row("zeo2", "start to first run, 2 workers", first_runs(two), na, "s",
            better="lower"),
        Row("zeo2", "claim conflicts, 1 worker", one.get("claim_conflicts"), na, "",
            better="lower"),
        Row("zeo2", "claim conflicts, 2 workers", two.get("claim_conflicts"), na, "",
            better="lower"),
        Row("zeo2", "runs per worker, 2 workers",
            " / ".join(f"{o['runs']:,}" for o in two.get("workers", [])) or None, na, "runs"),
        Row("zeo2", "smallest worker share, 2 workers", min(shares) if shares else None, na,
            "%", target=TARGETS["fair_share"]),
        Row("zeo2", "dropped runs, 2 workers", two.get("dropped"), na, "runs",
            better="lower", target=("<=", 0)),
        Row("zeo2", "runner calls - logged runs, 2 workers",
            (two["runner_calls"] - two["ok_logs"]) if two else None, na, "calls",
            better="lower", target=("<=", 0)),
    ]
    rows += peers().duplicates(size, tmp, details,
                               (two["runner_calls"] - two["n"]) if two else None)
    return rows, details


# -- 6. nextfire (issue #11) ------------------------------------------------------------

def scenario_workers(size, tmp):
    """1, 2 and 4 worker processes over ZEO and PostgreSQL: see workers_side.py."""
    return workers_side.scenario(size, tmp, Row, log)


def scenario_nextfire(size, tmp):
    """µs per next fire time, every kind's example and two cron texts, with
    croniter and APScheduler beside them; one child for each side."""
    details = {}
    params = {"afters": size["nextfire_afters"], "number": size["nextfire_number"],
              "repeat": size["nextfire_repeat"]}
    zc = step("zcron: next_fire_time of every kind's example, Europe/Zurich",
              "kinds.nextfire", params, 600, tmp, details, "zcron") or {}
    peers = step("croniter get_next, APScheduler triggers: the same cases",
                 "kinds.peers", params, 600, tmp, details, "peers") or {}
    rows = []
    for label, case in get(zc, "cases", default={}).items():
        theirs = get(peers, "cases", label, default={})
        aps, cron = theirs.get("apscheduler") or {}, theirs.get("croniter") or {}
        rows.append(Row("nextfire", f"{label}, median", case["us"], aps.get("us"), "us",
                        better="lower", target=TARGETS["next_fire_us"],
                        note=f"APScheduler column: {aps['as']}" if aps else None))
        if cron:
            rows.append(Row("nextfire", f"{label}, vs croniter {cron['as']}", case["us"],
                            cron["us"], "us", better="lower",
                            note="peer column: croniter's get_next after set_current"))
    return rows, details


# -- 7. mixed (issue #11) -------------------------------------------------------------------

def scenario_mixed(size, tmp):
    """A bulk add of crons of every kind, beside scale's all-cron bulk add."""
    n, details = size["mixed_n"], {}
    for label, task, key in (
            (f"zcron: add {n:,} crons of mixed kinds in one transaction, save, commit",
             "kinds.mixed", "zcron_mixed"),
            (f"zcron: the same with {n:,} daily cron expressions (scale's bulk add)",
             "zcron.scale_add", "zcron_cron_only")):
        d = make_tmpdir(prefix="mixed-", base=tmp)
        step(label, task, {"n": n, "tmpdir": d}, 600, d, details, key)
        remove_tree(d)
    mixed, crons = details["zcron_mixed"], details["zcron_cron_only"]
    rows = [
        Row("mixed", f"bulk add {n:,} mixed kinds: add + save + commit",
            mixed.get("total_per_s"), None, "crons/s", target=TARGETS["add_rate"],
            note=f"cycling through every kind's example and 3 cron texts "
                 f"({mixed.get('distinct_texts')} distinct), Europe/Zurich"),
        Row("mixed", f"bulk add {n:,} cron expressions (scale): add + save + commit",
            crons.get("total_per_s"), None, "crons/s", target=TARGETS["add_rate"]),
        Row("mixed", "mixed kinds / cron expressions only",
            ratio(mixed.get("total_per_s"), crons.get("total_per_s")), None, "x"),
    ]
    return rows, details


def scenario_web(size, tmp):
    """The dashboard's pages over one site of N crons, timed in-process."""
    n, details = size["web_n"], {}
    d = make_tmpdir(prefix="web-", base=tmp)
    r = step(f"zcron: the dashboard's pages over {n:,} crons (median of 7)", "web.pages",
             {"n": n, "tmpdir": d}, 1800, d, details, "pages") or {}
    remove_tree(d)
    rows = []
    for key, page in (r.get("pages") or {}).items():
        rows.append(Row("web", f"{key} ({page['path']}): size", page["kb"], None, "KB",
                        better="lower", target=TARGETS["page_kb"]))
        rows.append(Row("web", f"{key}: server time", page["ms"], None, "ms",
                        better="lower", target=TARGETS["page_ms"]))
        rows.append(Row("web", f"{key}: server CPU time", page["cpu_ms"], None, "ms",
                        better="lower"))
    return rows, details


# -- output ------------------------------------------------------------------------------------

def scenario_isolation(size, tmp):
    """The burst of quick runs again, in threads and in child processes:
    what a run costs in each isolation."""
    n, c = size["isolation_n"], size["isolation_concurrency"]
    details, rows, per_run = {}, [], {}
    for isolation in ("thread", "process"):
        d = make_tmpdir(prefix=f"isolation-{isolation}-", base=tmp)
        r = step(f"zcron: {n:,} quick runs due at once, isolation={isolation}, "
                 f"concurrency={c}", "zcron.burst",
                 {"n": n, "concurrency": c, "tmpdir": d, "isolation": isolation},
                 max(300, n / 20), d, details, isolation) or {}
        remove_tree(d)
        ok = r.get("ok_logs")
        per_run[isolation] = 1000 * r["elapsed_s"] / ok if ok else None
        rows.append(Row("isolation", f"ms per run, isolation={isolation}",
                        per_run[isolation], None, "ms", better="lower"))
        rows.append(Row("isolation", f"CPU ms per run (worker + children), {isolation}",
                        1000 * (r["cpu_s"] + r["children_cpu_s"]) / ok if ok else None,
                        None, "ms", better="lower"))
        rows.append(Row("isolation", f"dropped, isolation={isolation}", r.get("dropped"),
                        None, "runs", better="lower", target=("<=", 0)))
    rows.append(Row("isolation", "process / thread, per run",
                    ratio(per_run["process"], per_run["thread"]), None, "x"))
    return rows, details


def scenario_soak(size, tmp):
    return soak.scenario(size, tmp, Row, TARGETS["lateness_p99"])


def scenario_million(size, tmp):
    return million.scenario(size, tmp, Row, step)


def print_table(rows):
    headers = ["scenario", "metric", "unit", "zcron", "APScheduler|peer", "zcron/peer",
               "target", "met"]
    lines = []
    for r in rows:
        met = r.get("met")
        lines.append([
            r["scenario"], r["metric"] + (" (lower=better)" if r["better"] == "lower"
                                          else ""),
            r["unit"], fmt(r["zcron"]),
            "n/a" if isinstance(r["apscheduler"], str) and r["apscheduler"].startswith("n/a")
            else fmt(r["apscheduler"]),
            "-" if r["ratio"] is None else f"{r['ratio']:.2f}x",
            r["target"] or "", "" if met is None else ("yes" if met else "NO"),
        ])
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h)
              for i, h in enumerate(headers)]
    right = {3, 4, 5}

    def render(cells):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    print(render(headers))
    print("  ".join("-" * w for w in widths))
    previous = None
    for line in lines:
        if previous is not None and line[0] != previous:
            print()
        previous = line[0]
        print(render(line))
    notes = [(r["scenario"], r["metric"], r["note"]) for r in rows if r.get("note")]
    na = {r["apscheduler"] for r in rows
          if isinstance(r["apscheduler"], str) and r["apscheduler"].startswith("n/a ")}
    if notes or na:
        print()
        for scenario, metric, note in notes:
            print(f"  {scenario} / {metric}: {note}")
        for text in sorted(na):
            print(f"  APScheduler n/a: {text[4:].strip('()')}")


def git_info():
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=REPO_DIR, capture_output=True,
                                  text=True, timeout=10).stdout.strip()
        except Exception:
            return ""
    return {"commit": git("rev-parse", "HEAD"),
            "dirty_files": len([l for l in git("status", "--porcelain").splitlines()
                                if l.strip()]),
            "src_fingerprint": src_fingerprint()}


def src_fingerprint():
    """A hash of zcron's source files as they are now (committed or not)."""
    import hashlib
    digest = hashlib.sha1()
    root = os.path.join(REPO_DIR, "src")
    for directory, dirs, files in sorted(os.walk(root)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.endswith(".egg-info"))
        for name in sorted(files):
            if name.endswith((".py", ".zcml")):
                path = os.path.join(directory, name)
                digest.update(os.path.relpath(path, root).encode())
                with open(path, "rb") as f:
                    digest.update(f.read())
    return digest.hexdigest()[:12]


def versions():
    from importlib.metadata import PackageNotFoundError, version
    out = {}
    for name in ("zcron", "APScheduler", "ZODB", "ZEO", "BTrees", "persistent",
                 "SQLAlchemy", "psutil", "huey", "procrastinate", "psycopg"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="small sizes: a smoke run in well under a minute")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="run only these scenarios (repeat, or comma-separate): "
                             + ", ".join(SCENARIOS))
    parser.add_argument("--json", default=os.path.join(BENCH_DIR, "results", "latest.json"),
                        help="where to write the results (default: %(default)s)")
    parser.add_argument("--keep-tmp", action="store_true",
                        help="keep the temporary directory (databases, children's stderr)")
    soak.add_options(parser)
    million.add_options(parser)
    args = parser.parse_args(argv)
    only = [name.strip() for value in args.only for name in value.split(",") if name.strip()]
    unknown = [name for name in only if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from "
                     + ", ".join(SCENARIOS))
    selected = [name for name in SCENARIOS
                if name in only or (not only and name not in ON_REQUEST)]
    mode = "quick" if args.quick else "full"
    size = million.sized(soak.sized(SIZES[mode], mode, args), mode, args)

    tmp = make_tmpdir()
    started = time.perf_counter()
    meta = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "mode": mode, "scenarios": selected, "sizes": size,
        "command": " ".join([os.path.relpath(sys.executable, REPO_DIR), "bench/run.py",
                             *(argv if argv is not None else sys.argv[1:])]),
        "python": sys.version.split()[0], "platform": platform.platform(),
        "cpus": os.cpu_count(), "git": git_info(), "versions": versions(),
        "targets": {k: f"{op} {v}" for k, (op, v) in TARGETS.items()},
    }
    log(f"zcron bench ({mode}): {', '.join(selected)}; python {meta['python']}, "
        f"{meta['cpus']} CPUs, APScheduler {meta['versions']['APScheduler']}, "
        f"ZODB {meta['versions']['ZODB']}")
    rows, details, durations, loads, speeds = [], {}, {}, {}, {}
    if os.getloadavg()[0] > (os.cpu_count() or 1):
        log(f"note: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: "
            "other processes compete; figures will be noisy")
    try:
        for name in selected:
            log(f"[{name}]")
            loads[name] = os.getloadavg()[0]
            speeds[name] = cpu_yardstick()
            t = time.perf_counter()
            scenario_rows, scenario_details = globals()[f"scenario_{name}"](size, tmp)
            durations[name] = time.perf_counter() - t
            rows.extend(scenario_rows)
            details[name] = scenario_details
            log(f"[{name}] {durations[name]:.0f} s")
    finally:
        if args.keep_tmp:
            log(f"temporary files kept in {tmp}")
        else:
            remove_tree(tmp)
    meta["git_at_end"] = git_info()
    if any(meta["git_at_end"][k] != meta["git"][k] for k in ("commit", "src_fingerprint")):
        log("note: zcron's source changed during the run (a commit, or files under "
            "src/): scenarios may have measured different code")
    meta["durations_s"] = durations
    meta["load_average_at_start_of"] = loads
    meta["cpu_yardstick_s_at_start_of"] = speeds
    meta["total_s"] = time.perf_counter() - started

    print()
    print_table(rows)
    print()
    missed = [r for r in rows if r.get("met") is False]
    unknown = [r for r in rows if r.get("target") and r.get("met") is None]
    if mode == "quick":
        print("quick run: sizes are too small for the targets to mean much; "
              "this checks that everything runs")
    print(f"total {meta['total_s']:.0f} s; targets missed: {len(missed)}"
          + (f"; targets not measured: {len(unknown)}" if unknown else ""))
    for r in missed:
        print(f"  MISSED {r['scenario']} / {r['metric']}: {fmt(r['zcron'])} {r['unit']}"
              f" (target {r['target']})")

    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"meta": meta, "rows": rows, "details": details}, f, indent=1,
                  sort_keys=False, default=str)
    print(f"results written to {os.path.relpath(args.json, os.getcwd())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
