"""The million scenario: a million crons in one database, laid out as one
site of 1,000,000 and as 100 sites of 10,000: the bulk add rate, saving
one cron, a worker's RSS (a full re-read of every site, then a normal
start) and the command line (``zcron list``'s first line and its whole
table, read from its stdout as it comes; ``zcron show``), each command a
process of its own, its interpreter's start included.

    .venv/bin/python bench/run.py --only million                       # minutes
    .venv/bin/python bench/run.py --only million --million-crons 10000  # smoke

Run only when named (``make bench`` leaves it out). run.py runs
``scenario`` (the parent); the database work runs in children (zc_side's
``million_add``, ``scale_edit``, ``worker_rss``).
"""
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import REPO_DIR, child_env, make_tmpdir, remove_tree  # noqa: E402

SITES = (1, 100)           # the layouts: one site, and 100 sites
BATCH = 10_000             # crons a bulk add's transaction holds
EDITS = 200                # saves of random crons: the second half's inner nodes are cached
SIZES = {"full": 1_000_000, "quick": 10_000}
SITE = "bench"             # zc_side's first site
TIMEOUT = 7200.0


def add_options(parser):
    parser.add_argument("--million-crons", type=int, metavar="N",
                        help="crons of the million scenario (default 1,000,000; --quick 10,000)")


def sized(size, mode, args):
    return dict(size, million_n=args.million_crons or SIZES[mode])


def scenario(size, tmp, row, step):
    """Both layouts; returns (rows made by ``row``, details). ``step`` is
    run.py's: a child task, its result kept in the details."""
    n, rows, details = size["million_n"], [], {}
    for sites in SITES:
        d = make_tmpdir(prefix="million-", base=tmp)
        try:
            found = measure(n, sites, d, step, details.setdefault(f"sites_{sites}", {}))
        finally:
            remove_tree(d)
        rows += layout_rows(f"{n:,} crons, {sites} site{'s' * (sites > 1)}", found, row)
    return rows, details


def measure(n, sites, directory, step, details):
    add = step(f"zcron: {n:,} crons in {sites} site(s), added and saved "
               f"{BATCH:,} a commit", "zcron.million_add",
               {"tmpdir": directory, "sites": sites, "per_site": n // sites, "batch": BATCH},
               TIMEOUT, directory, details, "add")
    if not add:
        return {}
    found = {"add": add}
    found["edit"] = step(f"zcron: edit + save_cron + commit one cron, x{EDITS}",
                         "zcron.scale_edit", {"tmpdir": directory, "edits": EDITS},
                         TIMEOUT, directory, details, "edit") or {}
    found["resync"] = step("zcron: worker start re-reading every site, until idle",
                           "zcron.worker_rss", {"tmpdir": directory, "resync": True},
                           TIMEOUT, directory, details, "worker_resync") or {}
    found["worker"] = step("zcron: worker start, nothing to re-read, until idle",
                           "zcron.worker_rss", {"tmpdir": directory}, TIMEOUT, directory,
                           details, "worker") or {}
    found["start"] = details["start"] = command_times(directory, ["--version"])
    found["list"] = details["list"] = command_times(directory, ["list", "--site", SITE])
    uid = first_uid(directory)
    found["show"] = details["show"] = command_times(directory, ["show", uid, "--site", SITE])
    return found


def first_uid(directory):
    import json
    with open(os.path.join(directory, "uids.json")) as f:
        uids = json.load(f)
    return uids[len(uids) // 2]


def command_times(directory, args):
    """A ``zcron`` command's seconds to its first line and to its end,
    read from its stdout as it comes, and its lines."""
    env = dict(child_env(), ZCRON_DB="file://" + os.path.join(directory, "Data.fs"))
    # as installed: the modules' bytecode cached (written by the first
    # command, --version), not compiled again at every start
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-c", "from zcron.cli import main; main()", *args]
    print(f"  zcron {' '.join(args)} ...", flush=True)
    t0, cpu0 = time.perf_counter(), children_cpu()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          cwd=REPO_DIR, env=env, text=True) as child:
        child.stdout.readline()
        first = time.perf_counter() - t0
        lines = 1 + sum(1 for _ in child.stdout)
        error = child.stderr.read()
        code = child.wait()
    total, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    print(f"  zcron {args[0]}: first line {first:.2f} s, all {lines:,} lines {total:.2f} s "
          f"(CPU {cpu:.2f} s)", flush=True)
    return {"first_line_s": first, "total_s": total, "cpu_s": cpu, "lines": lines,
            "exit": code, "stderr": error[-2000:]}


def children_cpu():
    """CPU seconds of the ended child processes: on a busy machine, less
    disturbed than wall time."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def layout_rows(label, found, row):
    add, edit = found.get("add", {}), found.get("edit", {})
    resync, worker = found.get("resync", {}), found.get("worker", {})
    listing, show = found.get("list", {}), found.get("show", {})
    start = found.get("start", {})
    return [
        row("million", f"{label}: bulk add, {BATCH:,} a commit", add.get("add_per_s"), None,
            "crons/s", target=(">=", 15_000)),
        row("million", f"{label}: bulk add, crons per CPU second",
            add.get("add_per_cpu_s"), None, "crons/s"),
        row("million", f"{label}: save one cron, median", edit.get("p50"), None, "ms",
            better="lower", target=("<=", 5.0)),
        row("million", f"{label}: save one cron, median of the second {EDITS // 2}",
            edit.get("warm_p50"), None, "ms", better="lower", target=("<=", 5.0)),
        row("million", f"{label}: save one cron, median CPU", edit.get("cpu_p50"), None,
            "ms", better="lower"),
        row("million", f"{label}: worker peak RSS, full re-read", resync.get("peak_rss_mb"),
            None, "MB", better="lower", target=("<=", 300.0)),
        row("million", f"{label}: worker RSS at idle, after the re-read",
            resync.get("idle_rss_mb"), None, "MB", better="lower"),
        row("million", f"{label}: full re-read, start to done",
            resync.get("start_to_resynced_s"), None, "s", better="lower"),
        row("million", f"{label}: first run during the re-read",
            resync.get("start_to_first_run_s"), None, "s", better="lower",
            target=("<=", 1.0)),
        row("million", f"{label}: worker peak RSS, normal start", worker.get("peak_rss_mb"),
            None, "MB", better="lower", target=("<=", 300.0)),
        row("million", f"{label}: zcron --version (the interpreter's start, imports)",
            start.get("total_s"), None, "s", better="lower"),
        row("million", f"{label}: zcron list, first line", listing.get("first_line_s"),
            None, "s", better="lower", target=("<=", 1.0)),
        row("million", f"{label}: zcron list, whole table", listing.get("total_s"), None,
            "s", better="lower"),
        row("million", f"{label}: zcron list, whole table, CPU", listing.get("cpu_s"),
            None, "s", better="lower"),
        row("million", f"{label}: zcron show", show.get("total_s"), None, "s",
            better="lower", target=("<=", 0.5)),
        row("million", f"{label}: zcron show, CPU", show.get("cpu_s"), None, "s",
            better="lower"),
    ]
