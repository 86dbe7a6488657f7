"""The peers beside zcron and APScheduler: huey (SqliteHuey, its consumer
with 1 and 4 thread workers) and procrastinate (a throw-away PostgreSQL,
its worker with concurrency 1 and 4), on the scenarios they can do.

run.py's scenarios call ``Peers`` with their own zcron figure; each
method runs the peers' children and returns table rows, the peer's figure
in the APScheduler column and the metric naming the peer. A peer not
installed (or PostgreSQL's binaries missing) gives no rows, only a line.
"""
import contextlib
import importlib.util
import os

from common import make_tmpdir, remove_tree

WORKERS = (1, 4)
HOLD_S = 3.0          # seconds a consumer runs in the RSS measurement
AHEAD_S, SPREAD_S = 3.0, 5.0   # duplicates of scheduled tasks: due from 3 s to 8 s ahead
CAP_S = 300.0         # longest a burst or a duplicates round may take


def installed(module):
    return importlib.util.find_spec(module) is not None


class Peers:
    """The peers' side of each scenario; ``step`` and ``row`` are run.py's
    (a child run kept in details, a table row)."""

    def __init__(self, step, row, log):
        self.step, self.row, self.log = step, row, log

    def _huey(self):
        if installed("huey"):
            return True
        self.log("  huey not installed (pip install huey): its rows are skipped")
        return False

    @contextlib.contextmanager
    def _postgres(self, tmp, details):
        """A throw-away PostgreSQL server for procrastinate, or None."""
        if not (installed("procrastinate") and installed("psycopg")):
            self.log("  procrastinate not installed (pip install procrastinate): "
                     "its rows are skipped")
            yield None
            return
        d = make_tmpdir(prefix="pg-", base=tmp)
        params = {"tmpdir": d, "state": os.path.join(d, "state.json")}
        server = self.step("procrastinate: a throw-away PostgreSQL server",
                           "procrastinate.server", params, 120, d, details, "pg_server")
        try:
            yield dict(params, conninfo=server["conninfo"]) if server else None
        finally:
            if server:
                self.step("procrastinate: stop the server", "procrastinate.stop", params,
                          60, d, details, "pg_stop")
            remove_tree(d)

    # -- burst ---------------------------------------------------------------------

    def _bursts(self, side, n, tmp, details, fill_params):
        results = {}
        for w in WORKERS:
            fill = self.step(f"{side}: queue {n:,} tasks due now", f"{side}.fill",
                             dict(fill_params, n=n), 600, tmp, details, f"{side}_fill_w{w}")
            if fill:
                results[w] = self.step(
                    f"{side}: a fresh worker drains them, {w} worker(s)", f"{side}.burst",
                    dict(fill_params, n=n, workers=w, cap_s=CAP_S), CAP_S + 120, tmp,
                    details, f"{side}_w{w}") or {}
        return results

    def _burst_rows(self, label, results, zc):
        rows = []
        for w, r in sorted(results.items()):
            rows.append(self.row("burst", f"runs/s vs {label}, {w} worker(s)",
                                 zc.get("runs_per_s"), r.get("runs_per_s"), "runs/s"))
            rows.append(self.row("burst", f"dropped vs {label}, {w} worker(s)",
                                 zc.get("dropped"), r.get("dropped"), "runs",
                                 better="lower"))
        best = max((r.get("runs_per_s") or 0 for r in results.values()), default=0)
        if best and zc.get("runs_per_s"):
            rows.append(self.row("burst", f"zcron best / {label} best",
                                 zc["runs_per_s"] / best, None, "x",
                                 target=(">=", 2.0) if label.startswith("huey") else None))
        return rows

    def burst(self, size, tmp, details, zc):
        """``zc``: zcron's best burst result."""
        n, rows = size["burst_n"], []
        if self._huey():
            d = make_tmpdir(prefix="burst-huey-", base=tmp)
            huey = self._bursts("huey", n, d, details,
                                {"path": os.path.join(d, "burst.sqlite")})
            remove_tree(d)
            rows += self._burst_rows("huey (SQLite)", huey, zc)
            if rows:
                rows[0]["note"] = ("huey: consumer start to the n-th run, thread workers, "
                                   "SQLite defaults (WAL); its durable effect is the "
                                   "task's delete")
        with self._postgres(tmp, details) as pg:
            if pg:
                procr = self._bursts("procrastinate", n, pg["tmpdir"], details, pg)
                rows += self._burst_rows("procrastinate (PostgreSQL)", procr, zc)
        return rows

    # -- lateness ------------------------------------------------------------------

    def _lateness_rows(self, label, r, zc, note):
        return [
            self.row("lateness", f"p50 lateness vs {label}", zc.get("p50"), r.get("p50"),
                     "ms", better="lower", note=note),
            self.row("lateness", f"p99 lateness vs {label}", zc.get("p99"), r.get("p99"),
                     "ms", better="lower"),
            self.row("lateness", f"max lateness vs {label}", zc.get("max"), r.get("max"),
                     "ms", better="lower"),
            self.row("lateness", f"fire times in window not run vs {label}",
                     zc.get("missing_in_window"), r.get("missing_in_window"), "runs",
                     better="lower"),
        ]

    def lateness(self, params, timeout, tmp, details, zc):
        """``params``: the lateness scenario's; ``zc``: zcron's result."""
        rows, params = [], dict(params, workers=4)
        if self._huey():
            d = make_tmpdir(prefix="late-huey-", base=tmp)
            r = self.step(f"huey: {params['crons']} tasks/s spread over each second, "
                          "scheduled with eta", "huey.lateness", dict(params, tmpdir=d),
                          timeout + 60, d, details, "huey") or {}
            remove_tree(d)
            rows += self._lateness_rows(
                "huey (eta)", r, zc, "huey: its periodic_task is minute-granular, so "
                "tasks scheduled with eta, spread over each second; 4 thread workers; "
                "its scheduler looks at the schedule once a second")
        with self._postgres(tmp, details) as pg:
            if pg:
                r = self.step(f"procrastinate: {params['crons']} periodic tasks "
                              "'* * * * * *'", "procrastinate.lateness",
                              dict(params, **pg), timeout, pg["tmpdir"], details,
                              "procrastinate") or {}
                rows += self._lateness_rows(
                    "procrastinate (periodic)", r, zc, "procrastinate: @app.periodic with "
                    "a 6th cron field (seconds), all due at each whole second (no "
                    "jitter); concurrency 4")
        return rows

    # -- RSS with 100,000 schedules ------------------------------------------------

    def rss(self, size, tmp, details, zc):
        """``zc``: zcron's worker RSS result at ``scale_n`` crons."""
        n, rows = size["scale_n"], []
        ahead = 86_400
        if self._huey():
            d = make_tmpdir(prefix="rss-huey-", base=tmp)
            params = {"path": os.path.join(d, "rss.sqlite"), "n": n, "eta_s": ahead,
                      "workers": 4, "hold_s": HOLD_S}
            if self.step(f"huey: schedule {n:,} tasks tomorrow", "huey.fill", params, 900,
                         d, details, "huey_fill"):
                r = self.step("huey: a fresh consumer on them, RSS", "huey.rss", params,
                              300, d, details, "huey_rss") or {}
                rows.append(self.row("scale", f"worker peak RSS, {n:,} schedules vs huey",
                                     zc.get("peak_rss_mb"), r.get("peak_rss_mb"), "MB",
                                     better="lower", note="huey: its consumer (4 thread "
                                     "workers) on tasks scheduled with eta, for "
                                     f"{HOLD_S:.0f} s"))
            remove_tree(d)
        with self._postgres(tmp, details) as pg:
            if pg:
                params = dict(pg, n=n, ahead_s=ahead, workers=4, hold_s=HOLD_S)
                if self.step(f"procrastinate: defer {n:,} jobs scheduled tomorrow",
                             "procrastinate.fill", params, 900, pg["tmpdir"], details,
                             "procrastinate_fill"):
                    r = self.step("procrastinate: a fresh worker, RSS", "procrastinate.rss",
                                  params, 300, pg["tmpdir"], details,
                                  "procrastinate_rss") or {}
                    rows.append(self.row(
                        "scale", f"worker peak RSS, {n:,} schedules vs procrastinate",
                        zc.get("peak_rss_mb"), r.get("peak_rss_mb"), "MB", better="lower",
                        note="procrastinate: its worker (concurrency 4) with the jobs "
                             f"deferred with schedule_at, for {HOLD_S:.0f} s"))
        return rows

    # -- duplicates with two workers -----------------------------------------------

    def _duplicate_rows(self, label, r, zc_extra, note=None):
        runs = r.get("runs_per_consumer") or []
        total = sum(x for x in runs if x) or None
        return [
            self.row("zeo2", f"runs run twice, 2 workers vs {label}", zc_extra,
                     r.get("extra_runs"), "runs", better="lower", note=note,
                     target=("<=", 0) if zc_extra is not None else None),
            self.row("zeo2", f"not run, 2 workers: {label}", None, r.get("not_run"),
                     "runs", better="lower"),
            self.row("zeo2", f"smallest worker share: {label}", None,
                     100.0 * min(runs) / total if total and None not in runs else None,
                     "%"),
        ]

    def duplicates(self, size, tmp, details, zc_extra):
        """``zc_extra``: zcron's runner calls beyond one per job, 2 workers."""
        n, rows = size["zeo_n"], []
        params = {"n": n, "workers": 4, "cap_s": CAP_S}
        if self._huey():
            d = make_tmpdir(prefix="dup-huey-", base=tmp)
            r = self.step(f"huey: two consumer processes (4 threads each), {n:,} tasks "
                          "due now, one SQLite file", "huey.duplicates",
                          dict(params, tmpdir=d), CAP_S + 180, d, details, "huey") or {}
            remove_tree(d)
            rows += self._duplicate_rows(
                "huey (SQLite)", r, zc_extra, note="zcron column: runner calls beyond one "
                "per job (zeo2's two ZEO workers); peers: task numbers marked twice")
            d = make_tmpdir(prefix="dup-huey-eta-", base=tmp)
            r = self.step(f"huey: the same, {n:,} tasks scheduled with eta over "
                          f"{SPREAD_S:.0f} s", "huey.duplicates",
                          dict(params, tmpdir=d, eta_s=AHEAD_S, spread_s=SPREAD_S),
                          CAP_S + 180, d, details, "huey_eta") or {}
            remove_tree(d)
            rows += self._duplicate_rows("huey (eta)", r, None)
        with self._postgres(tmp, details) as pg:
            if pg:
                d = make_tmpdir(prefix="dup-", base=pg["tmpdir"])
                r = self.step(f"procrastinate: two worker processes (concurrency 4), "
                              f"{n:,} jobs due now", "procrastinate.duplicates",
                              dict(params, conninfo=pg["conninfo"], tmpdir=d),
                              CAP_S + 180, d, details, "procrastinate") or {}
                rows += self._duplicate_rows("procrastinate (PostgreSQL)", r, zc_extra)
                d = make_tmpdir(prefix="dup-periodic-", base=pg["tmpdir"])
                crons = size["lateness_crons"]
                r = self.step(f"procrastinate: two workers, each with the same {crons} "
                              "per-second periodic tasks, 5 s", "procrastinate."
                              "periodic_duplicates", dict(params, conninfo=pg["conninfo"],
                                                          tmpdir=d, crons=crons, seconds=5),
                              CAP_S, d, details, "procrastinate_periodic") or {}
                rows += self._duplicate_rows("procrastinate (periodic)", r, None)
        return rows
