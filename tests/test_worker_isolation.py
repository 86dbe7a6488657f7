"""Process isolation: runners in child processes that segfault, exit,
overrun their timeout or their memory limit fail their run, not the worker."""
import ctypes
import os
import time

import pytest

import zcron
from cli_support import (cli_env, host_package, snapshot, uri,  # noqa: F401
                         zcron as zcron_cli,
                         zeo_storages)
from zcron.exceptions import InvalidInput


class Segfaults(zcron.Runner):
    def run(self):
        ctypes.string_at(0)


class Exits(zcron.Runner):
    def run(self):
        os._exit(3)


class Sleeps(zcron.Runner):
    def run(self):
        time.sleep(60)       # killed long before


class Allocates(zcron.Runner):
    def run(self):
        return f"got {len(bytearray(64 * 1024 ** 3))} bytes"


class Reports(zcron.Runner):
    """Says where it runs and what it was told."""

    def run(self):
        if self.environ.get("fail"):
            raise ValueError("bad row 7")
        return (f"{self.site.name} {self.cron.name} {self.environ['n']} "
                f"{self.fire_time.isoformat()} {self.execution_id == ''} "
                f"{'child' if os.getpid() != self.environ['parent'] else 'parent'}")


@pytest.fixture
def env(db, session, site, zca):
    from zcron.components import load_crontab
    for name, factory in [("segfaults", Segfaults), ("exits", Exits), ("sleeps", Sleeps),
                          ("allocates", Allocates), ("reports", Reports)]:
        zcron.add_runner(name, factory)
    return Env(db, session, site, load_crontab(site))


class Env:
    def __init__(self, db, session, site, crontab):
        self.db, self.session, self.site, self.crontab = db, session, site, crontab

    def add(self, name, **kw):
        cron = self.crontab.add_cron(zcron.Cron(name, "0 0 1 1 *", **kw))
        self.crontab.save_cron(cron)
        from zcron.components import cron_manager
        cron_manager(self.site, cron).run_now()
        self.session.tm.commit()
        return cron

    def run(self, **kw):
        from zcron.worker import Worker
        worker = Worker(self.db, concurrency=2, **kw)
        worker.run(until_idle=True, max_seconds=60)
        self.session.tm.abort()
        return worker

    def last(self, cron):
        log = list(self.crontab.get(cron.uid).logs)[0]
        return log.status, log.messages


def test_every_death_of_a_child_is_its_run_failure(env):
    parent = os.getpid()
    crons = {
        "segfaults": env.add("segfaults", isolation="process"),
        "exits": env.add("exits", isolation="process"),
        "sleeps": env.add("sleeps", isolation="process", timeout=0.5),
        "allocates": env.add("allocates", isolation="process", max_memory=2048),
        "ok": env.add("reports", isolation="process", environ={"n": 1, "parent": parent}),
        "fails": env.add("reports", isolation="process",
                         environ={"fail": True, "parent": parent}),
        "thread": env.add("reports", environ={"n": 2, "parent": parent}),
    }
    env.run()
    got = {key: env.last(cron) for key, cron in crons.items()}
    assert got["segfaults"] == ("FAILURE", ["killed by signal 11 (SIGSEGV)"])
    assert got["exits"] == ("FAILURE", ["exited with status 3"])
    assert got["sleeps"] == ("FAILURE", ["timed out after 0.5 s; the process was killed"])
    assert got["allocates"] == ("FAILURE", ["over its memory limit of 2048 MB"])
    assert got["fails"] == ("FAILURE", ["ValueError: bad row 7"])
    status, [message] = got["ok"]
    assert status == "WARN" and message.startswith(f"{env.site.name} reports 1 ")
    assert message.endswith(" False child")
    assert got["thread"][0] == "WARN" and got["thread"][1][0].endswith(" parent")


def test_worker_wide_default_and_a_cron_choosing_threads(env):
    parent = os.getpid()
    in_child = env.add("reports", environ={"n": 1, "parent": parent})
    in_thread = env.add("reports", isolation="thread", environ={"n": 2, "parent": parent})
    worker = env.run(isolation="process")
    assert env.last(in_child)[1][0].endswith(" child")
    assert env.last(in_thread)[1][0].endswith(" parent")
    assert worker.children._idle == []         # its children stopped with it


@pytest.mark.parametrize("field, value", [("isolation", "fork"), ("max_memory", 0),
                                          ("max_memory", "1G")])
def test_bad_isolation_fields_are_refused(field, value):
    with pytest.raises(InvalidInput) as caught:
        zcron.Cron("reports", "* * * * *", **{field: value})
    assert caught.value.field == field


def test_cli_add_and_edit_isolation(zcron_cli, uri):
    zcron = zcron_cli
    zcron("site", "add", "default")
    data = zcron.json("add", "x", "--cron", "@daily", "--isolation", "process",
                      "--max-memory", "300")
    assert (data["isolation"], data["max_memory"]) == ("process", 300)
    data = zcron.json("edit", data["uid"], "--isolation", "default", "--max-memory", "none")
    assert (data["isolation"], data["max_memory"]) == (None, None)
    before = snapshot(uri)
    assert "'1G' is not a whole number of MB" in zcron.bad(
        "edit", data["uid"], "--max-memory", "1G")
    assert "'fork' is not one of" in zcron.bad("edit", data["uid"], "--isolation", "fork")
    assert snapshot(uri) == before


def test_other_runs_go_on_while_a_child_runs_to_its_timeout(env):
    sleeper = env.add("sleeps", isolation="process", timeout=3)
    other = env.add("reports", environ={"n": 2, "parent": os.getpid()})
    env.run()
    [slept], [reported] = (list(env.crontab.get(c.uid).logs) for c in (sleeper, other))
    assert slept.status == "FAILURE" and reported.status == "WARN"
    assert reported.date < slept.date


@pytest.mark.parametrize("signal_name, number", [("SIGSEGV", 11), ("SIGKILL", 9)])
def test_run_here_honours_process_isolation(zcron_cli, tmp_path, host_package,
                                            signal_name, number):
    """``zcron run --here`` runs a process-isolated cron in a child, as a
    worker does: the child's death is the run's FAILURE, not the CLI's."""
    import json
    zcron = zcron_cli
    zcron("site", "add", "default")
    zcron("add", "hello", "--cron", "0 0 1 1 *", "--isolation", "process",
          "--environ", json.dumps({"signal": signal_name, "out": str(tmp_path / "out")}))
    result = zcron("--zcml", host_package.zcml, "run", "hello", "--here", status=1)
    why = f"killed by signal {number} ({signal_name})"
    assert "FAILURE" in result.stdout and why in result.stdout, result.stdout
    [entry] = zcron.json("logs", "hello")
    assert (entry["status"], entry["messages"]) == ("FAILURE", [why])
