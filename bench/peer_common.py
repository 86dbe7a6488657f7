"""What the peers' sides (huey_side, procrastinate_side) share in their
child processes: the tasks' recorder, the per-second schedule and its
lateness, and the two-consumer runs that count duplicates."""
import collections
import json
import os
import subprocess
import threading
import time

from common import REPO_DIR, child_command, child_env, summary_ms


class Recorder:
    """What the peers' tasks record in this process: runs (``done`` is set
    at the ``expected``-th), (due, start) pairs, and marks appended to a
    file shared by the processes of one measurement."""

    def __init__(self):
        self.lock = threading.Lock()
        self.runs = 0
        self.expected = 0
        self.done = threading.Event()
        self.done_at = None
        self.started = []
        self._marks = None

    def expect(self, n):
        self.expected = n

    def _ran(self):
        with self.lock:
            self.runs += 1
            if self.expected and self.runs >= self.expected and not self.done.is_set():
                self.done_at = time.time()
                self.done.set()

    def count(self, i):
        self._ran()

    def lateness(self, due):
        self.started.append((due, time.time()))
        self._ran()

    def mark(self, i):
        os.write(self._marks, f"{i}\n".encode())   # O_APPEND: whole lines
        self._ran()

    def open_marks(self, path):
        self._marks = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)


def due_times(per_second, start, seconds):
    """``per_second`` due times in each of ``seconds`` seconds from
    ``start``, evenly spread over each second (as zcron's jitter)."""
    return [start + s + i / per_second for s in range(seconds) for i in range(per_second)]


def window_lateness(started, schedule, window):
    """Lateness (start - due, seconds) of the runs due in ``window``, and
    how many due there were not run."""
    late = [began - due for due, began in started if window[0] <= due < window[1]]
    due_in_window = sum(1 for due in schedule if window[0] <= due < window[1])
    return late, due_in_window - len(late)


# -- two consumers at once --------------------------------------------------------------

def lateness_result(started, schedule, window, params):
    """The lateness row's figures of one peer's run over ``window``."""
    late, missing = window_lateness(started, schedule, window)
    result = summary_ms(late)
    result.update({"crons": params["crons"], "workers": params["workers"],
                   "runs_in_window": len(late), "missing_in_window": missing,
                   "rate_per_s": len(late) / params["duration"]})
    return result


def wait_for_go(params, timeout=120):
    """A consumer of ``consume_in_pairs``: say ready, wait for the start."""
    open(params["ready"], "w").close()
    deadline = time.time() + timeout
    while not os.path.exists(params["go"]) and time.time() < deadline:
        time.sleep(0.005)


def _wait_for(paths, timeout):
    deadline = time.time() + timeout
    while not all(os.path.exists(p) for p in paths):
        if time.time() > deadline:
            raise RuntimeError(f"consumers not ready after {timeout} s")
        time.sleep(0.01)


def consume_in_pairs(task, params, consumers=2):
    """Run ``consumers`` child processes of ``task`` on the same queue,
    started at one instant; count the marks their runs wrote."""
    d = params["tmpdir"]
    marks, go = os.path.join(d, "marks.txt"), os.path.join(d, "go")
    open(marks, "a").close()
    procs, readies = [], []
    for k in range(consumers):
        result, ready = os.path.join(d, f"consumer{k}.json"), os.path.join(d, f"ready{k}")
        readies.append(ready)
        with open(os.path.join(d, f"consumer{k}.stderr"), "wb") as err:
            procs.append((subprocess.Popen(
                child_command(task, dict(params, marks=marks, go=go, ready=ready), result),
                stdout=subprocess.DEVNULL, stderr=err, cwd=REPO_DIR, env=child_env()),
                result))
    try:
        _wait_for(readies, 120)
        started = time.time()
        open(go, "w").close()
        codes = [p.wait(params.get("cap_s", 300) + 60) for p, _ in procs]
        elapsed = time.time() - started
    finally:
        for p, _ in procs:
            if p.poll() is None:
                p.kill()
    return _count_marks(marks, params["n"], procs, codes, elapsed)


def _count_marks(marks, n, procs, codes, elapsed):
    with open(marks) as f:
        counts = collections.Counter(f.read().split())
    runs = []
    for (_, result), code in zip(procs, codes):
        with open(result) as f:
            text = f.read()
        runs.append(json.loads(text)["runs"] if code == 0 and text.strip() else None)
    total = sum(counts.values())
    return {"n": n, "elapsed_s": elapsed, "exit_codes": codes, "runs_per_consumer": runs,
            "runs": total, "distinct": len(counts), "not_run": n - len(counts),
            "run_twice_or_more": sum(1 for c in counts.values() if c > 1),
            "extra_runs": total - len(counts),
            "runs_per_s": total / elapsed if elapsed > 0 else None}
