"""zcron.cli.app: the program as a whole (help, version, exit statuses,
one-line errors), App.transact, the settings (option, environment,
zcron.ini), and bad input everywhere: exit 2, one line, the database
unchanged.
"""
import json
import os
import sys

import pytest

from cli_support import (Zcron, assert_one_error_line, cli_env, database,  # noqa: F401
                         host_package, json_crontab, populated, snapshot, uri, zcron,
                         zeo_storages)


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
        assert err == ("zcron: error: Missing option '--schedule' / '--cron'. "
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
        from zcron.cli import views
        zcron("site", "add", "default")

        def gone(*a, **kw):
            raise BrokenPipeError
        monkeypatch.setattr(views, "echo_rows", gone)
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
        from zcron.cli.settings import read_config
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
        from zcron.cli.settings import read_config
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
    ("usage", ["add", "x"], "Missing option '--schedule' / '--cron'"),
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


class TestNoDatabaseMade:
    """Commands that only read never create a FileStorage (issue 15)."""

    READERS = [("list",), ("dump",), ("show", "x"), ("logs", "x"), ("check",),
               ("site", "list"), ("crontab", "show"), ("next", "x")]
    WRITERS = [("add", "hello", "--cron", "@daily"), ("remove", "x"),
               ("site", "remove", "x"), ("crontab", "enable")]

    @pytest.mark.parametrize("args", READERS + WRITERS)
    def test_mistyped_path(self, tmp_path, args):
        stderr = Zcron("file://typo/sub/Data.fs").bad(*args)
        assert f"no database at {tmp_path}/typo/sub/Data.fs" in stderr
        assert list(tmp_path.iterdir()) == []

    def test_load_into_no_database(self, tmp_path):
        (tmp_path / "dump.json").write_text('{"crons": []}')
        stderr = Zcron("file://typo/Data.fs").bad("load", "dump.json")
        assert "no database at" in stderr and not (tmp_path / "typo").exists()

    def test_site_add_creates_it(self, tmp_path):
        zcron = Zcron("file://new/sub/Data.fs")
        zcron("site", "add", "default")
        assert (tmp_path / "new" / "sub" / "Data.fs").exists()
        assert zcron.json("site", "list")[0]["name"] == "default"
        assert "Creates the database" in " ".join(
            Zcron()("site", "add", "--help").stdout.split())

    def test_bad_site_add_creates_nothing(self, tmp_path):
        Zcron("file://new/Data.fs").bad("site", "add", "a/b")
        assert not (tmp_path / "new").exists()
