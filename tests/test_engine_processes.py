"""The engine's guarantees with real worker processes and a real ZEO server:
no duplicate, no missing run; a killed worker's run is accounted for;
missed-run policies after downtime."""
import collections
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest

# worker processes and a ZEO server, with real time passing: tens of seconds
pytestmark = pytest.mark.slow

HOSTS = os.path.join(os.path.dirname(__file__), "hosts")
ZCML = os.path.join(HOSTS, "enginehost", "configure.zcml")

WORKER = """
import sys
sys.path.insert(0, {hosts!r})
from zcron import config
config.configure({zcml!r})
from zcron.db import open_db
from zcron.worker import Worker
worker = Worker(open_db({uri!r}), concurrency={concurrency}, lease={lease}, poll=0.1)
import signal
signal.signal(signal.SIGTERM, lambda *a: worker.stop())
stats = worker.run(max_seconds={seconds})
print("STATS", worker.id, stats.runs, stats.claim_conflicts, flush=True)
"""


def start_worker(uri, seconds, concurrency=4, lease=30.0):
    code = WORKER.format(hosts=HOSTS, zcml=ZCML, uri=uri, seconds=seconds,
                         concurrency=concurrency, lease=lease)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.fixture
def host(zca):
    sys.path.insert(0, HOSTS)
    from zcron import config
    config.configure(ZCML)
    yield
    sys.path.remove(HOSTS)


def add_crons(uri, specs):
    """specs: (name, expr, fields); returns {name: uid}."""
    from zcron.components import load_crontab
    from zcron.db import Session, open_db
    from zcron.model import Cron, CronSite
    db = open_db(uri)
    with Session(db) as s:
        if "default" not in s.root.sites:
            s.root.add_site(CronSite("default"))
        crontab = load_crontab(s.root.get_site("default"))
        uids = {}
        for name, expr, fields in specs:
            cron = crontab.add_cron(Cron("record", expr, **fields))
            uids[name] = cron.uid
        crontab.save()
        s.tm.commit()
    db.close()
    return uids


def read_logs(uri):
    from zcron.components import load_crontab
    from zcron.db import Session, open_db
    db = open_db(uri)
    with Session(db) as s:
        crontab = load_crontab(s.root.get_site("default"))
        logs = {cron.uid: list(cron.logs) for cron in crontab}
    db.close()
    return logs


def invocations(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.split() for line in f if line.strip()]


def finish(procs, timeout=60):
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=timeout)
        assert proc.returncode in (0, -9), err[-2000:]
        outputs.append(out)
    return outputs


def prove_exactly_once(uri, tmp_path, workers, seconds, every_two=50):
    """``workers`` processes run a per-second cron and ``every_two`` crons
    every 2 s for ``seconds``: every fire time of the window when all were
    up is logged exactly once, OK, and each (cron, fire time) invoked once."""
    from zcron.periodicity import get_periodicity
    out = str(tmp_path / "calls.txt")
    fields = {"environ": {"out": out}, "missed": "all", "overlap": "allow",
              "logs_limit": 100}
    specs = [("every-second", "* * * * * *", fields)]
    specs += [(f"two-{n}", "*/2 * * * * *", fields) for n in range(every_two)]
    uids = add_crons(uri, specs)
    start = datetime.now(timezone.utc)
    outputs = finish([start_worker(uri, seconds=seconds) for _ in range(workers)])
    window_start = start + timedelta(seconds=3)
    window_end = start + timedelta(seconds=seconds - 3)
    logs = read_logs(uri)
    calls = invocations(out)
    executions = [c[3] for c in calls]
    assert len(executions) == len(set(executions))            # no execution twice
    assert len({c[2] for c in calls}) == workers, outputs        # every worker ran some
    entries = {}                                                # execution id -> (uid, log)
    for name, uid in uids.items():
        expr = "* * * * * *" if name == "every-second" else "*/2 * * * * *"
        expected = list(get_periodicity(expr).fire_times(window_start, until=window_end))
        assert len(expected) >= 4
        logged = [l.fire_time for l in logs[uid] if l.fire_time is not None]
        assert len(logged) == len(set(logged)), name            # one entry per fire time
        for fire in expected:
            assert [l.status for l in logs[uid] if l.fire_time == fire] == ["OK"], \
                (name, fire)
        for entry in logs[uid]:
            entries[entry.execution_id] = (uid, entry)
    # every invocation is one log entry, and (cron, fire time) is invoked once
    assert sum(len(v) for v in logs.values()) == len(calls)
    invoked = collections.Counter()
    for _, fire, _, execution_id in calls:
        uid, entry = entries[execution_id]
        assert entry.fire_time.isoformat() == fire
        invoked[uid, fire] += 1
    assert set(invoked.values()) == {1}


class TestThreeWorkersOverZEO:
    def test_every_fire_time_exactly_once(self, zeo_server, host, tmp_path):
        prove_exactly_once(zeo_server.uri, tmp_path, workers=3, seconds=24)


class TestKilledWorker:
    def test_kill_9_mid_run_is_logged_interrupted(self, zeo_server, host, tmp_path):
        out, marker = str(tmp_path / "calls.txt"), str(tmp_path / "marker")
        uids = add_crons(zeo_server.uri, [("slow", "*/3 * * * * *", {
            "environ": {"out": out, "marker": marker, "sleep": 120}})])
        victim = start_worker(zeo_server.uri, seconds=120, lease=3)
        deadline = time.monotonic() + 30
        while not os.path.exists(marker) and time.monotonic() < deadline:
            time.sleep(0.05)      # polling another process's file: no event to wait on
        assert os.path.exists(marker), "the first run never started"
        rescuer = start_worker(zeo_server.uri, seconds=14, lease=3)
        time.sleep(1.0)           # real time: the rescuer starts up and registers
        victim.send_signal(signal.SIGKILL)
        killed_at = datetime.now(timezone.utc)
        finish([victim, rescuer])
        logs = read_logs(zeo_server.uri)[uids["slow"]]
        interrupted = [l for l in logs if l.status == "FAILURE"]
        assert len(interrupted) == 1
        assert interrupted[0].messages[0].startswith("interrupted: worker ")
        assert str(victim.pid) in interrupted[0].messages[0]
        # found within the lease (3 s) plus a few seconds
        assert interrupted[0].date - killed_at < timedelta(seconds=3 + 4)
        # and the schedule went on: later fire times ran OK on the rescuer
        assert any(l.status == "OK" and l.fire_time > killed_at for l in logs)


class TestDowntime:
    def test_missed_policies_after_workers_were_down(self, zeo_server, host, tmp_path):
        import re
        out = str(tmp_path / "calls.txt")
        specs = [(policy, "* * * * * *", {"environ": {"out": out}, "missed": policy,
                                          "logs_limit": 100})
                 for policy in ("skip", "once", "all")]
        uids = add_crons(zeo_server.uri, specs)
        finish([start_worker(zeo_server.uri, seconds=3)])
        down_from = datetime.now(timezone.utc)
        time.sleep(8)             # real time is tested: workers down for 8 s
        down_until = datetime.now(timezone.utc)
        finish([start_worker(zeo_server.uri, seconds=4)])
        logs = read_logs(zeo_server.uri)

        def after_down(uid):
            return [l for l in logs[uid] if l.fire_time and l.fire_time > down_from]
        quiet = (down_from + timedelta(seconds=2), down_until - timedelta(seconds=2))
        skip = after_down(uids["skip"])
        missed = [l for l in skip if l.status == "NOTRUN"]
        assert len(missed) == 1 and re.match(r"missed: \d+ fire times", missed[0].messages[0])
        count = int(re.match(r"missed: (\d+)", missed[0].messages[0]).group(1))
        assert count >= 6
        assert not [l for l in skip if l.status == "OK" and quiet[0] < l.fire_time < quiet[1]]
        once = after_down(uids["once"])
        missed = [l for l in once if l.status == "NOTRUN"]
        assert len(missed) == 1
        count = int(re.match(r"missed: (\d+)", missed[0].messages[0]).group(1))
        coalesced = [l for l in once if l.messages and "before this run" in l.messages[0]]
        assert len(coalesced) == 1 and coalesced[0].status == "OK"
        assert coalesced[0].messages[0] == f"{count} missed fire time(s) before this run"
        assert coalesced[0].fire_time == missed[0].fire_time + timedelta(seconds=1)
        assert not [l for l in once if l.status == "OK" and quiet[0] < l.fire_time < quiet[1]]
        everything = after_down(uids["all"])
        assert all(l.status == "OK" for l in everything)
        fires = sorted(l.fire_time for l in everything)
        assert len(fires) >= 12
        assert all(b - a == timedelta(seconds=1) for a, b in zip(fires, fires[1:]))


class TestSharedWork:
    """Two workers share steady load, not only bursts: each owns its shards
    in turn and takes another's jobs only once they are late."""

    @pytest.mark.parametrize("crons", [5, 200])
    def test_two_workers_split_per_second_crons(self, zeo_server, host, tmp_path, crons):
        out = str(tmp_path / "calls.txt")
        add_crons(zeo_server.uri, [(f"c{n}", "* * * * * *", {"environ": {"out": out}})
                                   for n in range(crons)])
        start = datetime.now(timezone.utc)
        outputs = finish([start_worker(zeo_server.uri, seconds=14) for _ in range(2)])
        window = (start + timedelta(seconds=3), start + timedelta(seconds=11))
        calls = [(datetime.fromisoformat(fire), pid) for _, fire, pid, _ in invocations(out)]
        shares = collections.Counter(pid for fire, pid in calls if window[0] <= fire < window[1])
        total = sum(shares.values())
        assert len(shares) == 2, (shares, outputs)
        assert all(0.35 <= n / total <= 0.65 for n in shares.values()), (shares, outputs)
