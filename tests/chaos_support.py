"""The chaos proofs' checker: every fire time of a window accounted for
exactly once, by the logs and by the runners' own call records."""
import collections
import os
import random
import signal
import time
from datetime import datetime, timedelta, timezone

from test_engine_processes import add_crons, invocations, read_logs, start_worker  # noqa: F401 (re-exported)

REASONS = ("missed", "overlap", "interrupted: worker ", "interrupted: database unreachable")
EVERY_SECOND = "* * * * * *"


def per_second_crons(uri, out, count, markers=None):
    """``count`` per-second crons recording their calls in ``out``; with a
    ``markers`` directory, a cron's run sleeps 3 s when its marker is absent
    (so that a kill can land in the middle of a run)."""
    fields = {"environ": {"out": out}, "missed": "all", "overlap": "allow",
              "logs_limit": 200}
    specs = []
    for n in range(count):
        environ = dict(fields["environ"])
        if markers:
            environ.update(marker=os.path.join(markers, f"s{n}"), sleep=3)
        specs.append((f"s{n}", EVERY_SECOND, dict(fields, environ=environ)))
    return add_crons(uri, specs)


def assert_accounted_once(uri, out, uids, window_start, window_end):
    """Each fire time in the window has one log entry (OK, or NOTRUN/FAILURE
    with its reason), none twice, and no (cron, fire time) called twice."""
    from zcron.periodicity import get_periodicity
    logs, calls = read_logs(uri), invocations(out)
    expected = list(get_periodicity(EVERY_SECOND).fire_times(window_start, until=window_end))
    assert len(expected) >= 10
    statuses, cron_of = collections.Counter(), {}
    for name, uid in uids.items():
        cron_of.update((entry.execution_id, uid) for entry in logs[uid])
        logged = [entry.fire_time for entry in logs[uid] if entry.fire_time is not None]
        assert len(logged) == len(set(logged)), (name, "a fire time logged twice")
        by_fire = {entry.fire_time: entry for entry in logs[uid]}
        for fire in expected:
            assert fire in by_fire, (name, fire, "missing")
            entry = by_fire[fire]
            statuses[entry.status] += 1
            if entry.status != "OK":
                assert entry.messages and entry.messages[0].startswith(REASONS), \
                    (name, fire, entry.status, entry.messages)
    # a call with no log entry of its own counts by its execution id alone
    called = collections.Counter((cron_of.get(c[3], c[3]), c[1]) for c in calls)
    twice = [key for key, n in called.items() if n > 1]
    assert not twice, twice
    statuses["unlogged calls"] = len([c for c in calls if c[3] not in cron_of])
    return statuses


def utc_now():
    return datetime.now(timezone.utc)


def window(start, seconds, margin=3):
    """The fire times every worker was there for: from ``start`` (before
    the first worker started) to ``seconds`` later (each worker runs at
    least that long; a busy machine may take a while to stop them, and
    fire times after their end are nobody's), ``margin`` s off each end."""
    end = min(utc_now(), start + timedelta(seconds=seconds))
    return start + timedelta(seconds=margin), end - timedelta(seconds=margin)


def sleeping_pids(markers):
    """Clear the markers, so that the next run of each cron sleeps; then
    the pids of the processes whose run is sleeping, read from them."""
    for name in os.listdir(markers):
        os.remove(os.path.join(markers, name))
    time.sleep(1.5)               # real time: the next per-second runs start
    pids = set()
    for name in os.listdir(markers):
        with open(os.path.join(markers, name)) as f:
            pids.add(int(f.read() or 0))
    return pids


def kill_loop(uri, workers, kills, every, seconds, lease, markers, seed=15):
    """kill -9 a worker every ``every`` s, ``kills`` times (at random among
    those in the middle of a run, if any), and start a new one in its place
    running until the common end; returns all the processes started."""
    rng = random.Random(seed)
    end = time.monotonic() + seconds
    everyone = list(workers)
    for _ in range(kills):
        time.sleep(every - 1.5)   # real time: workers run between the kills
        sleeping = sleeping_pids(markers)
        victim = rng.choice([w for w in workers if w.pid in sleeping] or workers)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        workers.remove(victim)
        fresh = start_worker(uri, seconds=end - time.monotonic(), lease=lease)
        workers.append(fresh)
        everyone.append(fresh)
    return everyone


class SteppedClock:
    """The wall clock plus an offset the test steps forward or back."""

    def __init__(self):
        self.offset = timedelta(0)

    def now(self):
        return utc_now() + self.offset

    def step(self, seconds):
        self.offset += timedelta(seconds=seconds)

    def sleep(self, seconds):
        time.sleep(max(0.0, seconds))
