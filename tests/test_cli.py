"""The zcron command line: global options, settings, errors, sites and crons.

Commands run in this process through click's CliRunner against real
databases: every test using the ``uri`` fixture (hence ``zcron``) runs
twice, on a FileStorage in tmp_path and on a fresh storage of a real ZEO
server (see ``ZEOStorages``); test_cli_worker.py adds real processes (the
console script). Every bad input is checked to exit 2 with one line on
stderr and to leave the database as it was, compared by reopening it (see
``snapshot``).

Shared fixtures and helpers live here; the other test_cli_* modules
import them by name.
"""
import contextlib
import json
import os
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


# -- the program as a whole -----------------------------------------------------------

class TestMain:

    def test_help_lists_commands_in_order(self):
        out = Zcron()("--help").stdout
        commands = ["site", "crontab", "add", "edit", "remove", "enable", "disable",
                    "pause", "resume", "run", "list", "show", "next", "logs",
                    "clear-logs", "dump", "load", "check", "worker"]
        listed = [line.split()[0] for line in out.split("Commands:")[1].splitlines()
                  if line.startswith("  ") and line.split()[0] in commands]
        assert listed == commands
        assert "ZCRON_DB" in out and "zcron.ini" in out

    def test_every_command_has_help_with_an_example(self):
        import click

        from zcron.cli import cli
        paths = []

        def walk(command, path):
            paths.append(path)
            if isinstance(command, click.Group):
                for name, sub in command.commands.items():
                    walk(sub, path + [name])
        walk(cli, [])
        assert len(paths) > 20
        for path in paths:
            out = Zcron()(*path, "--help").stdout
            assert "Example" in out, path
            assert out.startswith("Usage: zcron"), path
            assert Zcron()(*path, "-h").stdout == out

    def test_no_command_prints_help(self):
        assert "Commands:" in Zcron()().stdout
        assert "add" in Zcron()("site").stdout

    def test_version(self):
        assert Zcron()("--version").stdout.startswith("zcron, version ")

    def test_main_exits_with_the_status(self, capsys):
        from zcron.cli import main
        with pytest.raises(SystemExit) as exit:
            main(["next", "--cron", "0 8 * * *", "--after", "2026-01-01", "-n", "1"])
        assert exit.value.code == 0
        assert capsys.readouterr().out == "2026-01-01 08:00 UTC (+00:00)\n"
        with pytest.raises(SystemExit) as exit:
            main(["next", "--cron", "nonsense"])
        assert exit.value.code == 2
        assert_one_error_line(capsys.readouterr().err)

    def test_usage_errors_are_one_line(self, zcron):
        err = zcron.bad("add", "x")
        assert err == ("zcron: error: Missing option '--cron'. "
                       "(see 'zcron add --help')\n")
        assert "No such command 'nope'" in zcron.bad("nope")
        assert "No such option" in zcron.bad("list", "--bogus")

    def test_unexpected_click_exception_keeps_its_status(self, zcron, monkeypatch):
        import click

        from zcron.cli import crons

        def boom(*a, **kw):
            raise click.ClickException("something\nwent wrong")
        monkeypatch.setattr(crons, "parse_environ", boom)
        result = zcron("add", "x", "--cron", "@daily", status=1)
        assert result.stderr == "zcron: error: something went wrong\n"

    def test_interrupted(self, zcron, monkeypatch):
        from zcron.cli import crons

        def interrupt(*a, **kw):
            raise KeyboardInterrupt
        monkeypatch.setattr(crons, "parse_environ", interrupt)
        result = zcron("add", "x", "--cron", "@daily", status=130)
        assert result.stderr.strip() == "zcron: error: interrupted"

    def test_broken_pipe_is_quiet(self, zcron, monkeypatch):
        from zcron.cli import crons
        zcron("site", "add", "default")

        def gone(*a, **kw):
            raise BrokenPipeError
        monkeypatch.setattr(crons, "echo_table", gone)
        monkeypatch.setattr(sys, "stdout", sys.stdout)     # restored afterwards
        result = zcron("list", status=1)
        assert result.stderr == ""

    def test_runtime_errors_exit_1(self, zcron, monkeypatch):
        from zcron.cli import crons
        from zcron.exceptions import ZcronError

        def fail(*a, **kw):
            raise ZcronError("the disk is on fire")
        monkeypatch.setattr(crons, "parse_environ", fail)
        result = zcron("add", "x", "--cron", "@daily", status=1)
        assert result.stderr == "zcron: error: the disk is on fire\n"


class TestTransact:
    """App.transact: conflicts with other writers are retried from scratch."""

    def test_conflict_retried(self, uri, monkeypatch):
        from ZODB.POSException import ConflictError

        from zcron import retry
        from zcron.cli import app as app_module
        monkeypatch.setattr(retry.time, "sleep", lambda s: None)
        app = app_module.App(db=uri)
        calls = []

        def work(root):
            calls.append(1)
            root.components["test"] = len(calls)
            if len(calls) < 3:
                raise ConflictError("busy")
            return "done"
        try:
            assert app.transact(work, note="test") == "done"
        finally:
            app.close()
        assert len(calls) == 3
        with database(uri) as root:
            assert root.components["test"] == 3

    def test_gives_up(self, uri, monkeypatch):
        from ZODB.POSException import ConflictError

        from zcron import retry
        from zcron.cli import app as app_module
        from zcron.exceptions import ZcronError
        monkeypatch.setattr(retry.time, "sleep", lambda s: None)
        app = app_module.App(db=uri)

        def work(root):
            raise ConflictError("busy")
        try:
            with pytest.raises(ZcronError, match="5 attempts conflicted"):
                app.transact(work)
        finally:
            app.close()

    def test_one_database_and_session_per_app(self, uri):
        from zcron.cli.app import App
        app = App(db=uri)
        try:
            assert app.open_db() is app.open_db()
            assert app.session() is app.session()
            app.transact(lambda root: root.components.__setitem__("x", 1))  # no note
        finally:
            app.close()
            app.close()
        with database(uri) as root:
            assert root.components["x"] == 1


class TestOutput:

    def test_times(self):
        from zcron.cli.output import format_time, iso_time, zone
        winter = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
        assert format_time(winter, "Europe/Zurich") == "2026-11-22 08:00 CET (+01:00)"
        assert format_time(winter, "Europe/Zurich", utc=True) == (
            "2026-11-22 07:00 UTC (+00:00)")
        assert format_time(winter.replace(second=5), "America/St_Johns") == (
            "2026-11-22 03:30:05 NST (-03:30)")
        assert format_time(None) == "-"
        assert iso_time(winter, "Asia/Kolkata") == "2026-11-22T12:30:00+05:30"
        assert iso_time(None) is None
        assert zone("No/Such_Zone") is UTC        # a zone gone from the tz database

    @pytest.mark.parametrize("seconds,text", [
        (None, "-"), (0.001234, "0.00s"), (9.994, "9.99s"), (10, "10.0s"),
        (119.94, "119.9s"), (120, "2m00s"), (3599, "59m59s"), (7199, "119m59s"),
        (7200, "2h00m"), (90061, "25h01m")])
    def test_durations(self, seconds, text):
        from zcron.cli.output import format_duration
        assert format_duration(seconds) == text

    def test_seconds_and_plurals(self):
        from zcron.cli.output import format_seconds, plural
        assert [format_seconds(v) for v in (None, 3600, 3600.0, 1.5)] == [
            "-", "3600", "3600", "1.5"]
        assert [plural(n, "cron") for n in (0, 1, 2)] == ["0 crons", "1 cron", "2 crons"]

    def test_table(self):
        from zcron.cli.output import table
        assert table(["A", "LONG HEADER", "C"], [["xx", None, "last column"]]) == (
            "A   LONG HEADER  C\n"
            "xx  -            last column")


# -- settings ---------------------------------------------------------------------------

class TestSettings:

    def test_db_option(self, tmp_path):
        Zcron(f"file://{tmp_path}/a/Data.fs")("site", "add", "default")
        assert (tmp_path / "a" / "Data.fs").exists()

    def test_bare_path_is_a_file(self, tmp_path):
        Zcron(str(tmp_path / "b.fs"))("site", "add", "default")
        assert (tmp_path / "b.fs").exists()

    def test_default_db(self, tmp_path):
        Zcron()("site", "add", "default")
        assert (tmp_path / "var" / "Data.fs").exists()

    def test_environment(self, tmp_path):
        z = Zcron()
        z("site", "add", "default", env={"ZCRON_DB": f"file://{tmp_path}/env.fs"})
        assert (tmp_path / "env.fs").exists()
        assert not (tmp_path / "var").exists()

    def test_option_beats_environment(self, tmp_path):
        Zcron(f"file://{tmp_path}/opt.fs")("site", "add", "default",
                                            env={"ZCRON_DB": f"file://{tmp_path}/env.fs"})
        assert (tmp_path / "opt.fs").exists()
        assert not (tmp_path / "env.fs").exists()

    def test_ini_in_working_directory(self, tmp_path, host_package):
        (tmp_path / "zcron.ini").write_text(
            "[zcron]\ndb = file://data/Data.fs\n"
            f"zcml = {host_package.zcml.relative_to(tmp_path)}\n"
            "[users]\nadmin = secret\n")
        z = Zcron()
        z("site", "add", "default")
        assert (tmp_path / "data" / "Data.fs").exists()
        out = z("check").stdout        # the host's runners are known
        assert "runners not checked" not in out

    def test_config_option_paths_relative_to_the_file(self, tmp_path, host_package):
        conf = tmp_path / "etc"
        conf.mkdir()
        (conf / "deploy.ini").write_text(
            "[zcron]\ndb = var/x.fs\n"
            f"zcml =\n  ../{host_package.zcml.relative_to(tmp_path)}\n")
        z = Zcron()
        z("--config", conf / "deploy.ini", "site", "add", "default")
        assert (conf / "var" / "x.fs").exists()
        assert "runners not checked" not in z("--config", conf / "deploy.ini",
                                               "check").stdout
        # the environment names it too
        z("site", "list", env={"ZCRON_CONFIG": str(conf / "deploy.ini")})

    def test_config_db_forms(self, tmp_path):
        from zcron.cli.app import read_config
        ini = tmp_path / "z.ini"
        for given, wanted in [
            ("file:///abs/Data.fs", "file:///abs/Data.fs"),
            ("file://rel/Data.fs", f"file://{tmp_path}/rel/Data.fs"),
            ("zeo://localhost:8100", "zeo://localhost:8100"),
            ("memory://", "memory://"),
            ("", None),
        ]:
            ini.write_text(f"[zcron]\ndb = {given}\n")
            assert read_config(str(ini)).get("db") == wanted, given
        ini.write_text("[users]\nadmin = x\n")
        assert read_config(str(ini)) == {}

    def test_zcml_environment_is_a_path_list(self, tmp_path, host_package, zcron):
        other = tmp_path / "other.zcml"
        other.write_text('<configure xmlns="http://namespaces.zope.org/zope" />')
        zcron("site", "add", "default")
        zcron("add", "hello", "--cron", "@daily")
        out = zcron("check", env={
            "ZCRON_ZCML": os.pathsep.join([str(host_package.zcml), str(other)])}).stdout
        assert out.startswith("ok: 1 cron checked")
        assert "note" not in out

    def test_option_zcml_beats_config(self, tmp_path, host_package, zcron):
        (tmp_path / "zcron.ini").write_text("[zcron]\nzcml = missing.zcml\n")
        zcron("--zcml", host_package.zcml, "site", "add", "default")
        assert "missing.zcml" in zcron.bad("site", "list")

    def test_bad_config(self, tmp_path):
        ini = tmp_path / "bad.ini"
        ini.write_text("no section header\n")
        err = Zcron().bad("--config", ini, "list")
        assert "invalid config file" in err
        ini.write_bytes(b"[zcron]\ndb = \xff\xfe\n")
        assert "invalid config file" in Zcron().bad("--config", ini, "list")
        assert "does not exist" in Zcron().bad("--config", tmp_path / "nope.ini", "list")

    def test_unreadable_config(self, tmp_path):
        from zcron.cli.app import read_config
        from zcron.exceptions import InvalidInput
        with pytest.raises(InvalidInput, match="No such file"):
            read_config(str(tmp_path / "gone.ini"))

    def test_bad_zcml(self, tmp_path, zcron):
        assert "no such file" in zcron.bad("--zcml", tmp_path / "nope.zcml", "site", "list")
        broken = tmp_path / "broken.zcml"
        broken.write_text("<configure><unclosed></configure>")
        assert "invalid zcml" in zcron.bad("--zcml", broken, "site", "list")

    def test_bad_uri(self, tmp_path):
        assert "unknown scheme 'foo'" in Zcron("foo://bar")("site", "list", status=2).stderr
        Zcron("foo://bar").bad("list")
        assert "no file path" in Zcron("file://").bad("list")

    def test_next_with_cron_needs_no_database(self, tmp_path):
        Zcron("foo://bar")("next", "--cron", "@daily")
        assert not (tmp_path / "var").exists()


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


# -- sites and crontabs -------------------------------------------------------------------

class TestSite:

    def test_add_list_remove(self, zcron, uri):
        assert zcron("site", "list").stdout.startswith("(no sites;")
        assert zcron("site", "add", "default").stdout == (
            "added site 'default' (registry zodb: 0 crons, crontab on)\n")
        info = zcron.json("site", "add", "shop")
        assert info == {"name": "shop", "registry": "zodb", "registry_options": {},
                        "activated": True, "read_only": False, "crons": 0, "error": None}
        assert snapshot(uri)["marked"] == ["default", "shop"]
        out = zcron("site", "list").stdout.splitlines()
        assert out[0].split() == ["SITE", "REGISTRY", "CRONTAB", "CRONS", "DETAILS"]
        assert out[1].split() == ["default", "zodb", "on", "0"]
        assert [s["name"] for s in zcron.json("site", "list")] == ["default", "shop"]
        zcron("add", "hello", "--cron", "@daily", "--site", "shop")
        assert zcron("site", "remove", "shop").stdout == (
            "removed site 'shop' (1 crons, 1 queued jobs)\n")
        state = snapshot(uri)
        assert list(state["sites"]) == ["default"]
        assert state["marked"] == ["default"] and state["queued"] == 0

    def test_remove_json_and_held_jobs(self, zcron, uri):
        from zcron.components import queue_for
        from zcron.queue.base import QUEUED, Job
        zcron("site", "add", "shop")
        zcron("site", "add", "default")
        uid = zcron("add", "hello", "--cron", "@daily", "--site", "shop").stdout.strip()
        other = zcron("add", "x", "--cron", "@daily").stdout.strip()
        with database(uri) as root:
            queue_for(root).hold(Job("shop", uid, 1, 1, QUEUED))
            queue_for(root).hold(Job("default", other, 1, 1, QUEUED))
        assert snapshot(uri)["held"]
        assert zcron.json("site", "remove", "shop") == {
            "removed": "shop", "crons": 1, "jobs": 2}
        assert len(snapshot(uri)["held"]) == 1       # the other site's

    def test_remove_unreadable_json_site(self, zcron, uri, json_crontab):
        zcron("site", "add", "ro", "--registry", "json", "--path", json_crontab)
        json_crontab.write_text("{oops")
        assert zcron("site", "remove", "ro").stdout == (
            "removed site 'ro' (? crons, 1 queued jobs)\n")

    def test_json_registry(self, zcron, uri, json_crontab):
        out = zcron("site", "add", "ro", "--registry", "json", "--path",
                    json_crontab).stdout
        assert out == "added site 'ro' (registry json: 1 crons, crontab on, read-only)\n"
        assert len(pending(uri, "ro")) == 1           # its cron is scheduled at once
        [info] = zcron.json("site", "list")
        assert info["registry_options"] == {"path": str(json_crontab)}
        assert info["read_only"] is True
        assert "read-only " + str(json_crontab) in zcron("site", "list").stdout
        json_crontab.write_text("[")                  # broken after the fact
        row = zcron("site", "list").stdout.splitlines()[1]
        assert row.split()[:4] == ["ro", "json", "error", "-"]
        assert "malformed JSON" in row
        assert "malformed JSON" in zcron.json("site", "list")[0]["error"]

    def test_relative_json_path_is_made_absolute(self, zcron, json_crontab):
        zcron("site", "add", "ro", "--registry", "json", "--path", json_crontab.name)
        assert zcron.json("site", "list")[0]["registry_options"]["path"] == str(json_crontab)

    def test_bad_input(self, zcron, uri, tmp_path):
        zcron("site", "add", "default")
        before = snapshot(uri)
        assert "a site with this name exists" in zcron.bad("site", "add", "default")
        assert "invalid site ' '" in zcron.bad("site", "add", " ")
        assert "known: json, zodb" in zcron.bad("site", "add", "x", "--registry", "ldap")
        assert "--path is for" in zcron.bad("site", "add", "x", "--path", "a.json")
        assert "needs a 'path'" in zcron.bad("site", "add", "x", "--registry", "json")
        err = zcron.bad("site", "add", "x", "--registry", "json", "--path", "gone.json")
        assert "invalid crontab file" in err
        bad = tmp_path / "bad.json"
        bad.write_text('{"crons": [{"name": "x", "periodicity": "bad"}]}')
        assert "invalid cron expression" in zcron.bad(
            "site", "add", "x", "--registry", "json", "--path", bad)
        assert "no such site" in zcron.bad("site", "remove", "nope")
        assert snapshot(uri) == before


class TestCrontab:

    def test_disable_enable_show(self, zcron, uri):
        zcron("site", "add", "default")
        zcron("add", "a", "--cron", "@daily")
        zcron("add", "b", "--cron", "@daily", "--inactive")
        uid = zcron("add", "c", "--cron", "@daily").stdout.strip()
        zcron("pause", uid)
        assert zcron("crontab", "show").stdout.splitlines() == [
            "site:      default",
            "registry:  zodb",
            "crontab:   on",
            "crons:     3: 1 on, 1 off, 1 paused",
            "queued:    1 jobs",
        ]
        assert zcron("crontab", "disable").stdout == (
            "disabled the crontab of site 'default' (3 crons, 0 jobs queued)\n")
        assert snapshot(uri)["queued"] == 0
        assert "crontab:   off (no cron runs)" in zcron("crontab", "show").stdout
        info = zcron.json("crontab", "enable")
        assert info == {"site": "default", "registry": "zodb", "activated": True,
                        "read_only": False, "crons": 3, "on": 1, "off": 1, "paused": 1,
                        "queued": 1}
        assert zcron.json("crontab", "disable")["activated"] is False
        assert zcron.json("crontab", "show")["activated"] is False
        assert zcron("crontab", "enable").stdout.startswith("enabled the crontab")

    def test_read_only(self, zcron, uri, json_crontab):
        zcron("site", "add", "ro", "--registry", "json", "--path", json_crontab)
        before = snapshot(uri)
        err = zcron.bad("crontab", "disable", "--site", "ro")
        assert "the crontab of site 'ro' is read-only" in err
        assert str(json_crontab) in err
        assert "registry:  json (read-only)" in zcron("crontab", "show", "--site", "ro").stdout
        assert snapshot(uri) == before

    def test_read_only_without_path(self, zcron, uri):
        """A host's own read-only registry, with no 'path' option."""
        from zope.component import getGlobalSiteManager
        from zope.interface import implementer

        from zcron.interfaces import ICronSite, IRegistryManager
        from zcron.model import Crontab

        @implementer(IRegistryManager)
        class Fixed:
            read_only = True

            def __init__(self, site):
                self.site = site

            def load(self):
                crontab = Crontab(site=self.site.name)
                crontab.__parent__ = self.site
                crontab.read_only = True
                return crontab

            def save(self, crontab, crons=None):
                pass
        from zcron import config
        config.configure()
        getGlobalSiteManager().registerAdapter(Fixed, (ICronSite,), IRegistryManager,
                                               name="fixed")
        zcron("site", "add", "f", "--registry", "fixed")
        err = zcron.bad("add", "x", "--cron", "@daily", "--site", "f")
        assert "its 'fixed' registry reads it from a file; change" in err


# -- crons ----------------------------------------------------------------------------------

class TestAdd:

    def test_add_prints_the_uid(self, zcron, uri):
        zcron("site", "add", "default")
        uid = zcron("add", "hello", "--cron", "*/5 * * * *").stdout.strip()
        assert len(uid) == 32
        [job] = pending(uri, uid=uid)
        assert job.kind == "schedule"
        crontab = snapshot(uri)["sites"]["default"][2]
        assert crontab["crons"][0]["uid"] == uid

    def test_every_option(self, zcron):
        zcron("site", "add", "shop")
        data = zcron.json(
            "add", "report", "--cron", "0 8 * * MON-FRI", "--tz", "Europe/Zurich",
            "--environ", '{"days": 7, "to": ["a@b.c"]}', "--inactive", "--site", "shop",
            "--missed", "all", "--catchup-window", "2h", "--overlap", "queue-one",
            "--timeout", "5m", "--warn-after", "90", "--retries", "3",
            "--retry-backoff", "1.5", "--jitter", "30s", "--retry-interrupted",
            "--logs-limit", "50")
        assert data == {
            "uid": data["uid"], "name": "report", "user": "", "activated": False,
            "periodicity": "0 8 * * MON-FRI", "timezone": "Europe/Zurich",
            "logs_limit": 50, "environ": {"days": 7, "to": ["a@b.c"]}, "missed": "all",
            "catchup_window": 7200, "overlap": "queue-one", "timeout": 300,
            "warn_after": 90, "retries": 3, "retry_backoff": 1.5, "jitter": 30,
            "retry_interrupted": True, "paused_until": None, "pause_note": "",
            "logs": []}

    def test_defaults(self, zcron):
        zcron("site", "add", "default")
        data = zcron.json("add", "x", "--cron", "@daily")
        assert (data["timezone"], data["activated"], data["environ"]) == ("UTC", True, {})
        assert (data["missed"], data["overlap"], data["timeout"]) == ("once", "skip", None)

    @pytest.mark.parametrize("text,seconds", [
        ("90", 90), ("1.5", 1.5), ("30s", 30), ("5m", 300), ("2min", 120),
        ("2h", 7200), ("1d", 86400), ("0.5M", 30), ("1e2", 100)])
    def test_durations(self, zcron, text, seconds):
        zcron("site", "add", "default")
        assert zcron.json("add", "x", "--cron", "@daily", "--jitter", text)["jitter"] \
            == seconds

    def test_bad_durations(self, zcron, uri):
        zcron("site", "add", "default")
        before = snapshot(uri)
        for text in ("abc", "-5", "1e400", "5 weeks", "none"):
            err = zcron.bad("add", "x", "--cron", "@daily", "--jitter", text)
            assert "is not a duration" in err
        assert "'none' for no limit" in zcron.bad("add", "x", "--cron", "@daily",
                                                  "--timeout", "forever")
        assert "invalid timeout 0" in zcron.bad("add", "x", "--cron", "@daily",
                                               "--timeout", "0")
        assert "not in the range" in zcron.bad("add", "x", "--cron", "@daily",
                                              "--logs-limit", "0")
        assert "'sometimes' is not one of" in zcron.bad(
            "add", "x", "--cron", "@daily", "--missed", "sometimes")
        assert snapshot(uri) == before


class TestEdit:

    def test_edit_fields(self, zcron, uri, populated):
        uid = populated["hello"]
        [before] = pending(uri, uid=uid)
        out = zcron("edit", "hello", "--cron", "0 9 * * *", "--tz", "America/New_York",
                    "--environ", '{"a": 1}', "--timeout", "1m", "--jitter", "0").stdout
        assert out == (f"edited hello ({uid}): environ, jitter, periodicity, "
                       "timeout, timezone\n")
        data = zcron.json("show", uid)
        assert (data["periodicity"], data["timezone"], data["environ"], data["timeout"]) \
            == ("0 9 * * *", "America/New_York", {"a": 1}, 60)
        [after] = pending(uri, uid=uid)
        assert after.fire_time != before.fire_time
        assert after.fire_time.astimezone().minute == 0
        assert len(data["logs"]) == 4                   # logs are kept

    def test_rename_and_clear(self, zcron, populated):
        uid = populated["hello"]
        zcron("edit", uid, "--timeout", "10", "--warn-after", "5")
        data = zcron.json("edit", uid, "--name", "renamed", "--timeout", "none",
                          "--warn-after", "off", "--no-retry-interrupted")
        assert (data["name"], data["timeout"], data["warn_after"]) == ("renamed", None, None)
        assert data["retry_interrupted"] is False
        assert zcron.json("show", "renamed")["uid"] == uid
        zcron.bad("show", "hello")

    def test_nothing_is_changed_unless_all_is_valid(self, zcron, uri, populated):
        before = snapshot(uri)
        assert "invalid time zone" in zcron.bad(
            "edit", "hello", "--cron", "0 9 * * *", "--tz", "Mars/Olympus_Mons")
        assert "invalid cron expression" in zcron.bad(
            "edit", "hello", "--cron", "61 * * * *", "--name", "new")
        assert "invalid environ" in zcron.bad("edit", "hello", "--environ", '"text"')
        assert "invalid name" in zcron.bad("edit", "hello", "--name", "  ")
        assert "nothing to change" in zcron.bad("edit", "hello")
        assert "read-only" in zcron.bad("edit", "a" * 32, "--site", "ro", "--jitter", "1")
        assert snapshot(uri) == before


class TestRemoveAndSwitches:

    def test_remove(self, zcron, uri, populated):
        uid = populated["hello"]
        assert zcron("remove", "hello").stdout == f"removed hello ({uid})\n"
        assert pending(uri, uid=uid) == []
        twin = zcron.json("remove", populated["twin1"])
        assert twin["uid"] == populated["twin1"] and twin["periodicity"] == "@daily" \
            or twin["periodicity"] == "0 0 * * *"
        assert [c["name"] for c in zcron.json("list")] == ["twin", "off"]

    def test_remove_then_load_back(self, zcron, uri, populated, tmp_path):
        data = zcron.json("remove", "hello")
        assert len(data["logs"]) == 4
        (tmp_path / "one.json").write_text(json.dumps([data]))
        zcron("load", tmp_path / "one.json")
        assert zcron.json("show", "hello")["logs"] == data["logs"]

    def test_disable_enable(self, zcron, uri, populated):
        uid = populated["hello"]
        assert zcron("disable", "hello").stdout == f"disabled hello ({uid})\n"
        assert pending(uri, uid=uid) == []
        assert zcron.json("show", "hello")["state"] == "off"
        assert zcron.json("enable", uid)["activated"] is True
        assert len(pending(uri, uid=uid)) == 1
        assert zcron("enable", "off").stdout.startswith("enabled off")

    def test_pause_forever_and_resume(self, zcron, uri, populated):
        uid = populated["hello"]
        out = zcron("pause", "hello", "--note", "migration").stdout
        assert out == f"paused hello ({uid}) until resumed\n"
        assert pending(uri, uid=uid) == []
        data = zcron.json("show", "hello")
        assert (data["state"], data["pause_note"]) == ("paused", "migration")
        assert data["next_runs"] == []
        assert zcron("resume", "hello").stdout == f"resumed hello ({uid})\n"
        assert len(pending(uri, uid=uid)) == 1
        assert zcron.json("resume", "hello")["paused_until"] is None

    def test_pause_until_in_the_crons_zone(self, zcron, uri, populated):
        """A time without offset is read on the cron's wall clock."""
        out = zcron("pause", "hello", "--until", "2099-07-01T08:00").stdout
        assert out.endswith("until 2099-07-01 08:00 CEST (+02:00)\n")
        data = zcron.json("show", "hello")
        assert data["paused_until"] == "2099-07-01T06:00:00+00:00"
        assert data["next_runs"][0].startswith("2099-07-01T08:05:00")
        [job] = pending(uri, uid=populated["hello"])
        assert job.fire_time == datetime(2099, 7, 1, 6, 5, tzinfo=UTC)
        zcron("pause", "hello", "--until", "2099-07-01T08:00Z")
        assert zcron.json("show", "hello")["paused_until"] == "2099-07-01T08:00:00+00:00"
        zcron("pause", "hello", "--until", "2099-07-01T08:00-05:00")
        assert zcron.json("show", "hello")["paused_until"] == "2099-07-01T13:00:00+00:00"

    def test_pause_relative(self, zcron, populated):
        from zcron.cli.params import parse_time
        data = zcron.json("pause", "hello", "--until", "+2h")
        until = datetime.fromisoformat(data["paused_until"])
        expected = datetime.now(UTC) + timedelta(hours=2)
        assert abs((until - expected).total_seconds()) < 60
        assert parse_time("+1d", "until", "UTC", relative=True) > expected

    def test_pause_bad_input(self, zcron, uri, populated):
        before = snapshot(uri)
        assert "expected an ISO 8601" in zcron.bad("pause", "hello", "--until", "soon")
        assert "+2h" in zcron.bad("pause", "hello", "--until", "")
        assert "is in the past" in zcron.bad("pause", "hello", "--until", "2020-01-01")
        assert "expected +DURATION" in zcron.bad("pause", "hello", "--until", "+2x")
        assert "2 crons have this name" in zcron.bad("pause", "twin")
        assert snapshot(uri) == before


class TestRun:

    def test_run_queues_a_manual_job(self, zcron, uri, populated):
        uid = populated["hello"]
        out = zcron("run", "hello").stdout
        assert out.startswith(f"queued a run of hello ({uid}) due now (")
        assert out.endswith("); a worker will run it\n")
        assert "CET (+01:00)" in out or "CEST (+02:00)" in out
        kinds = sorted(job.kind for job in pending(uri, uid=uid))
        assert kinds == ["manual", "schedule"]
        data = zcron.json("run", populated["twin1"])
        assert (data["kind"], data["name"], data["site"]) == ("manual", "twin", "default")
        datetime.fromisoformat(data["due"])

    def test_refused_when_it_would_not_run(self, zcron, uri, populated):
        before = snapshot(uri)
        assert "it is disabled" in zcron.bad("run", "off")
        assert snapshot(uri) == before
        zcron("pause", "hello")
        zcron("crontab", "disable")
        off = snapshot(uri)
        assert "the crontab of site 'default' is disabled" in zcron.bad("run", "hello")
        assert snapshot(uri) == off
        zcron("crontab", "enable")
        paused = snapshot(uri)
        assert "it is paused" in zcron.bad("run", "hello")
        assert snapshot(uri) == paused
        assert before != paused

    def test_run_on_a_read_only_site(self, zcron, uri, populated):
        """Running a cron changes the queue, not the crontab: allowed."""
        assert zcron.json("run", "report", "--site", "ro")["kind"] == "manual"


class TestList:

    def test_table(self, zcron, populated):
        lines = zcron("list").stdout.splitlines()
        assert lines[0].split() == ["NAME", "STATE", "SCHEDULE", "NEXT", "RUN", "LAST",
                                    "RUN", "STATUS", "DURATION", "UID"]
        hello = lines[1]
        assert hello.startswith("hello  on     */5 * * * * (Europe/Zurich)")
        assert "2026-01-05 09:03 CET (+01:00)  OK      4.50s" in hello
        assert hello.endswith(populated["hello"])
        off = lines[4]
        assert off.split()[:2] == ["off", "off"]
        assert " -  " in off                   # no next run, no last run

    def test_utc(self, zcron, populated):
        line = zcron("list", "--utc").stdout.splitlines()[1]
        assert "2026-01-05 08:03 UTC (+00:00)" in line

    def test_json(self, zcron, populated):
        crons = zcron.json("list")
        assert [c["name"] for c in crons] == ["hello", "twin", "twin", "off"]
        hello = crons[0]
        assert "logs" not in hello
        assert (hello["state"], hello["last_status"], hello["last_duration"]) == (
            "on", "OK", 4.5)
        assert hello["last_run"] == "2026-01-05T09:03:00+01:00"
        assert datetime.fromisoformat(hello["next_run"]).utcoffset() in (
            timedelta(hours=1), timedelta(hours=2))
        assert crons[3]["next_run"] is None and crons[3]["last_run"] is None
        utc = zcron.json("list", "--utc")[0]
        assert utc["last_run"] == "2026-01-05T08:03:00+00:00"

    def test_filter_by_name(self, zcron, populated):
        assert [c["uid"] for c in zcron.json("list", "--name", "twin")] == [
            populated["twin1"], populated["twin2"]]
        assert zcron.json("list", "--name", "nobody") == []

    def test_paused_with_note_and_disabled_crontab(self, zcron, populated):
        zcron("pause", "hello", "--note", "db upgrade")
        assert zcron.json("list")[0]["next_run"] is None
        zcron("crontab", "disable")
        result = zcron("list")
        assert "hello  paused (db upgrade)" in result.stdout
        assert result.stderr == ("note: the crontab of site 'default' is disabled: "
                                 "no cron runs (zcron crontab enable)\n")
        assert all(c["next_run"] is None for c in zcron.json("list"))

    def test_next_run_from_the_schedule_when_nothing_is_queued(self, zcron, uri,
                                                               populated):
        """A json site's crons before any worker synchronised it, say."""
        from zcron.components import queue_for
        with database(uri) as root:
            queue_for(root).clear_site("ro")
        [report] = zcron.json("list", "--site", "ro")
        assert report["next_run"].endswith(("T06:00:00+01:00", "T06:00:00+02:00"))

    def test_empty(self, zcron):
        zcron("site", "add", "default")
        assert zcron("list").stdout == (
            "(no crons in site 'default'; add one with: zcron add NAME --cron EXPR)\n")
        assert zcron.json("list") == []


class TestShow:

    def test_text(self, zcron, uri, populated):
        zcron("edit", "hello", "--jitter", "30", "--environ", '{"days": 7}')
        zcron("run", "hello")
        out = zcron("show", "hello").stdout
        lines = out.splitlines()
        assert lines[0] == "name:              hello"
        assert lines[1] == f"uid:               {populated['hello']}"
        assert "state:             on" in lines
        assert "schedule:          */5 * * * *  (every 5 minutes)" in lines
        assert "time zone:         Europe/Zurich" in lines
        assert 'environ:           {"days": 7}' in lines
        assert "retries:           0 (backoff 60)" in lines
        assert any(line.startswith("jitter:            30 (this cron: +") for line in lines)
        assert "timeout:           -" in lines
        assert "retry interrupted: no" in lines
        queued = [line for line in lines if "(manual)" in line or "(schedule)" in line]
        assert len(queued) == 2
        next_runs = lines.index(next(line for line in lines if line.startswith("next runs:")))
        assert all("(+0" in line for line in lines[next_runs:next_runs + 5])
        assert lines[next_runs + 5].startswith("last runs:")
        assert lines[next_runs + 6].split() == ["DATE", "STATUS", "DURATION", "MESSAGE"]
        assert lines[next_runs + 7].startswith("  2026-01-05 09:03 CET (+01:00)  OK")
        assert lines[next_runs + 7].endswith("ok 3 (+1 more)")
        assert len(lines) == next_runs + 11

    def test_text_utc_paused_and_off(self, zcron, populated):
        zcron("pause", "hello", "--until", "2099-01-01T00:00", "--note", "why")
        zcron("crontab", "disable")
        out = zcron("show", "hello", "--utc").stdout
        assert ("state:             paused until 2098-12-31 23:00 UTC (+00:00) (why); "
                "the site's crontab is off: no run") in out
        assert "queued:            nothing" in out
        assert "next runs:         none" in out
        zcron("pause", "off")
        assert "state:             off" in zcron("show", "off").stdout
        zcron("crontab", "enable")
        zcron("pause", "hello")
        assert "state:             paused until resumed (why)" not in zcron("show",
                                                                          "hello").stdout
        assert "state:             paused until resumed\n" in zcron("show", "hello").stdout

    def test_no_logs(self, zcron, populated):
        out = zcron("show", "off").stdout
        assert out.endswith("last runs:         none\n")

    def test_json(self, zcron, populated):
        data = zcron.json("show", populated["hello"])
        for key in ("uid", "name", "periodicity", "timezone", "environ", "logs",
                    "missed", "overlap", "timeout", "paused_until"):
            assert key in data
        assert (data["site"], data["state"], data["description"]) == (
            "default", "on", "every 5 minutes")
        assert len(data["next_runs"]) == 5 and len(data["queued"]) == 1
        assert data["queued"][0]["kind"] == "schedule"
        assert [log["status"] for log in data["logs"]] == ["OK", "WARN", "FAILURE", "OK"]
        utc = zcron.json("show", "hello", "--utc")
        assert all(t.endswith("+00:00") for t in utc["next_runs"])

    def test_unknown_and_ambiguous(self, zcron, uri, populated):
        before = snapshot(uri)
        assert "invalid cron 'nope': no such cron in site 'default'" in zcron.bad(
            "show", "nope")
        assert "2 crons have this name; give the uid" in zcron.bad("show", "twin")
        assert "no such site" in zcron.bad("show", "hello", "--site", "nope")
        assert snapshot(uri) == before


class TestNext:

    def test_expression(self):
        out = Zcron()("next", "--cron", "30 2 * * *", "--tz", "Europe/Zurich",
                      "--after", "2026-03-28", "-n", "3").stdout
        assert out == ("2026-03-28 02:30 CET (+01:00)\n"
                       "2026-03-29 03:00 CEST (+02:00)\n"          # the DST gap
                       "2026-03-30 02:30 CEST (+02:00)\n")

    def test_expression_json_utc_and_seconds(self):
        z = Zcron()
        assert z.json("next", "--cron", "*/20 * * * * *", "--after",
                      "2026-01-01T00:00:00Z", "-n", "2") == [
            "2026-01-01T00:00:20+00:00", "2026-01-01T00:00:40+00:00"]
        out = z("next", "--cron", "*/20 * * * * *", "--after", "2026-01-01T00:00:00Z",
                "-n", "1").stdout
        assert out == "2026-01-01 00:00:20 UTC (+00:00)\n"
        assert z.json("next", "--cron", "0 8 * * *", "--tz", "Asia/Kolkata",
                      "--after", "2026-01-01T00:00+05:30", "-n", "1", "--utc") == [
            "2026-01-01T02:30:00+00:00"]

    def test_default_now(self):
        [first] = Zcron().json("next", "--cron", "* * * * *", "-n", "1")
        delta = datetime.fromisoformat(first) - datetime.now(UTC)
        assert timedelta(0) < delta <= timedelta(minutes=1)

    def test_saved_cron_with_jitter_and_pause(self, zcron, populated):
        zcron("edit", "hello", "--jitter", "60")
        times = zcron.json("next", "hello", "--after", "2099-01-01T00:00", "-n", "3")
        starts = [datetime.fromisoformat(t) for t in times]
        assert [t.minute // 5 for t in starts] == [1, 2, 3]
        assert len({t.second + t.microsecond / 1e6 for t in starts}) == 1   # same jitter
        zcron("pause", "hello", "--until", "2099-01-01T10:00")
        [first] = zcron.json("next", "hello", "--after", "2099-01-01T00:00", "-n", "1")
        assert first.startswith("2099-01-01T10:05:")
        out = zcron("next", "hello", "--after", "2099-01-01T00:00", "-n", "1", "--utc")
        assert out.stdout.startswith("2099-01-01 09:05")

    def test_saved_cron_off(self, zcron, populated):
        result = zcron("next", "off", "-n", "2")
        assert len(result.stdout.splitlines()) == 2
        assert result.stderr.startswith("note: this cron is off")

    def test_no_fire_time(self, zcron, populated):
        zcron("pause", "hello")
        assert zcron("next", "hello").stdout == "(no fire time)\n"
        assert zcron.json("next", "hello") == []

    def test_bad_input(self, zcron, uri, populated):
        before = snapshot(uri)
        assert "give either a CRON or --cron" in zcron.bad("next")
        assert "give either a CRON or --cron" in zcron.bad("next", "hello", "--cron", "@daily")
        assert "--tz goes with --cron" in zcron.bad("next", "hello", "--tz", "UTC")
        assert "invalid cron expression" in zcron.bad("next", "--cron", "* * *")
        assert "invalid time zone" in zcron.bad("next", "--cron", "@daily", "--tz", "Nope")
        assert "invalid after" in zcron.bad("next", "--cron", "@daily", "--after", "x")
        assert "invalid after" in zcron.bad("next", "hello", "--after", "x")
        assert "not in the range" in zcron.bad("next", "--cron", "@daily", "-n", "0")
        assert snapshot(uri) == before


# -- bad input everywhere: exit 2, one line, the database unchanged ---------------------------

BAD_INPUTS = [
    ("add x --cron", ["add", "x", "--cron", "not a cron"], "invalid cron expression"),
    ("add x --tz", ["add", "x", "--cron", "@daily", "--tz", "Mars/Base"], "invalid time zone"),
    ("environ JSON", ["add", "x", "--cron", "@daily", "--environ", "{bad"], "malformed JSON"),
    ("environ list", ["add", "x", "--cron", "@daily", "--environ", "[1]"], "JSON object"),
    ("environ NaN", ["add", "x", "--cron", "@daily", "--environ", '{"a": NaN}'],
     "JSON-serialisable"),
    ("edit expr", ["edit", "hello", "--cron", "* * * * * * *"], "invalid cron expression"),
    ("edit tz", ["edit", "hello", "--tz", "Nowhere"], "invalid time zone"),
    ("status", ["logs", "hello", "--status", "MAYBE"], "invalid status 'MAYBE'"),
    ("unknown cron", ["remove", "nope"], "no such cron"),
    ("unknown uid", ["enable", "f" * 32], "no such cron"),
    ("ambiguous", ["remove", "twin"], "2 crons have this name"),
    ("missing site", ["add", "x", "--cron", "@daily", "--site", "nope"], "no such site"),
    ("missing site list", ["list", "--site", "nope"], "no such site"),
    ("read-only add", ["add", "x", "--cron", "@daily", "--site", "ro"], "read-only"),
    ("read-only remove", ["remove", "report", "--site", "ro"], "read-only"),
    ("read-only load", ["load", "{empty}", "--site", "ro"], "read-only"),
    ("duplicate uid", ["load", "{duplicate}"], "a cron with this uid already exists"),
    ("duplicate in file", ["load", "{twice}"], "appears twice"),
    ("malformed file", ["load", "{malformed}"], "malformed JSON"),
    ("bad cron late in file", ["load", "{late}"], "crons[99]"),
    ("not a dump", ["load", "{number}"], "a crontab must be an object"),
    ("usage", ["add", "x"], "Missing option '--cron'"),
    ("run off", ["run", "off"], "it is disabled"),
    ("clear-logs unknown", ["clear-logs", "nope"], "no such cron"),
    # every other verb once, so that each is checked on every storage
    ("disable unknown", ["disable", "nope"], "no such cron"),
    ("resume ambiguous", ["resume", "twin"], "2 crons have this name"),
    ("show unknown", ["show", "nope"], "no such cron"),
    ("next unknown", ["next", "nope"], "no such cron"),
    ("logs limit", ["logs", "hello", "--limit", "0"], "not in the range"),
    ("crontab missing site", ["crontab", "enable", "--site", "nope"], "no such site"),
    ("dump missing site", ["dump", "--site", "nope"], "no such site"),
    ("load missing file", ["load", "{gone}"], "does not exist"),
    ("check missing site", ["check", "--site", "nope"], "no such site"),
    ("site remove unknown", ["site", "remove", "nope"], "no such site"),
    ("worker concurrency", ["worker", "--concurrency", "0"], "not in the range"),
]


class TestBadInput:

    @pytest.fixture
    def files(self, tmp_path, populated):
        def cron(i, **fields):
            return dict({"uid": f"{i:032x}", "name": f"n{i}", "periodicity": "@daily"},
                        **fields)
        files = {
            "empty": [],
            "duplicate": [cron(1), {"uid": populated["hello"], "name": "x",
                                    "periodicity": "@daily"}],
            "twice": [cron(1), cron(1)],
            "malformed": '{"crons": [',
            "late": [cron(i) for i in range(99)] + [cron(99, periodicity="0 0 32 * *")],
            "number": 42,
        }
        paths = {"gone": str(tmp_path / "gone.json")}
        for name, data in files.items():
            path = tmp_path / f"{name}.json"
            path.write_text(data if isinstance(data, str) else json.dumps(data))
            paths[name] = str(path)
        return paths

    @pytest.mark.parametrize("args,message", [case[1:] for case in BAD_INPUTS],
                             ids=[case[0] for case in BAD_INPUTS])
    def test_exit_2_one_line_nothing_written(self, zcron, uri, files, args, message):
        before = snapshot(uri)
        args = [files.get(a[1:-1], a) if a.startswith("{") else a for a in args]
        err = zcron.bad(*args)
        assert message in err
        assert snapshot(uri) == before

    def test_bad_uri(self, zcron, uri, populated):
        before = snapshot(uri)
        assert "unknown scheme 'postgresx'" in Zcron("postgresx://x/y").bad("list")
        assert snapshot(uri) == before
