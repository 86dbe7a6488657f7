"""Chaos proofs with real processes: workers killed -9 in a loop, the ZEO
server killed and restarted, the PostgreSQL server restarted under
RelStorage workers, a wall clock stepped under a worker; every fire time
is still accounted for exactly once."""
import time
from datetime import timedelta

import pytest

from chaos_support import (assert_accounted_once, kill_loop, per_second_crons,
                           utc_now, window)
from test_engine_processes import finish, host, start_worker  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow
LEASE = 3


class TestKillLoop:
    def test_five_kills_every_fire_time_once(self, zeo_server, host, tmp_path):
        out = str(tmp_path / "calls.txt")
        markers = tmp_path / "markers"
        markers.mkdir()
        uids = per_second_crons(zeo_server.uri, out, count=4, markers=str(markers))
        seconds = 36
        start = utc_now()
        workers = [start_worker(zeo_server.uri, seconds=seconds, lease=LEASE)
                   for _ in range(3)]
        everyone = kill_loop(zeo_server.uri, workers, kills=5, every=5,
                             seconds=seconds, lease=LEASE, markers=str(markers))
        finish(everyone)
        # the last kill is 11 s before the end: its runs are found within the lease
        statuses = assert_accounted_once(zeo_server.uri, out, uids,
                                         *window(start, seconds, margin=4))
        assert statuses["OK"] > 0 and statuses["FAILURE"] > 0, statuses   # interrupted


def wait_for_workers(uri, count, patience=60):
    """Until ``count`` workers are registered (a busy machine starts them
    slowly; one still opening the database when it goes away exits 1)."""
    from zcron.components import queue_for
    from zcron.db import Session, open_db
    db = open_db(uri)
    deadline = time.monotonic() + patience
    try:
        while time.monotonic() < deadline:
            with Session(db) as session:
                if len(list(queue_for(session.root).workers())) >= count:
                    return
            time.sleep(0.2)       # real time: the workers start
    finally:
        db.close()
    raise AssertionError(f"{count} workers did not start in {patience} s")


def carry_on_over_an_outage(uri, tmp_path, stop, restart, workers):
    """``workers`` worker processes on per-second crons; the server stopped
    5 s after they all started, started again 4 s later: they exit 0 at
    the end, and every fire time of the run is accounted for exactly once."""
    out = str(tmp_path / "calls.txt")
    uids = per_second_crons(uri, out, count=4)
    start = utc_now()
    seconds = 30
    processes = [start_worker(uri, seconds=seconds, lease=LEASE) for _ in range(workers)]
    wait_for_workers(uri, workers)
    time.sleep(5)                 # real time: the workers run before the outage
    stop()
    time.sleep(4)                 # real time: the server is down for 4 s
    restart()
    finish(processes)
    assert [p.returncode for p in processes] == [0] * workers   # none died of it
    statuses = assert_accounted_once(uri, out, uids, *window(start, seconds, margin=4))
    assert statuses["OK"] > 0, statuses


class TestZEOServerKilled:
    def test_workers_carry_on_over_a_restarted_server(self, zeo_server, host, tmp_path):
        import signal

        def kill():
            zeo_server.process.send_signal(signal.SIGKILL)
            zeo_server.process.wait()
        carry_on_over_an_outage(zeo_server.uri, tmp_path, kill, zeo_server.start,
                                workers=2)       # same port, same Data.fs


@pytest.fixture
def pg_server(tmp_path):
    from zcron.testing import PostgreSQLServer
    server = PostgreSQLServer().start()
    yield server
    server.stop()


class TestPostgreSQLRestarted:
    def test_relstorage_workers_carry_on(self, pg_server, host, tmp_path):
        carry_on_over_an_outage(pg_server.uri, tmp_path, pg_server.halt, pg_server.resume,
                                workers=3)       # fast shutdown; same port, same data


@pytest.fixture
def stepped_clock(host):
    from zope.interface import alsoProvides
    from zcron.clock import install_clock, uninstall_clock
    from zcron.interfaces import IClock
    from chaos_support import SteppedClock
    clock = SteppedClock()
    alsoProvides(clock, IClock)
    install_clock(clock)
    yield clock
    uninstall_clock(clock)


class TestWallClockStepped:
    def test_forward_applies_missed_back_reruns_nothing(self, stepped_clock, tmp_path):
        import threading
        from zcron.worker import Worker
        from zcron.db import open_db
        from chaos_support import add_crons, invocations, read_logs
        uri, out = f"file://{tmp_path}/Data.fs", str(tmp_path / "calls.txt")
        fields = {"environ": {"out": out}, "overlap": "allow", "logs_limit": 500}
        uids = add_crons(uri, [(policy, "* * * * * *", dict(fields, missed=policy))
                               for policy in ("skip", "all")])
        db = open_db(uri)
        worker = Worker(db, concurrency=2, poll=0.1, lease=LEASE)
        thread = threading.Thread(target=worker.run, kwargs={"max_seconds": 60})
        thread.start()
        time.sleep(3)             # real time: the worker runs on the stepped clock
        stepped_clock.step(30)
        time.sleep(3)
        # back 40 s, over fire times already logged (a run claimed just ahead
        # waits no longer than the claim's look-ahead: the stop stays quick)
        stepped_clock.step(-40)
        time.sleep(4)
        worker.stop()
        thread.join()
        db.close()
        logs, calls = read_logs(uri), invocations(out)
        for policy, uid in uids.items():
            fires = [entry.fire_time for entry in logs[uid]]
            assert len(fires) == len(set(fires)), policy
        assert len({(c[3]) for c in calls}) == len(calls)
        skipped = [entry for entry in logs[uids["skip"]] if entry.status == "NOTRUN"]
        assert skipped and skipped[0].messages[0].startswith("missed: "), skipped
        caught_up = sorted(e.fire_time for e in logs[uids["all"]] if e.status == "OK")
        assert len(caught_up) >= 30           # the 30 s stepped over ran, late
        assert all(b - a == timedelta(seconds=1) for a, b in zip(caught_up, caught_up[1:]))
