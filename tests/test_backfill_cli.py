"""``zcron backfill``: dry run, --max, bad ranges (exit 2, nothing
written), --no-wait and --cancel, and a real worker process running a
range while the command follows it."""
import contextlib
import signal
import subprocess
import time

import pytest

from cli_support import (cli_env, host_package, pending, snapshot, uri,  # noqa: F401
                         zcron, zeo_storages)
from test_cli_run import worker  # noqa: F401
from test_cli_worker import environ, lines, process_env  # noqa: F401

RANGE = ("--from", "2026-03-01T08:00Z", "--to", "2026-03-01T11:00Z")


@pytest.fixture
def hourly(zcron, tmp_path):
    zcron("site", "add", "default")
    return zcron("add", "hello", "--schedule", "0 * * * *", "--environ",
                 environ(tmp_path)).stdout.strip()


@contextlib.contextmanager
def console(uri, *args, env):
    """``zcron --db URI ARGS`` in a process of its own, killed if still
    running at the end; its stdout and stderr are pipes."""
    from cli_support import ZCRON_SCRIPT
    process = subprocess.Popen([str(ZCRON_SCRIPT), "--db", uri, *map(str, args)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def interrupt(process):
    """Ctrl-C: (its exit status, stdout, stderr)."""
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def backfill_jobs(uri, uid):
    return sorted(j.fire_time.isoformat() for j in pending(uri, uid=uid)
                  if j.kind == "backfill")


class TestQueue:
    def test_dry_run_lists_both_ends_and_writes_nothing(self, zcron, uri, hourly):
        before = snapshot(uri)
        out = zcron("backfill", "hello", *RANGE, "--dry-run", "--utc").stdout
        assert out.splitlines() == [f"2026-03-01 {h:02}:00 UTC (+00:00)" for h in (8, 9, 10, 11)
                                    ] + ["(4 fire times)"]
        assert zcron.json("backfill", "hello", *RANGE, "--dry-run", "--utc") == [
            f"2026-03-01T{h:02}:00:00+00:00" for h in (8, 9, 10, 11)]
        assert snapshot(uri) == before

    def test_no_wait_queues_them_and_cancel_removes_them(self, zcron, uri, hourly):
        result = zcron("backfill", "hello", *RANGE, "--no-wait")
        assert result.stdout.startswith("queued 4 backfill runs of hello")
        assert "no worker is running" in result.stderr
        assert backfill_jobs(uri, hourly) == [
            f"2026-03-01T{h:02}:00:00+00:00" for h in (8, 9, 10, 11)]
        data = zcron.json("backfill", "hello", "--cancel")
        assert data["cancelled"] == 4 and backfill_jobs(uri, hourly) == []

    def test_max(self, zcron, uri, hourly):
        zcron("backfill", "hello", *RANGE, "--max", "2", "--no-wait")
        assert backfill_jobs(uri, hourly) == ["2026-03-01T08:00:00+00:00",
                                             "2026-03-01T09:00:00+00:00"]

    @pytest.mark.parametrize("args,words", [
        (("--from", "2026-03-02", "--to", "2026-03-01"), "is before --from"),
        (("--from", "2026-01-01", "--to", "2026-03-01"), "more than 1,000 fire times"),
        (("--from", "soon", "--to", "2026-03-01"), "from"),
        (("--to", "2026-03-01"), "--from"),
    ])
    def test_bad_input_exit_2_nothing_written(self, zcron, uri, hourly, args, words):
        before = snapshot(uri)
        assert words in zcron.bad("backfill", "hello", *args)
        assert snapshot(uri) == before

    def test_a_paused_cron_is_refused(self, zcron, uri, hourly):
        zcron("pause", "hello")
        before = snapshot(uri)
        # the pause is applied to the fire times as next applies it: none is left
        assert zcron("backfill", "hello", *RANGE, "--dry-run").stdout == "(0 fire times)\n"
        zcron("resume", "hello")
        zcron("disable", "hello")
        before = snapshot(uri)
        assert "it is off" in zcron.bad("backfill", "hello", *RANGE)
        assert snapshot(uri) == before


class TestWithAWorker:
    @pytest.mark.timeout(120)
    @pytest.mark.parametrize("uri", ["zeo"], indirect=True)
    def test_the_command_follows_a_worker_running_the_range(self, zcron, tmp_path, hourly,
                                                            worker):
        result = zcron("backfill", "hello", *RANGE)
        assert result.stdout == f"backfilled 4 fire times of hello ({hourly}): 4 OK\n"
        assert lines(tmp_path / "out.txt") == [
            f"hello 2026-03-01T{h:02}:00:00+00:00" for h in (8, 9, 10, 11)]
        entries = zcron.json("logs", "hello")
        assert [e["fire_time"] for e in entries] == [
            f"2026-03-01T{h:02}:00:00+00:00" for h in (11, 10, 9, 8)]
        assert all(e["backfill"] for e in entries)
        out = zcron("logs", "hello", "--limit", "1").stdout
        assert "[backfill]" in out


class TestCtrlC:
    @pytest.mark.timeout(120)
    @pytest.mark.parametrize("uri", ["zeo"], indirect=True)
    def test_cancels_the_runs_not_started_and_says_how_many_ran(self, uri, hourly,
                                                                process_env):
        with console(uri, "backfill", "hello", *RANGE, env=process_env) as process:
            assert process.stderr.readline().startswith("note: no worker is running")
            while len(backfill_jobs(uri, hourly)) < 4:      # committed: it follows them
                time.sleep(0.05)
            status, out, err = interrupt(process)
        assert status == 130 and out == ""
        assert err.strip() == "zcron: stopped: 0 of 4 ran, 0 still running, 4 cancelled"
        assert backfill_jobs(uri, hourly) == []


class TestProgress:
    @pytest.mark.timeout(120)
    @pytest.mark.parametrize("uri", ["zeo"], indirect=True)
    def test_shown_on_a_terminal_only(self, uri, hourly, process_env):
        import os
        import pty
        from cli_support import ZCRON_SCRIPT
        master, slave = pty.openpty()
        process = subprocess.Popen([str(ZCRON_SCRIPT), "--db", uri, "backfill", "hello",
                                    *RANGE], stdout=subprocess.PIPE, stderr=slave,
                                   env=process_env)
        os.close(slave)
        try:
            seen = b""
            while b"0 of 4 ended" not in seen:
                seen += os.read(master, 1024)
            process.send_signal(signal.SIGINT)
            assert process.wait(60) == 130
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            os.close(master)
        assert b"\rbackfill hello: 0 of 4 ended" in seen
