"""Helpers shared by the bench's parent process and its child processes.

Kept free of zcron and APScheduler imports, so that the parent (run.py)
stays light and every measurement starts in a fresh interpreter.
"""
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(BENCH_DIR)
MB = 1024 * 1024


# -- statistics ------------------------------------------------------------------

def percentile(values, q):
    """The q-th percentile (0..100) by linear interpolation; None if empty."""
    if not values:
        return None
    data = sorted(values)
    if len(data) == 1:
        return data[0]
    pos = (len(data) - 1) * q / 100.0
    low = int(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)


def summary_ms(seconds):
    """p50/p90/p99/max/mean of a list of durations in seconds, in ms."""
    if not seconds:
        return {"count": 0}
    ms = [s * 1000.0 for s in seconds]
    return {
        "count": len(ms),
        "p50": percentile(ms, 50),
        "p90": percentile(ms, 90),
        "p99": percentile(ms, 99),
        "max": max(ms),
        "min": min(ms),
        "mean": statistics.fmean(ms),
    }


# -- memory ----------------------------------------------------------------------

def rss_mb():
    """Resident set size of this process now, in MB (psutil)."""
    import psutil
    return psutil.Process().memory_info().rss / MB


def peak_rss_mb():
    """The process's peak RSS so far (getrusage; kB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024.0 if sys.platform != "darwin" else peak / MB


class RSSSampler:
    """Samples this process's RSS every ``interval`` seconds in a thread;
    ``peak`` is the largest sample, ``last`` the latest."""

    def __init__(self, interval=0.05):
        import psutil
        self._process = psutil.Process()
        self.interval = interval
        self.peak = self.last = self._sample()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name="bench-rss")

    def _sample(self):
        return self._process.memory_info().rss / MB

    def _loop(self):
        while not self._stop.wait(self.interval):
            self.last = self._sample()
            self.peak = max(self.peak, self.last)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.last = self._sample()
        self.peak = max(self.peak, self.last)


# -- temporary directories ----------------------------------------------------------

def make_tmpdir(prefix="zcron-bench-", base=None):
    """A new directory under ``base``, or under $ZCRON_BENCH_TMP / the
    system's temporary directory."""
    base = base or os.environ.get("ZCRON_BENCH_TMP") or None
    return tempfile.mkdtemp(prefix=prefix, dir=base)


def remove_tree(path):
    shutil.rmtree(path, ignore_errors=True)


# -- child processes -----------------------------------------------------------------

class ChildError(RuntimeError):
    pass


def child_command(task, params, result_path):
    return [sys.executable, os.path.join(BENCH_DIR, "child.py"), task,
            json.dumps(params), result_path]


def child_env():
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    # zcron alone: an installed plugin (``make demo`` installs the example
    # host's) would add a cron of its own to every site the bench makes
    env.setdefault("ZCRON_PLUGINS", "none")
    # the parent's own output is what the reader looks at; children stay quiet
    env["PYTHONWARNINGS"] = env.get("PYTHONWARNINGS") or "ignore"
    # a child that crashes in C (SIGSEGV) leaves every thread's Python stack in its stderr
    env["PYTHONFAULTHANDLER"] = "1"
    return env


def run_child(task, params, timeout, tmpdir):
    """Run ``child.py TASK PARAMS`` in a fresh interpreter; return the dict
    it writes. Raises ChildError (with the tail of its stderr) on failure."""
    fd, result_path = tempfile.mkstemp(prefix=f"{task}-", suffix=".json", dir=tmpdir)
    os.close(fd)
    err_path = result_path[:-5] + ".stderr"
    with open(err_path, "wb") as err:
        proc = subprocess.Popen(child_command(task, params, result_path),
                                stdout=subprocess.DEVNULL, stderr=err,
                                cwd=REPO_DIR, env=child_env())
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise ChildError(f"{task}: timed out after {timeout:.0f} s"
                             + stderr_tail(err_path)) from None
    if code != 0:
        raise ChildError(f"{task}: exit status {code}" + stderr_tail(err_path))
    with open(result_path) as f:
        text = f.read()
    if not text.strip():
        raise ChildError(f"{task}: no result written" + stderr_tail(err_path))
    return json.loads(text)


def stderr_tail(path, lines=15):
    try:
        with open(path, errors="replace") as f:
            text = f.read().strip().splitlines()
    except OSError:
        return ""
    if not text:
        return ""
    return "\n    " + "\n    ".join(text[-lines:])


def write_result(path, result):
    with open(path, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True, default=str)


def quiet_logging():
    """Children: warnings of zcron and APScheduler go to stderr (kept by
    the parent for diagnosis) but APScheduler's one-line-per-misfire
    warnings are muted -- they would only slow APScheduler down."""
    import logging
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.ERROR)


def now():
    return time.time()
