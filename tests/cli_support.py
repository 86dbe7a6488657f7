"""Shared fixtures and helpers of the command line tests (test_cli_*.py).

Commands run in this process through click's CliRunner against real
databases: every test using the ``uri`` fixture (hence ``zcron``) runs
twice, on a FileStorage in tmp_path and on a fresh storage of a real ZEO
server (see ``ZEOStorages``); test_cli_worker.py adds real processes (the
console script). Every bad input is checked to exit 2 with one line on
stderr and to leave the database as it was, compared by reopening it (see
``snapshot``).

The test_cli_* modules import the fixtures they use by name (the autouse
``cli_env`` included), and with them the fixtures those depend on.
"""
import contextlib
import json
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

UTC = timezone.utc
ZCRON_SCRIPT = Path(sys.executable).with_name("zcron")


# -- fixtures and helpers ------------------------------------------------------------

@pytest.fixture(autouse=True)
def cli_env(tmp_path, monkeypatch):
    """A clean component registry (zcron.config.configure keeps state), no
    zcron settings in the environment, and a working directory of the
    test's own, so that no zcron.ini is found by chance."""
    from zcron import config, testing
    for name in ("ZCRON_DB", "ZCRON_ZCML", "ZCRON_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    testing.teardown_components()
    config.reset()
    yield
    testing.teardown_components()
    config.reset()


class Zcron:
    """``zcron --db URI ARGS...`` in this process; checks the exit status."""

    def __init__(self, uri=None):
        self.uri = uri

    def __call__(self, *args, status=0, input=None, env=None):
        from click.testing import CliRunner

        from zcron.cli import cli
        argv = (["--db", self.uri] if self.uri else []) + [str(a) for a in args]
        result = CliRunner().invoke(cli, argv, input=input, env=env,
                                    catch_exceptions=False)
        assert result.exit_code == status, (
            f"zcron {' '.join(argv)} -> {result.exit_code}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}")
        return result

    def json(self, *args, **kw):
        return json.loads(self(*args, "--json", **kw).stdout)

    def bad(self, *args, **kw):
        """A bad input: exit 2, and exactly one line on stderr."""
        result = self(*args, status=2, **kw)
        assert_one_error_line(result.stderr)
        assert result.stdout == ""
        return result.stderr


def assert_one_error_line(stderr):
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("zcron: error: "), stderr
    assert "Traceback" not in stderr


class ZEOStorages:
    """Real ZEO servers (``runzeo``), each serving PER_SERVER empty
    FileStorages named "1", "2", ...; ``uri()`` hands out one never used
    before, starting another server when all are taken. A fresh storage
    per test, without a server start (~0.4 s) per test."""

    PER_SERVER = 40

    def __init__(self, directory):
        self.directory = Path(directory)
        self.servers = []           # (port, process)
        self.free = []              # (port, storage name)

    def _start(self):
        from zcron.testing import free_port
        directory = self.directory / str(len(self.servers))
        directory.mkdir(parents=True)
        port = free_port()
        args = [sys.executable, "-m", "ZEO.runzeo", "-a", f"127.0.0.1:{port}"]
        for i in range(self.PER_SERVER):
            args += ["-f", str(directory / f"{i + 1}.fs")]     # storage "i + 1"
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        self.servers.append((port, process))
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError("the ZEO server exited at start") from None
                if time.monotonic() > deadline:
                    raise RuntimeError("the ZEO server did not start in 30 s") from None
                time.sleep(0.05)
        self.free = [(port, str(i + 1)) for i in range(self.PER_SERVER)]

    def uri(self):
        if not self.free:
            self._start()
        port, storage = self.free.pop(0)
        return f"zeo://127.0.0.1:{port}?storage={storage}&wait_timeout=30"

    def stop(self):
        for _, process in self.servers:
            if process.poll() is None:
                process.terminate()
        for _, process in self.servers:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.servers = []


@pytest.fixture(scope="module")
def zeo_storages(tmp_path_factory):
    """Fresh ZEO storages for this module's tests (see ZEOStorages)."""
    storages = ZEOStorages(tmp_path_factory.mktemp("zeo"))
    yield storages
    storages.stop()


@pytest.fixture(params=["file", "zeo"])
def uri(request, tmp_path):
    """A fresh database: a FileStorage in tmp_path, or a storage of its own
    on a real ZEO server. Every test using it (``zcron``, ``populated``,
    ``snapshot(uri)``...) runs on both; a test inherently about FileStorage
    is marked ``@file_only``."""
    if request.param == "zeo":
        return request.getfixturevalue("zeo_storages").uri()
    from zcron.db import open_db
    open_db(f"file://{tmp_path}/Data.fs").close()   # read commands make none
    return f"file://{tmp_path}/Data.fs"


# For tests inherently about FileStorage (its lock, one process only).
file_only = pytest.mark.parametrize("uri", ["file"], indirect=True)


@pytest.fixture
def zcron(uri):
    return Zcron(uri)


@contextlib.contextmanager
def database(uri, commit=True):
    """zcron's root container in a database opened here (and closed)."""
    from zcron import config
    from zcron.db import Session, open_db
    config.configure()
    db = open_db(uri)
    try:
        with Session(db) as session:
            yield session.root
            if commit:
                session.tm.commit()
    finally:
        db.close()


def snapshot(uri):
    """Everything zcron keeps, read back from a reopened database: the last
    transaction id, each site's registry and crontab dump (logs included),
    the queue's pending and held jobs, and the marked sites."""
    from zcron.components import load_crontab, marker_for, queue_for
    from zcron.exceptions import InvalidInput
    with database(uri, commit=False) as root:
        tid = root._p_jar.db().lastTransaction()
        sites = {}
        for name, site in root.sites.items():
            try:
                crontab = load_crontab(site).dump()
            except InvalidInput as e:
                crontab = str(e)
            sites[name] = (site.registry, dict(site.registry_options), crontab)
        queue = queue_for(root)
        jobs = sorted((j.key, j.signature) for name in sites
                      for j in queue.site_pending(name))
        return {"tid": tid, "sites": sites, "jobs": jobs, "queued": len(queue),
                "held": sorted(j.key for j in queue.held()),
                "marked": list(marker_for(root).sites())}


def pending(uri, site="default", uid=None):
    """The pending jobs of a site (or of one cron)."""
    from zcron.components import queue_for
    with database(uri, commit=False) as root:
        queue = queue_for(root)
        if uid is not None:
            return queue.pending(site, uid)
        return list(queue.site_pending(site))


def add_logs(uri, uid, *statuses, site="default"):
    """Log entries for a cron, oldest first, one minute apart."""
    from zcron.components import load_crontab
    from zcron.model import Log
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    with database(uri) as root:
        cron = load_crontab(root.sites[site]).get(uid)
        for i, status in enumerate(statuses):
            when = start + timedelta(minutes=i)
            cron.add_log(Log(when, status, [f"{status.lower()} {i}", "second line"],
                             fire_time=when, duration=1.5 + i,
                             traceback="Traceback...\nValueError: x"
                             if status == "FAILURE" else None))


@pytest.fixture
def json_crontab(tmp_path):
    """A crontab file for the read-only 'json' registry."""
    path = tmp_path / "crontab.json"
    path.write_text(json.dumps({"site": "ro", "activated": True, "crons": [
        {"uid": "a" * 32, "name": "report", "periodicity": "0 6 * * *",
         "timezone": "Europe/Zurich"}]}))
    return path


@pytest.fixture
def populated(zcron, uri, json_crontab):
    """A 'default' site with crons hello (with logs), twin (twice), off
    (disabled); a read-only 'ro' site from a JSON file."""
    zcron("site", "add", "default")
    zcron("site", "add", "ro", "--registry", "json", "--path", json_crontab)
    uids = {
        "hello": zcron("add", "hello", "--cron", "*/5 * * * *", "--tz",
                       "Europe/Zurich").stdout.strip(),
        "twin1": zcron("add", "twin", "--cron", "@daily").stdout.strip(),
        "twin2": zcron("add", "twin", "--cron", "@hourly").stdout.strip(),
        "off": zcron("add", "off", "--cron", "0 3 * * *", "--inactive").stdout.strip(),
    }
    add_logs(uri, uids["hello"], "OK", "FAILURE", "WARN", "OK")
    return uids


# -- a host package, for tests needing runners ---------------------------------------------

HOST_JOBS = '''\
import json
import os

import zcron


class Hello(zcron.Runner):
    """Appends a line to environ['out'] (or fails, or warns, as told)."""

    def run(self):
        env = self.environ
        if env.get("signal"):
            import signal
            os.kill(os.getpid(), getattr(signal, env["signal"]))
        if env.get("out"):
            with open(env["out"], "a") as f:
                f.write(f"{self.cron.name} {self.fire_time.isoformat()}\\n")
        if env.get("fail"):
            raise RuntimeError(env["fail"])
        return env.get("warn")


def seen(event):
    """Subscriber: records every finished run in environ['seen']."""
    path = event.object.environ.get("seen")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps({"name": event.object.name,
                                "status": event.log.status}) + "\\n")
'''

HOST_ZCML = '''\
<configure xmlns="http://namespaces.zope.org/zope">
  <include package="zcron" />
  <adapter factory="{package}.jobs.Hello" name="hello" />
  <adapter factory="{package}.jobs.Hello" name="other" />
  <subscriber for="zcron.interfaces.IFinishedCronJobEvent"
              handler="{package}.jobs.seen" />
</configure>
'''


class HostPackage:
    def __init__(self, root, name):
        self.root = root
        self.name = name
        self.dir = root / name
        self.dir.mkdir()
        (self.dir / "__init__.py").write_text("")
        (self.dir / "jobs.py").write_text(HOST_JOBS)
        self.zcml = self.dir / "configure.zcml"
        self.zcml.write_text(HOST_ZCML.format(package=name))


@pytest.fixture
def host_package(tmp_path, monkeypatch):
    """A host package 'zcron_cli_host' in tmp_path, importable here (and by
    subprocesses given PYTHONPATH=tmp_path): runners 'hello' and 'other',
    and a FinishedCronJobEvent subscriber."""
    package = HostPackage(tmp_path, "zcron_cli_host")
    monkeypatch.syspath_prepend(str(tmp_path))

    def forget():
        for name in [m for m in sys.modules if m.split(".")[0] == package.name]:
            del sys.modules[name]
    forget()
    yield package
    forget()
