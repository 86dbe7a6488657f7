"""The soak scenario: one worker on an embedded FileStorage running 1,000
per-second crons for ``--soak-minutes`` (default 30); every
``--soak-sample`` seconds (default 60) the runs/s, p50/p99 lateness, the
worker's RSS (from /proc) and the size of Data.fs; after a warm-up
(``--soak-warmup``, default the first 5 minutes: the connection caches and
the allocator's arenas fill by then) the RSS slope by least squares, in
MB/hour.

    .venv/bin/python bench/run.py --only soak [--soak-minutes 30] [--soak-sample 60] \
        [--soak-warmup 300]

Opt-in memory profiling of the worker child: ZCRON_SOAK_PROFILE=DIR, and
ZCRON_SOAK_CACHE=N for the connections' cache size (see soak_profile.py).

run.py runs ``scenario`` (the parent: prints a line per sample as it
comes, then the summary rows); the worker runs in a child,
``python bench/soak.py PARAMS_JSON``, which prints one JSON line per sample.
"""
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import REPO_DIR, child_env, make_tmpdir, percentile, remove_tree  # noqa: E402

SIZES = {"full": {"soak_minutes": 30.0, "soak_sample_s": 60.0, "soak_warmup_s": 300.0},
         "quick": {"soak_minutes": 1.0, "soak_sample_s": 10.0, "soak_warmup_s": 20.0}}
CRONS, JITTER, CONCURRENCY = 1_000, 1, 4
COLUMNS = ("t_s", "runs_per_s", "p50_ms", "p99_ms", "rss_mb", "rss_max_mb", "datafs_mb")
# Seconds between the RSS readings a sample averages: the worker empties
# its dispatcher's cache and trims the C heap now and then (every 10 s;
# once a minute before, a 5-7 MB sawtooth), so one reading a sample would
# see that sawtooth at a phase drifting from one sample to the next, and
# its slope could be the drift's.
RSS_EVERY = 5.0


# -- the parent (run.py) --------------------------------------------------------------

def add_options(parser):
    parser.add_argument("--soak-minutes", type=float, metavar="M",
                        help="how long the soak scenario runs (default 30; --quick 1)")
    parser.add_argument("--soak-sample", type=float, metavar="S",
                        help="the soak scenario's sample period in s (default 60; "
                             "--quick 10)")
    parser.add_argument("--soak-warmup", type=float, metavar="S",
                        help="seconds of the soak left out of its figures as warm-up "
                             "(default 300; --quick 20)")


def sized(size, mode, args):
    """``size`` with the soak's duration and sample period (the options win)."""
    size = dict(size, **SIZES[mode])
    if args.soak_minutes:
        size["soak_minutes"] = args.soak_minutes
    if args.soak_sample:
        size["soak_sample_s"] = args.soak_sample
    if args.soak_warmup is not None:
        size["soak_warmup_s"] = args.soak_warmup
    return size


def scenario(size, tmp, row, lateness_target):
    """Runs the soak; returns (rows made by ``row``, details)."""
    params = {"minutes": size["soak_minutes"], "sample_s": size["soak_sample_s"],
              "warmup_s": size["soak_warmup_s"],
              "crons": CRONS, "jitter": JITTER, "concurrency": CONCURRENCY}
    print(f"  zcron: {CRONS:,} per-second crons, one worker, FileStorage, "
          f"{params['minutes']:g} min, a sample every {params['sample_s']:g} s, "
          f"the first {params['warmup_s']:g} s as warm-up", flush=True)
    d = make_tmpdir(prefix="soak-", base=tmp)
    try:
        samples, error = run_soak(params, d)
    finally:
        remove_tree(d)
    summary = summarise(samples, params)
    details = {"params": params, "samples": samples, "summary": summary}
    if error:
        details["error"] = error
        print(f"  soak: FAILED {error}", flush=True)
    return rows(summary, row, lateness_target), details


def run_soak(params, directory):
    """The child's samples, printed as they come; (samples, error or None)."""
    command = [sys.executable, os.path.abspath(__file__), json.dumps(dict(
        params, tmpdir=directory))]
    with open(os.path.join(directory, "soak.stderr"), "w+") as err:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, text=True,
                                 cwd=REPO_DIR, env=child_env())
        timer = threading.Timer(params["minutes"] * 60 + 300, child.kill)
        timer.start()
        samples = []
        print("  " + "  ".join(f"{c:>10}" for c in COLUMNS), flush=True)
        for line in child.stdout:
            samples.append(json.loads(line))
            print("  " + "  ".join(f"{_cell(samples[-1][c]):>10}" for c in COLUMNS),
                  flush=True)
        code = child.wait()
        timer.cancel()
        err.seek(0)
        tail = err.read()[-1500:]
    return samples, (f"exit status {code}: {tail}" if code else None)


def _cell(value):
    return "-" if value is None else f"{value:.1f}" if isinstance(value, float) else str(value)


def slope_per_hour(points):
    """The least-squares slope of (seconds, value) points, per hour."""
    if len(points) < 2:
        return None
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if not spread:
        return None
    return 3600 * sum((t - mean_t) * (v - mean_v) for t, v in points) / spread


def summarise(samples, params):
    """Means and worst cases over the samples after warm-up, and the
    slopes of RSS and of Data.fs. RSS grows when the fitted line rises by
    more than 2 % of the mean RSS over the measured span."""
    steady = [s for s in samples if s["t_s"] > params["warmup_s"]]
    if not steady:
        return {"samples": len(samples)}
    rss = [(s["t_s"], s["rss_mb"]) for s in steady]
    rss_slope = slope_per_hour(rss)
    span_h = (steady[-1]["t_s"] - steady[0]["t_s"]) / 3600
    mean_rss = sum(v for _, v in rss) / len(rss)
    runs = sum(s["runs"] for s in steady)
    grown = steady[-1]["datafs_mb"] - steady[0]["datafs_mb"]
    return {
        "samples": len(samples), "warmup_s": params["warmup_s"],
        "warmup_samples": len(samples) - len(steady),
        "runs_per_s": sum(s["runs_per_s"] for s in steady) / len(steady),
        "p99_ms_worst": max((s["p99_ms"] for s in steady if s["p99_ms"] is not None),
                            default=None),
        "p50_ms_worst": max((s["p50_ms"] for s in steady if s["p50_ms"] is not None),
                            default=None),
        "rss_mb_first": steady[0]["rss_mb"], "rss_mb_last": steady[-1]["rss_mb"],
        "rss_mb_least": min(s.get("rss_min_mb", s["rss_mb"]) for s in steady),
        "rss_mb_most": max(s.get("rss_max_mb", s["rss_mb"]) for s in steady),
        "rss_slope_mb_per_h": rss_slope,
        "rss_grows": None if rss_slope is None else rss_slope * span_h > 0.02 * mean_rss,
        "datafs_mb_last": samples[-1]["datafs_mb"],
        "datafs_slope_mb_per_h": slope_per_hour([(s["t_s"], s["datafs_mb"]) for s in steady]),
        "datafs_bytes_per_run": grown * 1024 * 1024 / runs if runs else None,
        "minutes": params["minutes"],
    }


def rows(summary, row, lateness_target):
    """The soak's lines of run.py's table (``row`` is run.py's Row; the
    p99 lateness has the target of the lateness scenario)."""
    s = summary.get
    history = ("Data.fs grows by history only: the logs are bounded, each run's "
               "transaction adds records, and packing is the operator's job "
              "(zodbpack, or ZODB's DB.pack), not the worker's")
    return [
        row("soak", "runs/s after warm-up (mean of samples)", s("runs_per_s"), None,
            "runs/s"),
        row("soak", "p50 lateness, worst sample", s("p50_ms_worst"), None, "ms",
            better="lower"),
        row("soak", "p99 lateness, worst sample", s("p99_ms_worst"), None, "ms",
            better="lower", target=lateness_target),
        row("soak", "worker RSS after warm-up / at the end (sample means)",
            f"{_cell(s('rss_mb_first'))} / {_cell(s('rss_mb_last'))}", None, "MB"),
        row("soak", "worker RSS after warm-up, least / most of all readings",
            f"{_cell(s('rss_mb_least'))} / {_cell(s('rss_mb_most'))}", None, "MB",
            note=f"RSS is read every {RSS_EVERY:g} s; a sample's RSS is the mean of "
                 "its period's readings"),
        row("soak", "RSS slope after warm-up (least squares)", s("rss_slope_mb_per_h"),
            None, "MB/hour", better="lower"),
        row("soak", "RSS steady after warm-up", None if s("rss_grows") is None
            else not s("rss_grows"), None, "",
            note="yes when the fitted line rises by at most 2 % of the mean RSS "
                 "over the samples after warm-up"),
        row("soak", "Data.fs growth", s("datafs_slope_mb_per_h"), None, "MB/hour",
            better="lower", note=history),
        row("soak", "Data.fs growth per run", s("datafs_bytes_per_run"), None, "bytes",
            better="lower"),
    ]


# -- the child: the worker and its sampler ----------------------------------------------

def rss_from_proc():
    """This process's resident set size in MB, from /proc/self/status."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def take_runs(record):
    """The runs recorded since the last call, removed from ``record`` (so
    that the bench's own list does not grow over the soak)."""
    count = len(record)
    taken = record[:count]
    del record[:count]          # the runners only append: nothing taken is lost
    return taken


def sample(t, runs, offsets, period, rss, path, db):
    """A sample's figures: RSS as the mean, least and most of the readings
    taken over the period (see ``RSS_EVERY``), and each connection's
    objects in memory (the non-ghosts: a pool thread's connection fills as
    the thread runs crons)."""
    late = [1000 * (started - fire.timestamp() - offsets[uid]) for started, uid, fire in runs]
    return {"t_s": round(t, 1), "runs": len(runs), "runs_per_s": len(runs) / period,
            "p50_ms": percentile(late, 50), "p99_ms": percentile(late, 99),
            "rss_mb": sum(rss) / len(rss), "rss_min_mb": min(rss), "rss_max_mb": max(rss),
            "rss_readings_mb": rss,
            "datafs_mb": os.path.getsize(path) / (1024 * 1024),
            "cached": [conn["ngsize"] for conn in db.cacheDetailSize()]}


def rss_over(until):
    """RSS readings every ``RSS_EVERY`` seconds, the last at the monotonic
    time ``until``."""
    readings = []
    while (left := until - time.monotonic()) > RSS_EVERY:
        time.sleep(RSS_EVERY)
        readings.append(rss_from_proc())
    time.sleep(max(0.0, left))
    return readings + [rss_from_proc()]


def soak(params):
    """Run the worker; print a JSON line every ``sample_s`` seconds."""
    import zc_side
    from zcron.components import load_crontab
    from zcron.db import get_root
    from soak_profile import Profiler
    from zcron.worker import Worker
    zc_side.setup()
    uri = zc_side.file_uri(params["tmpdir"]) + (
        f"?connection_cache_size={os.environ['ZCRON_SOAK_CACHE']}"
        if os.environ.get("ZCRON_SOAK_CACHE") else "")
    db = zc_side.open_db(uri)
    uids = zc_side.create_crons(db, ["* * * * * *"] * params["crons"],
                                jitter=params["jitter"])
    with db.transaction() as conn:
        crontab = load_crontab(get_root(conn).sites[zc_side.SITE])
        offsets = {uid: crontab.get(uid).jitter_offset() for uid in uids}
    seconds, period = params["minutes"] * 60, params["sample_s"]
    profiler = Profiler.from_environ(db)
    worker = Worker(db, concurrency=params["concurrency"])
    thread = threading.Thread(target=worker.run, kwargs={"max_seconds": seconds + 2},
                              daemon=True)
    start = time.monotonic()
    thread.start()
    for n in range(1, int(seconds // period) + 1):
        rss = rss_over(start + n * period)
        line = sample(n * period, take_runs(zc_side.RECORD), offsets, period, rss,
                      uri[len("file://"):].partition("?")[0], db)
        print(json.dumps(line), flush=True)
        if profiler:
            profiler.maybe_take(n * period)
    worker.stop()
    thread.join(120)
    db.close()


if __name__ == "__main__":
    from common import quiet_logging
    quiet_logging()
    soak(json.loads(sys.argv[1]))
    sys.stdout.flush()
    os._exit(0)           # the worker's pool threads are not waited for
