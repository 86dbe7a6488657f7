"""Where a bench scenario's CPU goes: one of its zcron children run under
py-spy (every thread sampled), each sample given to the first stage of
STAGES its stack passes through, the shares printed as a table:

    .venv/bin/python bench/cpu_stages.py burst|lateness|add|batches|edit [--json PATH] [--raw PATH]

The children and their parameters are the full bench's (``run.py``), so
the shares explain its figures; the targets it misses say which stage
limits them. Samples of threads waiting (a lock, a sleep) are left out,
as are those of what the bench's clock leaves out (set-up, counting).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import million  # noqa: E402
from common import REPO_DIR, child_env, remove_tree  # noqa: E402
from run import SIZES  # noqa: E402

RATE = 250          # samples a second
# (stage, frames that put a sample in it): the first that matches wins, so
# a commit's pickling counts as pickling whoever commits.
STAGES = (
    ("commit: pickling the records", ("ObjectWriter", "PersistentPickler", "persistent_id")),
    ("commit: resolving conflicts", ("tryToResolveConflict",)),
    ("loading records (unpickling, FileStorage reads)", (
        "Connection.setstate", "ObjectReader", "loadBefore", "_read_data_header")),
    ("transactions: FileStorage writes, index, begin and end", (
        "ZODB/FileStorage/", "fsIndex", "Connection.tpc_", "Connection._commit",
        "Connection.newTransaction", "poll_invalidations", "transaction/_")),
    ("the runner called (a no-op)", ("run_runner",)),
    ("claiming jobs (dispatcher)", ("Claimer.",)),
    ("the job's policies, log and events", ("runner_call.py", "execution.py")),
    ("pacing: the clock, waits until due, lanes", ("clock.py", "wait_until_due", "pace.py",
                                                   "lane.py")),
    ("queueing next fire times", ("zcron/queue/", "zcron/sync.py", "zcron/schedule.py")),
    ("zcron model: crons, indexes, audit", ("zcron/model/", "zcron/audit/")),
    ("rest of zcron", ("zcron/",)),
)
WAITING = ("Condition.wait", "Event.wait", "Thread.join", "_wait_for_tstate_lock", "sleep",
           "select", "Queue.get", "SimpleQueue.get", "acquire")
# What the bench's clock leaves out: a child's set-up and its counting after.
SETUP = ("create_crons", "queue_run_now", "count_logs", "open_db", "setup (",
         "<listcomp> (zc_side.py")
FULL = SIZES["full"]
SCENARIOS = {       # name: [(task, params)...]; the last child is the one profiled
    "burst": [("zcron.burst", {"n": FULL["burst_n"],
                               "concurrency": max(FULL["burst_concurrency"])})],
    "lateness": [("zcron.lateness", {"crons": FULL["lateness_crons"],
                                     "warmup": FULL["lateness_warmup"],
                                     "duration": FULL["lateness_duration"], "jitter": 1,
                                     "concurrency": FULL["lateness_concurrency"]})],
    "add": [("zcron.scale_add", {"n": FULL["scale_n"]})],
    # the million scenario's batches, over a fifth of its crons
    "batches": [("zcron.million_add", {"sites": 1, "per_site": 200_000,
                                       "batch": million.BATCH})],
    "edit": [("zcron.scale_add", {"n": FULL["scale_n"]}),
             ("zcron.scale_edit", {"edits": million.EDITS})],
}


def stage_of(frames):
    for stage, marks in STAGES:
        if any(mark in frame for frame in frames for mark in marks):
            return stage
    return "outside zcron (interpreter, libraries)"


def shares(raw_path):
    """{stage: share of the busy samples}, and how many there were."""
    counts = Counter()
    with open(raw_path) as f:
        for line in f:
            stack, _, count = line.rstrip().rpartition(" ")
            frames = stack.split(";")
            if frames[-1].startswith(WAITING) or any(
                    mark in frame for frame in frames for mark in SETUP):
                continue
            counts[stage_of(frames)] += int(count)
    total = sum(counts.values())
    return {stage: n / total for stage, n in counts.most_common()}, total


def run(name, spy, keep_raw=None):
    d = tempfile.mkdtemp(prefix=f"profile-{name}-", dir=os.environ.get("ZCRON_BENCH_TMP"))
    try:
        children = SCENARIOS[name]
        for number, (task, params) in enumerate(children, 1):
            command = [sys.executable, os.path.join(REPO_DIR, "bench", "child.py"), task,
                       json.dumps(dict(params, tmpdir=d)), os.path.join(d, f"{number}.json")]
            if number == len(children):
                command = [spy, "record", "--rate", str(RATE), "--format", "raw", "--output",
                           os.path.join(d, "raw.txt"), "--gil", "--", *command]
            subprocess.run(command, check=True, env=child_env(), cwd=REPO_DIR,
                           stdout=subprocess.DEVNULL)
        with open(os.path.join(d, f"{len(children)}.json")) as f:
            result = json.load(f)
        found, samples = shares(os.path.join(d, "raw.txt"))
        if keep_raw:
            shutil.copyfile(os.path.join(d, "raw.txt"), keep_raw)
        return {"scenario": name, "task": children[-1][0], "samples": samples,
                "shares": found, "result": result}
    finally:
        remove_tree(d)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--json", help="also write the shares and the child's result here")
    parser.add_argument("--raw", help="keep py-spy's samples here (folded stacks, one a line)")
    args = parser.parse_args(argv)
    spy = os.path.join(os.path.dirname(sys.executable), "py-spy")
    found = run(args.scenario, spy, args.raw)
    print(f"{args.scenario} ({found['task']}): {found['samples']:,} busy samples at {RATE}/s")
    for stage, share in found["shares"].items():
        print(f"  {share * 100:5.1f} %  {stage}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(found, f, indent=1, default=str)


if __name__ == "__main__":
    main()
