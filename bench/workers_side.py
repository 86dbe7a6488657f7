"""The ``workers`` scenario: 1, 2 and 4 zcron worker processes over a ZEO
server and over PostgreSQL (RelStorage), under a steady per-second load and
under a burst: total runs/s, each worker's share, fire times run twice, and
the CPU seconds the server and the workers took (all on the same cores).

The parent (bench/run.py) calls ``scenario``; the processes it starts run

    python bench/workers_side.py populate URI steady|burst N
    python bench/workers_side.py work URI CONCURRENCY SECONDS   (0: until idle)

``work`` opens the database, prints "ready", waits for a line on stdin (the
start signal, given to every worker at once), runs, and prints one JSON
line: its CPU seconds and every run it started (cron uid, fire time, start).
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import (BENCH_DIR, REPO_DIR, ChildError, child_env,  # noqa: E402
                    make_tmpdir, quiet_logging, remove_tree, stderr_tail)

COUNTS = (1, 2, 4)
SCRIPT = os.path.join(BENCH_DIR, "workers_side.py")
TICK = os.sysconf("SC_CLK_TCK")


# -- in the processes ----------------------------------------------------------------

def populate(uri, load, n):
    """``steady``: n per-second crons spread over the second (jitter 1);
    ``burst``: n yearly crons, each with a run due now."""
    import zc_side
    zc_side.setup()
    db = zc_side.open_db(uri)
    if load == "steady":
        zc_side.create_crons(db, ["* * * * * *"] * n, jitter=1)
    else:
        zc_side.create_crons(db, ["0 0 1 1 *"] * n)
        zc_side.queue_run_now(db)
    db.close()


def work(uri, concurrency, seconds):
    import zc_side
    from zcron.worker import Worker
    zc_side.setup()
    db = zc_side.open_db(uri)
    worker = Worker(db, concurrency=concurrency)
    print("ready", flush=True)
    sys.stdin.readline()
    cpu = time.process_time()
    if seconds:
        stats = worker.run(max_seconds=seconds)
    else:
        stats = worker.run(until_idle=True)
    cpu, end = time.process_time() - cpu, time.time()
    db.close()
    runs = [[uid, fire.timestamp(), started] for started, uid, fire in zc_side.RECORD]
    print(json.dumps({"worker_id": worker.id, "cpu_s": cpu, "end": end, "runs": runs,
                      "claim_conflicts": stats.claim_conflicts,
                      "by_status": dict(stats.by_status)}), flush=True)


# -- in the parent ---------------------------------------------------------------------

def _command(*args):
    return [sys.executable, SCRIPT] + [str(a) for a in args]


def _populate(uri, load, n):
    done = subprocess.run(_command("populate", uri, load, n), cwd=REPO_DIR, env=child_env(),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=max(300, n / 20))
    if done.returncode:
        raise ChildError(f"populate {load}: {done.stderr[-1000:]}")


def run_together(uri, count, concurrency, seconds, d):
    """``count`` worker processes (``work``), given the start signal at one
    instant once all are ready; returns (that instant, their outputs)."""
    procs = []
    try:
        for i in range(count):
            with open(os.path.join(d, f"worker{i}.stderr"), "w") as err:
                procs.append(subprocess.Popen(
                    _command("work", uri, concurrency, seconds), stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE, stderr=err, text=True, cwd=REPO_DIR,
                    env=child_env()))
        for p in procs:
            if p.stdout.readline().strip() != "ready":
                raise ChildError("a worker did not start")
        go = time.time()
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        outs = []
        for i, p in enumerate(procs):
            out, _ = p.communicate(timeout=max(300, 3 * seconds))
            if p.returncode:
                raise ChildError(f"a worker exited with status {p.returncode}"
                                 + stderr_tail(os.path.join(d, f"worker{i}.stderr"), 200))
            outs.append(json.loads(out.strip().splitlines()[-1]))
        return go, outs
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def _figures(outs, runs, seconds):
    """Total runs/s over ``seconds``, each worker's share of ``runs`` (a
    list per worker), fire times run more than once, CPU seconds."""
    counted = [len(r) for r in runs]
    every = [(uid, fire) for out in outs for uid, fire, _ in out["runs"]]
    return {
        "runs_per_s": sum(counted) / seconds if seconds > 0 else None,
        "runs": counted,
        "shares_pct": _pct(counted),
        "duplicates": len(every) - len(set(every)),
        "workers_cpu_s": [out["cpu_s"] for out in outs],
        "claim_conflicts": [out["claim_conflicts"] for out in outs],
    }


def _pct(counts):
    return [100.0 * c / sum(counts) if sum(counts) else 0 for c in counts]


def steady_round(uri, count, size, d):
    """Per-second crons: the runs whose fire time falls in the window after
    the warm-up, as runs/s and shares; and the shares of the runs started
    in it, whatever their fire time (workers behind run earlier ones)."""
    warmup, duration = size["workers_warmup"], size["workers_duration"]
    _populate(uri, "steady", size["workers_crons"])
    go, outs = run_together(uri, count, size["workers_concurrency"], warmup + duration + 1, d)
    window = (go + warmup, go + warmup + duration)
    runs = [[r for r in out["runs"] if window[0] <= r[1] < window[1]] for out in outs]
    result = _figures(outs, runs, duration)
    started = [sum(window[0] <= r[2] < window[1] for r in out["runs"]) for out in outs]
    result["started_per_s"] = sum(started) / duration
    result["started_shares_pct"] = _pct(started)
    return result


def burst_round(uri, count, size, d):
    """A run due now on each of n crons, drained until idle: runs/s from the
    start signal to the last run's start."""
    n = size["workers_burst_n"]
    _populate(uri, "burst", n)
    go, outs = run_together(uri, count, size["workers_concurrency"], 0, d)
    starts = [started for out in outs for _, _, started in out["runs"]]
    result = _figures(outs, [out["runs"] for out in outs], max(starts, default=go) - go)
    result["dropped"] = n - len({(uid, fire) for out in outs for uid, fire, _ in out["runs"]})
    return result


def _cpu_of(pids):
    """CPU seconds of processes (with their ended children's), from /proc."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])     # utime stime cutime cstime
    return total / TICK


def _postgres_pids(pg):
    """The cluster's postmaster and its live children (backends come and go:
    an ended one's time is in the postmaster's cutime)."""
    with open(os.path.join(pg.data, "postmaster.pid")) as f:
        master = int(f.readline())
    children = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == master:
                        children.append(int(name))
            except OSError:
                continue
    return [master] + children


class Backends:
    """A fresh database per round: a ZEO server of its own each time, or a
    new database in one PostgreSQL cluster."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.pg = None
        self.rounds = 0

    def zeo(self, run):
        from zcron.testing import ZEOServer
        d = make_tmpdir(prefix="workers-zeo-", base=self.tmp)
        server = ZEOServer(os.path.join(d, "zeo")).start()
        try:
            return self._measured(run, server.uri, lambda: [server.process.pid], d)
        finally:
            server.stop()
            remove_tree(d)

    def postgres(self, run):
        from zcron.testing import PostgreSQLServer
        if self.pg is None:
            self.pg = PostgreSQLServer(dbname="zcron").start()
        self.rounds += 1
        d = make_tmpdir(prefix="workers-pg-", base=self.tmp)
        try:
            uri = self.pg.create_database(f"round{self.rounds}")
            return self._measured(run, uri, lambda: _postgres_pids(self.pg), d)
        finally:
            remove_tree(d)

    @staticmethod
    def _measured(run, uri, pids, d):
        before = _cpu_of(pids())
        result = run(uri, d)
        result["server_cpu_s"] = _cpu_of(pids()) - before
        return result

    def close(self):
        if self.pg is not None:
            self.pg.stop()


def scenario(size, tmp, Row, log):
    details, rows, backends = {}, [], Backends(tmp)
    try:
        for name, label in (("zeo", "ZEO"), ("postgres", "PostgreSQL")):
            for load, run_round in (("steady", steady_round), ("burst", burst_round)):
                results = _rounds(backends, name, label, load, run_round, size, log, details)
                rows += _rows(label, load, results, Row)
    finally:
        backends.close()
    rows.append(Row("workers", "where the 2 cores go (see the note)", None, None, "",
                    note=CORES_NOTE))
    return rows, details


CORES_NOTE = ("2 cores for the server and every worker: each claim and each group "
              "of runs is a round trip and a commit the server serialises (ZEO: one "
              "Python process, its GIL; PostgreSQL: a backend per connection), so past "
              "2 workers more processes share the same cores and add conflicts")


def _rounds(backends, name, label, load, run_round, size, log, details):
    results = {}
    for count in COUNTS:
        key = f"{name}_{load}_{count}"
        log(f"  zcron: {label}, {load}, {count} worker process(es) ...")
        try:
            results[count] = getattr(backends, name)(
                lambda uri, d, count=count: run_round(uri, count, size, d))
        except (ChildError, RuntimeError, subprocess.TimeoutExpired, ValueError,
                OSError) as e:
            log(f"  FAILED: {e}")
            details[key] = {"error": str(e)}
            continue
        details[key] = results[count]
        r = results[count]
        log(f"  done: {r['runs_per_s']:.0f} runs/s, shares "
            + " / ".join(f"{s:.0f}%" for s in r["shares_pct"])
            + (" (of runs started: " + " / ".join(f"{s:.0f}%" for s in
                                                 r["started_shares_pct"]) + ")"
               if "started_shares_pct" in r else "")
            + f", twice {r['duplicates']}, conflicts {sum(r['claim_conflicts'])}, "
            + f"CPU s server {r['server_cpu_s']:.1f} workers "
            + " + ".join(f"{c:.1f}" for c in r["workers_cpu_s"]))
    return results


def _rows(label, load, results, Row):
    rows, previous = [], None
    for count in COUNTS:
        r = results.get(count, {})
        what = f"{label}, {load}, {count} worker(s)"
        rate = r.get("runs_per_s")
        rows += [
            Row("workers", f"runs/s, {what}", rate, None, "runs/s",
                target=(">=", round(previous, 1)) if previous else None,
                note="target: not below the step before" if previous else None),
            Row("workers", f"shares, {what}",
                " / ".join(f"{s:.0f}%" for s in r.get("shares_pct", [])) or None, None, "%"),
            *([Row("workers", f"shares of the runs started in the window, {what}",
                   " / ".join(f"{s:.0f}%" for s in r.get("started_shares_pct", [])) or None,
                   None, "%", note="steady load: of the runs started in the window, "
                                   "whatever their fire time")] if load == "steady" else []),
            Row("workers", f"fire times run twice, {what}", r.get("duplicates"), None,
                "runs", better="lower", target=("<=", 0)),
            Row("workers", f"CPU s server / workers, {what}", _cpu_text(r), None, "s"),
            Row("workers", f"server's share of the CPU, {what}", _server_share(r), None, "%"),
        ]
        if load == "burst":
            rows.append(Row("workers", f"dropped, {what}", r.get("dropped"), None, "runs",
                            better="lower", target=("<=", 0)))
        previous = rate or previous
    return rows


def _server_share(r):
    if "server_cpu_s" not in r:
        return None
    total = r["server_cpu_s"] + sum(r["workers_cpu_s"])
    return 100.0 * r["server_cpu_s"] / total if total else None


def _cpu_text(r):
    if "server_cpu_s" not in r:
        return None
    return f"{r['server_cpu_s']:.1f} / " + " + ".join(f"{c:.1f}" for c in r["workers_cpu_s"])


if __name__ == "__main__":
    quiet_logging()
    if sys.argv[1] == "populate":
        populate(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        work(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
