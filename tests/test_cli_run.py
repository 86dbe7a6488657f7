"""zcron.cli.runs: ``zcron run --wait`` against a real worker process,
``zcron run --here`` in this process (zcron.worker.here), their exit
statuses and their bad input."""
import json
import subprocess

import pytest

from cli_support import (ZCRON_SCRIPT, cli_env, database, host_package,  # noqa: F401
                         pending, snapshot, uri, zcron, zeo_storages)
from test_cli_worker import environ, lines, process_env  # noqa: F401

YEARLY = "0 0 1 1 *"      # never due during a test: only the runs it asks for


@pytest.fixture
def hello(zcron, tmp_path):
    """Site 'default' with a cron 'hello' never due by itself."""
    zcron("site", "add", "default")
    return zcron("add", "hello", "--schedule", YEARLY, "--environ",
                 environ(tmp_path)).stdout.strip()


@pytest.fixture
def worker(uri, host_package, process_env):
    """A real ``zcron worker`` process on the test's ZEO storage."""
    process = subprocess.Popen(
        [str(ZCRON_SCRIPT), "--db", uri, "--zcml", str(host_package.zcml), "worker",
         "--max-seconds", "120"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=process_env)
    try:
        assert process.stderr.readline().startswith("zcron: worker ")
        yield process
    finally:
        process.terminate()
        process.wait(30)


def claims(uri):
    """(claims in the queue, registered worker ids)."""
    from zcron.components import queue_for
    with database(uri, commit=False) as root:
        queue = queue_for(root)
        return list(queue.claimed()), [w.id for w in queue.workers()]


class TestWait:

    @pytest.mark.timeout(120)
    @pytest.mark.parametrize("uri", ["zeo"], indirect=True)
    @pytest.mark.parametrize("extra,status,word", [
        ({}, 0, "OK"), ({"warn": "low disk"}, 3, "WARN"),
        ({"fail": "no disk"}, 1, "FAILURE")])
    def test_a_worker_runs_it(self, zcron, tmp_path, hello, worker, extra, status, word):
        zcron("edit", "hello", "--environ", environ(tmp_path, **extra))
        result = zcron("run", "hello", "--wait", "--timeout", "60", status=status)
        row = result.stdout.splitlines()[0].split()
        assert word in row
        assert [e["status"] for e in zcron.json("logs", "hello")] == [word]
        if word == "FAILURE":
            assert "RuntimeError: no disk" in result.stdout      # its traceback
        assert len(lines(tmp_path / "out.txt")) == 1

    @pytest.mark.timeout(120)
    @pytest.mark.parametrize("uri", ["zeo"], indirect=True)
    def test_json_is_the_entry(self, zcron, hello, worker):
        entry = zcron.json("run", "hello", "--wait")
        assert entry == zcron.json("logs", "hello")[0]
        assert entry["status"] == "OK" and entry["execution_id"]

    def test_timeout_without_a_worker(self, zcron, uri, hello):
        result = zcron("run", "hello", "--wait", "--timeout", "0.3", status=4)
        assert result.stdout == ""
        assert "has not ended yet; it goes on" in result.stderr
        assert len(result.stderr.splitlines()) == 1
        assert "manual" in [job.kind for job in pending(uri, uid=hello)]   # still queued
        assert zcron.json("logs", "hello") == []


class TestHere:

    def test_ok(self, zcron, uri, tmp_path, hello, host_package):
        from zcron.config import add_subscriber
        from zcron.interfaces import IStartedCronJobEvent
        started = []
        add_subscriber(lambda event: started.append(event.object.name),
                       IStartedCronJobEvent)
        result = zcron("--zcml", host_package.zcml, "run", "hello", "--here")
        assert "OK" in result.stdout.split()
        assert started == ["hello"]
        assert [json.loads(line) for line in lines(tmp_path / "seen.txt")] == [
            {"name": "hello", "status": "OK"}]                   # finished, once
        [entry] = zcron.json("logs", "hello")                    # logged once
        assert entry["status"] == "OK" and entry["execution_id"]
        assert len(lines(tmp_path / "out.txt")) == 1
        assert [job.kind for job in pending(uri, uid=hello)] == ["schedule"]
        assert claims(uri) == ([], [])                           # settled, unregistered

    def test_failure_and_json(self, zcron, uri, tmp_path, hello, host_package):
        zcron("edit", "hello", "--environ", environ(tmp_path, fail="no disk"))
        result = zcron("--zcml", host_package.zcml, "run", "hello", "--here", status=1)
        assert "FAILURE" in result.stdout and "RuntimeError: no disk" in result.stdout
        zcron("edit", "hello", "--environ", environ(tmp_path, warn="low disk"))
        entry = json.loads(zcron("--zcml", host_package.zcml, "run", "hello", "--here",
                                 "--json", status=3).stdout)
        assert (entry["status"], entry["messages"]) == ("WARN", ["low disk"])
        assert [e["status"] for e in zcron.json("logs", "hello")] == ["WARN", "FAILURE"]

    def claimed_elsewhere(self, uri, uid):
        """A run of ``uid`` claimed by another, live worker."""
        from zcron import clock
        from zcron.components import queue_for
        from zcron.model.log import new_execution_id
        from zcron.model.timeutil import to_us
        from zcron.queue.base import MANUAL, Job
        now = clock.now()
        with database(uri) as root:
            queue = queue_for(root)
            queue.register_worker("busy", now, 600)
            job = Job("default", uid, to_us(now), kind=MANUAL)
            queue.claim(job, "busy", now, new_execution_id())

    def test_overlap_skip(self, zcron, uri, tmp_path, hello, host_package):
        self.claimed_elsewhere(uri, hello)
        result = zcron("--zcml", host_package.zcml, "run", "hello", "--here", status=1)
        assert "NOTRUN" in result.stdout and "overlap: previous run" in result.stdout
        assert lines(tmp_path / "out.txt") == []                 # the runner did not run
        [claim], workers = claims(uri)
        assert claim.worker_id == "busy" and workers == ["busy"]

    def test_overlap_queue_one(self, zcron, uri, tmp_path, hello, host_package):
        zcron("edit", "hello", "--overlap", "queue-one")
        self.claimed_elsewhere(uri, hello)
        result = zcron("--zcml", host_package.zcml, "run", "hello", "--here", status=4)
        assert "queued behind the one running" in result.stderr
        assert lines(tmp_path / "out.txt") == []
        from zcron.components import queue_for
        with database(uri, commit=False) as root:
            assert [job.kind for job in queue_for(root).held()] == ["queued"]

    def test_needs_the_hosts_runner(self, zcron, uri, hello):
        before = snapshot(uri)
        assert "no job runner named 'hello'" in zcron.bad("run", "hello", "--here")
        assert snapshot(uri) == before


class TestBadInput:

    @pytest.mark.parametrize("args,words", [
        (["--wait", "--timeout", "-1"], "'-1' is not a duration"),
        (["--wait", "--timeout", "soon"], "'soon' is not a duration"),
        (["--timeout", "5"], "only goes with --wait"),
        (["--here", "--wait"], "--wait is for a worker's run"),
    ])
    def test_one_line_nothing_written(self, zcron, uri, hello, args, words):
        before = snapshot(uri)
        assert words in zcron.bad("run", "hello", *args)
        assert snapshot(uri) == before
