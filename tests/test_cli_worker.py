"""The zcron command line: the worker, a host package loaded with --zcml,
real processes of the console script, and a ZEO server."""
import json
import os
import signal
import subprocess
import threading
import time

import pytest

from cli_support import (ZCRON_SCRIPT, Zcron, assert_one_error_line, cli_env,  # noqa: F401
                         file_only, host_package, snapshot, uri, zcron, zeo_storages)


def environ(tmp_path, **extra):
    return json.dumps(dict({"out": str(tmp_path / "out.txt"),
                            "seen": str(tmp_path / "seen.txt")}, **extra))


def lines(path):
    return path.read_text().splitlines() if path.exists() else []


@pytest.fixture
def hello(zcron, tmp_path, host_package):
    """Site 'default' with a cron 'hello' (every second) run once now."""
    zcron("site", "add", "default")
    uid = zcron("add", "hello", "--cron", "* * * * * *", "--environ",
                environ(tmp_path)).stdout.strip()
    zcron("run", "hello")
    return uid


class TestWorker:

    def test_runs_the_host_runner(self, zcron, tmp_path, host_package, hello):
        result = zcron("--zcml", host_package.zcml, "worker", "--until-idle")
        out = result.stdout.splitlines()
        runs = [line.split() for line in out[:-1]]
        assert runs and all(run[1:3] == ["UTC", "hello"] for run in runs)   # its zone
        assert "OK" in [run[3] for run in runs]
        assert all(len(run[0]) == 8 and run[0][2] == ":" for run in runs)
        assert out[-1].startswith("worker stopped after ")
        assert f"{len(runs)} run" in out[-1] and "OK " in out[-1]
        assert result.stderr.startswith("zcron: worker ")
        assert lines(tmp_path / "out.txt")                      # the runner ran
        seen = [json.loads(line) for line in lines(tmp_path / "seen.txt")]
        assert {"name": "hello", "status": "OK"} in seen         # its subscriber too
        logs = zcron.json("logs", "hello")
        assert "OK" in [entry["status"] for entry in logs]

    def test_json_lines(self, zcron, tmp_path, host_package, hello):
        out = zcron("--zcml", host_package.zcml, "worker", "--until-idle", "--json").stdout
        events = [json.loads(line) for line in out.splitlines()]
        *runs, summary = events
        assert runs and {r["event"] for r in runs} == {"run"}
        run = next(r for r in runs if r["status"] == "OK")
        assert set(run) == {"event", "date", "site", "uid", "name", "status", "duration",
                            "messages", "fire_time", "execution_id"}
        assert (run["site"], run["uid"], run["name"]) == ("default", hello, "hello")
        assert summary["event"] == "summary"
        assert summary["runs"] == len(runs) == sum(summary["by_status"].values())

    def test_quiet_and_failures(self, zcron, tmp_path, host_package, hello):
        zcron("edit", "hello", "--environ", environ(tmp_path, fail="no disk"))
        out = zcron("--zcml", host_package.zcml, "worker", "--until-idle", "-q").stdout
        assert len(out.splitlines()) == 1
        assert "FAILURE" in out
        failures = zcron.json("logs", "hello", "--status", "FAILURE")
        assert failures        # the manual run; maybe a scheduled one too (every second)
        assert all(f["messages"][-1] == "RuntimeError: no disk" for f in failures)

    def test_other_site_utc_and_warnings(self, zcron, tmp_path, host_package):
        zcron("site", "add", "shop")
        zcron("add", "other", "--cron", "0 0 1 1 *", "--site", "shop",
              "--environ", environ(tmp_path, warn="low disk"))
        zcron("run", "other", "--site", "shop")
        out = zcron("--zcml", host_package.zcml, "worker", "--until-idle", "--utc").stdout
        [run, summary] = out.splitlines()
        hms, zone, name, status, duration, *message = run.split()
        assert (zone, name, status, message) == ("UTC", "shop/other", "WARN", ["low", "disk"])
        assert duration.endswith("s")
        now = time.gmtime()
        assert abs(int(hms[:2]) * 60 + int(hms[3:5]) - now.tm_hour * 60 - now.tm_min) <= 1
        assert summary.endswith("1 run (WARN 1)")

    def test_no_runner_and_nothing_due(self, zcron, tmp_path):
        zcron("site", "add", "default")
        zcron("add", "nobody", "--cron", "0 0 1 1 *")
        zcron("run", "nobody")
        out = zcron("worker", "--until-idle").stdout.splitlines()
        assert out[0].split()[2:5] == ["nobody", "NOTRUN", "0.00s"]
        assert "no job runner is registered" in out[0]
        out = zcron("worker", "--max-seconds", "0.2").stdout
        assert out.startswith("worker stopped after 0.") and out.endswith(": 0 runs\n")

    @pytest.mark.parametrize("name", ["SIGTERM", "SIGINT"])
    def test_signal_stops_it(self, zcron, tmp_path, host_package, name):
        """The runner signals its own process: the worker stops cleanly."""
        previous = signal.getsignal(getattr(signal, name))
        zcron("site", "add", "default")
        zcron("add", "hello", "--cron", "0 0 1 1 *", "--environ",
              environ(tmp_path, signal=name))
        zcron("run", "hello")
        started = time.monotonic()
        result = zcron("--zcml", host_package.zcml, "worker", "--max-seconds", "20")
        assert time.monotonic() - started < 10
        assert f"zcron: {name}: stopping" in result.stderr
        assert result.stdout.splitlines()[-1].endswith("1 run (OK 1)")
        assert signal.getsignal(getattr(signal, name)) is previous

    def test_signals_only_in_the_main_thread(self):
        from zcron.cli.worker import Signals
        entered = []

        def enter():
            with Signals(object()) as handlers:
                entered.append(dict(handlers.previous))
        thread = threading.Thread(target=enter)
        thread.start()
        thread.join()
        assert entered == [{}]

    def test_bad_options(self, zcron):
        zcron.bad("worker", "--concurrency", "0")
        zcron.bad("worker", "--max-seconds", "soon")


class TestReadOnlyFallback:
    """A FileStorage held by another process (here: by this test)."""

    @file_only
    def test_reads_go_read_only_writes_are_refused(self, zcron, uri):
        from zcron.db import open_db
        zcron("site", "add", "default")
        zcron("add", "hello", "--cron", "@daily")
        db = open_db(uri)
        try:
            result = zcron("list")
            assert "hello" in result.stdout
            assert result.stderr.startswith("note: the database is in use by another "
                                            "process")
            result = zcron("add", "more", "--cron", "@daily", status=1)
            assert_one_error_line(result.stderr)
            assert "zeo://" in result.stderr
        finally:
            db.close()
        assert [c["name"] for c in zcron.json("list")] == ["hello"]


# -- real processes ------------------------------------------------------------------------

def script(*args, env=None, **kw):
    return subprocess.run([str(ZCRON_SCRIPT), *map(str, args)], capture_output=True,
                          text=True, timeout=60, env=env, **kw)


@pytest.fixture
def process_env(tmp_path):
    env = dict(os.environ)
    for name in ("ZCRON_DB", "ZCRON_ZCML", "ZCRON_CONFIG"):
        env.pop(name, None)
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env.get("PYTHONPATH", "")])
    return env


class TestConsoleScript:

    def test_exit_statuses(self, uri, tmp_path, process_env):
        ok = script("--db", uri, "site", "add", "default", env=process_env)
        assert (ok.returncode, ok.stderr) == (0, "")
        bad = script("--db", uri, "add", "x", "--cron", "bad", env=process_env)
        assert bad.returncode == 2 and bad.stdout == ""
        assert_one_error_line(bad.stderr)
        problems = tmp_path / "p.json"
        problems.write_text('[{"name": "x", "periodicity": "@daily", "missed": "?"}]')
        check = script("check", problems, env=process_env)
        assert check.returncode == 1 and "invalid missed '?'" in check.stdout

    @file_only
    @pytest.mark.timeout(120)
    def test_second_worker_on_a_file_storage(self, uri, tmp_path, host_package,
                                             process_env):
        """One worker holds the FileStorage: a second one is refused with
        one line and exit 1; reads still work; SIGTERM stops the first."""
        Zcron(uri)("site", "add", "default")
        Zcron(uri)("add", "hello", "--cron", "0 0 1 1 *", "--environ", environ(tmp_path))
        Zcron(uri)("run", "hello")
        first = subprocess.Popen(
            [str(ZCRON_SCRIPT), "--db", uri, "--zcml", str(host_package.zcml), "worker"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=process_env)
        try:
            assert first.stderr.readline().startswith("zcron: worker ")
            deadline = time.monotonic() + 30
            while not lines(tmp_path / "seen.txt") and time.monotonic() < deadline:
                time.sleep(0.05)
            second = script("--db", uri, "--zcml", host_package.zcml, "worker",
                            env=process_env)
            assert second.returncode == 1
            assert_one_error_line(second.stderr)
            assert "already open" in second.stderr or "in use" in second.stderr
            listing = script("--db", uri, "list", env=process_env)
            assert listing.returncode == 0 and "hello" in listing.stdout
            first.send_signal(signal.SIGTERM)
            out, err = first.communicate(timeout=30)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
        assert first.returncode == 0, err
        assert "SIGTERM: stopping" in err
        run, summary = out.splitlines()
        assert run.split()[1:4] == ["UTC", "hello", "OK"]
        assert summary.endswith("1 run (OK 1)")
        assert lines(tmp_path / "out.txt")
        assert json.loads(lines(tmp_path / "seen.txt")[0]) == {"name": "hello",
                                                                 "status": "OK"}


# -- ZEO ---------------------------------------------------------------------------------

class TestZEO:
    """Every test above runs on ZEO too; this one shares it between processes."""

    @pytest.mark.timeout(180)
    @pytest.mark.parametrize("uri", ["zeo"], indirect=True)
    def test_commands_against_zeo(self, uri, tmp_path, host_package, process_env):
        z = Zcron(uri)
        z("site", "add", "default")
        uid = z("add", "hello", "--cron", "0 0 1 1 *", "--tz", "Europe/Zurich",
                "--environ", environ(tmp_path)).stdout.strip()
        z("add", "other", "--cron", "@hourly")
        z("edit", "other", "--jitter", "10")
        z("pause", "other", "--until", "+1h")
        assert [c["name"] for c in z.json("list")] == ["hello", "other"]
        assert z.json("show", uid)["state"] == "on"
        assert len(z.json("next", "hello", "-n", "2")) == 2
        # a worker in another process, while this one keeps editing: ZEO is
        # shared by processes, unlike a FileStorage
        worker = subprocess.Popen(
            [str(ZCRON_SCRIPT), "--db", uri, "--zcml", str(host_package.zcml),
             "worker", "--json", "--max-seconds", "60"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=process_env)
        try:
            assert worker.stderr.readline().startswith("zcron: worker ")
            z("run", "hello")
            deadline = time.monotonic() + 30
            while not lines(tmp_path / "seen.txt") and time.monotonic() < deadline:
                time.sleep(0.05)
            z("disable", "other")
            worker.send_signal(signal.SIGTERM)
            out, err = worker.communicate(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        assert worker.returncode == 0, err
        events = [json.loads(line) for line in out.splitlines()]
        assert events[0]["status"] == "OK" and events[-1]["event"] == "summary"
        assert [e["status"] for e in z.json("logs", "hello")] == ["OK"]
        z("clear-logs", "hello")
        # dump, load, crontab switch
        dump = z("dump").stdout
        z("site", "add", "copy")
        assert z.json("load", "-", "--site", "copy", input=dump)["loaded"] == 2
        z("crontab", "disable", "--site", "copy")
        assert z.json("crontab", "show", "--site", "copy")["queued"] == 0
        assert z("check").stdout.endswith("ok: 2 crons checked in site 'default'\n")
        # bad input: one line, exit 2, nothing written
        before = snapshot(uri)
        z.bad("add", "x", "--cron", "bad")
        z.bad("add", "x", "--cron", "@daily", "--tz", "Nowhere")
        z.bad("load", "-", input=dump)                      # duplicate uids
        z.bad("logs", "hello", "--status", "SOMETIMES")
        z.bad("remove", "nope")
        assert snapshot(uri) == before
        z("remove", "hello")
        z("site", "remove", "copy")
        assert [s["name"] for s in z.json("site", "list")] == ["default"]
