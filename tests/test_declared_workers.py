"""Declared jobs and workers: two worker processes starting at once on a
ZEO server converge on one cron per declaration per site; a restart
follows a changed declaration and keeps an operator's pause; what a
``zcron.Result`` says lands in the log entry (status, message, output)."""
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest

import zcron

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
HOST = "zcron_declared_host"
DECLARED = "ZCRON_TEST_DECLARED"     # the JSON file the host's source reads

HOST_JOBS = '''
import json, os
from zope.interface import implementer
import zcron
from zcron.declared import Declaration, callable_runner
from zcron.interfaces import IDeclarationSource


@implementer(IDeclarationSource)
class FileSource:
    def declarations(self):
        path = os.environ.get("ZCRON_TEST_DECLARED", "")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [Declaration(**dict(item, sites=tuple(item.get("sites", ["*"]))))
                    for item in json.load(f)]


SOURCE = FileSource()


def report(context, fail=False):
    context.site.reported = True
    return zcron.Result("FAILURE" if fail else "WARN", "3 reports", "line 1\\nline 2")


Report = callable_runner(report)
'''

HOST_ZCML = '''<configure xmlns="http://namespaces.zope.org/zope">
  <include package="zcron" />
  <utility component=".jobs.SOURCE" name="testfile"
           provides="zcron.interfaces.IDeclarationSource" />
  <adapter factory=".jobs.Report" name="report" />
</configure>
'''

WORKER = """
import sys, time
sys.path.insert(0, {root!r})
from zcron import config
config.configure({zcml!r})
from zcron.db import open_db
from zcron.worker import Worker
worker = Worker(open_db({uri!r}), concurrency=1, poll=0.1)
while time.time() < {start}:       # both start at the same moment
    time.sleep(0.001)
stats = worker.run(max_seconds=1)
print("STATS", worker.id, stats.claim_conflicts, flush=True)
"""


class DeclaredHost:
    """A host package in ``root`` whose source reads ``declared.json``."""

    def __init__(self, root):
        self.root = root
        package = root / HOST
        package.mkdir()
        (package / "__init__.py").write_text("")
        (package / "jobs.py").write_text(HOST_JOBS)
        self.zcml = package / "configure.zcml"
        self.zcml.write_text(HOST_ZCML)
        self.declared = root / "declared.json"

    def declare(self, *items):
        self.declared.write_text(json.dumps(list(items)))


def declaration(**changes):
    return dict(dict(origin="ini", name="cleanup", runner="cleanup", schedule="0 3 * * *",
                     source="scheduler.ini [cleanup]", environ={"days": 7}), **changes)


@pytest.fixture
def declared_host(tmp_path, monkeypatch):
    host = DeclaredHost(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv(DECLARED, str(host.declared))
    yield host
    for name in [m for m in sys.modules if m.split(".")[0] == HOST]:
        del sys.modules[name]


def start_workers(host, uri, count):
    code = WORKER.format(root=str(host.root), zcml=str(host.zcml), uri=uri,
                         start=time.time() + 3)
    env = dict(os.environ, **{DECLARED: str(host.declared)})
    return [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
            for _ in range(count)]


def finish(processes):
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        assert "STATS" in out, err


def add_sites(uri, *names):
    from zcron.components import load_crontab
    from zcron.db import Session, open_db
    from zcron.model import CronSite
    db = open_db(uri)
    with Session(db) as s:
        for name in names:
            s.root.add_site(CronSite(name))
            load_crontab(s.root.get_site(name)).save()
        s.tm.commit()
    db.close()


def with_crontabs(uri, func):
    """func({site: crontab}) committed, in a connection of its own."""
    from zcron.components import load_crontab
    from zcron.db import Session, open_db
    db = open_db(uri)
    try:
        with Session(db) as s:
            result = func({name: load_crontab(site) for name, site in s.root.sites.items()})
            s.tm.commit()
            return result
    finally:
        db.close()


@pytest.mark.slow
class TestWorkerProcesses:
    def test_two_workers_at_once_converge_then_follow_a_change(
            self, zca, declared_host, zeo_server):
        from zcron.declared import Declaration
        uri = zeo_server.uri
        add_sites(uri, "default", "shop")
        declared_host.declare(declaration(), declaration(name="report", runner="report",
                                                         schedule="every day at 08:00"))
        finish(start_workers(declared_host, uri, 2))

        def crons(crontabs):
            return {site: sorted((c.declared, c.uid) for c in crontab)
                    for site, crontab in crontabs.items()}
        expected = {site: sorted((f"ini:{name}", Declaration(
            "ini", name, "x", "* * * * *").uid_for(site)) for name in ("cleanup", "report"))
            for site in ("default", "shop")}
        assert with_crontabs(uri, crons) == expected

        def pause(crontabs):
            for cron in crontabs["shop"]:
                cron.pause(note="by an operator")
        with_crontabs(uri, pause)
        declared_host.declare(declaration(schedule="every day at 04:00"))
        finish(start_workers(declared_host, uri, 2))

        def seen(crontabs):
            return [(c.declared, c.periodicity, c.pause_note) for c in crontabs["shop"]]
        assert with_crontabs(uri, seen) == \
            [("ini:cleanup", "every day at 04:00", "by an operator")]


# -- zcron.Result, in a worker of this process --------------------------------------

def reports(context, status="WARN", output="line 1\nline 2"):
    context.site.reported = True
    return zcron.Result(status, "3 reports", output)


@pytest.fixture
def worker_env(session, site, fake_clock):
    from zcron.components import load_crontab
    from zcron.declared import callable_runner
    zcron.add_runner("reports", callable_runner(reports))
    fake_clock.set(T0)
    return session, site, load_crontab(site)


def run_once(env, fake_clock, **environ):
    from zcron.worker import Worker
    session, site, crontab = env
    cron = crontab.add_cron(zcron.Cron("reports", "* * * * *", environ=environ))
    crontab.save_cron(cron)
    session.tm.commit()
    fake_clock.set(T0 + timedelta(minutes=1))
    Worker(session.db, concurrency=1).run(until_idle=True, max_seconds=30)
    session.tm.abort()
    return crontab.get(cron.uid).logs[0]


class TestResult:
    def test_status_message_and_output(self, worker_env, fake_clock):
        log = run_once(worker_env, fake_clock)
        assert (log.status, log.messages, log.output) == ("WARN", ["3 reports"],
                                                          "line 1\nline 2")
        assert log.traceback is None and worker_env[1].reported

    def test_a_failure_rolls_back_the_runs_writes(self, worker_env, fake_clock):
        log = run_once(worker_env, fake_clock, status="failure")
        assert (log.status, log.messages) == ("FAILURE", ["3 reports"])
        assert not hasattr(worker_env[1], "reported")

    def test_output_is_bounded(self, worker_env, fake_clock):
        from zcron.model.log import OUTPUT_LIMIT
        log = run_once(worker_env, fake_clock, status="OK", output="x" * OUTPUT_LIMIT * 2)
        assert log.status == "OK" and log.output.startswith("[... output cut ...]")
        assert len(log.output) < OUTPUT_LIMIT + 30

    @pytest.mark.parametrize("fields, field", [
        (("NOTRUN",), "status"), (("OK", 3), "message"), (("OK", "", b"x"), "output")])
    def test_bad_results_are_refused(self, fields, field):
        from zcron.exceptions import InvalidInput
        with pytest.raises(InvalidInput) as e:
            zcron.Result(*fields)
        assert e.value.field == field
