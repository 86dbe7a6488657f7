"""The zcron command line: ini export, export supervisord and systemd --
texts read back, the generated script checked by bash and run for real,
the unit verified by systemd-analyze; bad input in one line, exit 2,
nothing written."""
import configparser
import json
import os
import shutil
import stat
import subprocess

import pytest

from cli_support import (Zcron, cli_env, host_package, snapshot, uri, zcron,  # noqa: F401
                         zeo_storages)

PLAIN_JOBS = '''\
from zcron.declared import callable_runner


def tidy(days=1):
    """A plain function as a job."""


TidyRunner = callable_runner(tidy)
'''

PLAIN_ZCML = '''\
<configure xmlns="http://namespaces.zope.org/zope">
  <include package="zcron" />
  <adapter factory="{package}.plain.TidyRunner" name="tidy" />
</configure>
'''


def reader():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    return parser


def sections(text):
    parser = reader()
    parser.read_string(text)
    return {name: dict(parser[name]) for name in parser.sections()}


@pytest.fixture
def plain_zcml(host_package):
    """The host package, with a plain function registered as runner 'tidy'."""
    (host_package.dir / "plain.py").write_text(PLAIN_JOBS)
    path = host_package.dir / "plain.zcml"
    path.write_text(PLAIN_ZCML.format(package=host_package.name))
    return path


@pytest.fixture
def crons(zcron):
    zcron("site", "add", "default")
    zcron("site", "add", "shop")
    zcron("add", "tidy", "--schedule", "every 10 minutes", "--environ", '{"days": 7}')
    zcron("add", "hello", "--schedule", "every sunday at 23:30", "--tz", "Europe/Zurich",
          "--retries", "2")
    zcron("add", "hello", "--schedule", "0 3 * * *", "--site", "shop", "--inactive")


class TestIniExport:

    def test_stdout(self, zcron, crons, plain_zcml, host_package):
        out = zcron("--zcml", plain_zcml, "ini", "export").stdout
        assert out.startswith("; scheduler.ini of the zcron site 'default'")
        assert "; cannot be expressed: retries = 2\n" in out
        assert sections(out) == {
            "tidy": {"call": f"{host_package.name}.plain.tidy", "every": "10 minutes",
                     "active": "yes", "days": "7"},
            "hello": {"runner": "hello", "every": "sunday", "at": "23:30",
                      "timezone": "Europe/Zurich", "active": "yes"},
        }

    def test_without_the_host_every_runner_is_named(self, zcron, crons):
        assert sections(zcron("ini", "export").stdout)["tidy"]["runner"] == "tidy"

    def test_output_file_and_site(self, zcron, crons, tmp_path):
        path = tmp_path / "shop.ini"
        assert zcron("ini", "export", "--site", "shop", "-o", path).stdout == ""
        assert sections(path.read_text()) == {
            "hello": {"runner": "hello", "schedule": "0 3 * * *", "active": "no"}}

    def test_unknown_site(self, zcron, uri, crons):
        before = snapshot(uri)
        error = zcron.bad("ini", "export", "--site", "nope")
        assert "no such site" in error and "'nope'" in error
        assert snapshot(uri) == before

    def test_unwritable_output(self, zcron, uri, crons, tmp_path):
        before = snapshot(uri)
        path = tmp_path / "missing" / "out.ini"
        error = zcron.bad("ini", "export", "-o", path)
        assert f"invalid --output '{path}'" in error
        assert not path.parent.exists()
        assert snapshot(uri) == before


class TestSupervisord:

    def test_section_and_script(self, zcron, uri, crons, tmp_path):
        script = tmp_path / "bin" / "scheduler.sh"
        script.parent.mkdir()
        out = zcron("--zcml", "host.zcml", "export", "supervisord", "--name", "shop-worker",
                    "--script", script).stdout
        assert out.startswith("; zcron worker shop-worker (zcron export supervisord)")
        assert sections(out) == {"program:shop-worker": {
            "command": str(script), "directory": str(tmp_path),
            "autostart": "true", "autorestart": "true", "stopsignal": "TERM",
            "stopwaitsecs": "40", "stdout_logfile": f"{tmp_path}/var/log/shop-worker.log",
            "stderr_logfile": f"{tmp_path}/var/log/shop-worker.err.log"}}
        assert stat.S_IMODE(script.stat().st_mode) == 0o755
        text = script.read_text()
        assert text.splitlines()[0] == "#!/bin/sh"
        assert f"--db {uri}" in text or f"--db '{uri}'" in text
        assert f"--zcml {tmp_path}/host.zcml worker \"$@\"" in text
        subprocess.run(["bash", "-n", str(script)], check=True)

    def test_script_printed_after_the_section(self, zcron, crons, tmp_path):
        out = zcron("export", "supervisord").stdout
        section, _, script = out.partition("\n#!/bin/sh\n")
        assert sections(section)["program:zcron-worker"]["command"] == \
            f"{tmp_path}/zcron-worker.sh"
        assert script.startswith("# zcron worker zcron-worker")
        path = tmp_path / "printed.sh"
        path.write_text("#!/bin/sh\n" + script)
        subprocess.run(["bash", "-n", str(path)], check=True)
        assert not (tmp_path / "zcron-worker.sh").exists()

    def test_the_script_runs_the_worker(self, zcron, uri, tmp_path, host_package):
        """The script's database and ZCML are the ones given: the worker
        it starts runs a job queued here."""
        out = tmp_path / "out.txt"
        zcron("site", "add", "default")
        zcron("add", "hello", "--schedule", "0 3 * * *", "--environ",
              json.dumps({"out": str(out)}))
        zcron("run", "hello")
        script = tmp_path / "scheduler.sh"
        zcron("--zcml", host_package.zcml, "export", "supervisord", "--script", script)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(tmp_path), os.environ.get("PYTHONPATH", "")]))
        done = subprocess.run([str(script), "--until-idle", "--max-seconds", "60"],
                              cwd="/", env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "hello" in done.stdout and "OK" in done.stdout
        assert out.read_text().startswith("hello ")

    def test_site_names_it(self, zcron, crons):
        out = zcron("export", "supervisord", "--site", "shop", "--script", "s.sh").stdout
        assert "[program:zcron-shop]" in out

    @pytest.mark.parametrize("args, message", [
        (["--site", "nope"], "no such site"),
        (["--name", "a:b"], "invalid --name 'a:b'"),
        (["--script", "missing/dir/s.sh"], "invalid --script 'missing/dir/s.sh'"),
    ])
    def test_bad_input(self, zcron, uri, crons, tmp_path, args, message):
        before = snapshot(uri)
        assert message in zcron.bad("export", "supervisord", *args)
        assert snapshot(uri) == before
        assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".sh") == []


class TestSystemd:

    def unit(self, zcron, *args):
        return zcron("--zcml", "host.zcml", "export", "systemd", *args).stdout

    def test_keys(self, zcron, uri, crons, tmp_path):
        from zcron.exports.service import zcron_script
        parser = reader()
        parser.read_string(self.unit(zcron, "--name", "shop-worker"))
        assert parser.sections() == ["Unit", "Service", "Install"]
        assert parser["Unit"]["Description"] == "zcron worker shop-worker"
        service = parser["Service"]
        assert service["ExecStart"] == (f"{zcron_script()} --db {uri} --zcml "
                                        f"{tmp_path}/host.zcml worker").replace("%", "%%")
        assert service["WorkingDirectory"] == str(tmp_path)
        assert service["Restart"] == "on-failure"
        assert service["KillSignal"] == "SIGTERM"
        assert service["TimeoutStopSec"] == "40"
        assert service["Environment"] == "PYTHONUNBUFFERED=1"
        assert parser["Install"]["WantedBy"] == "multi-user.target"

    def test_systemd_analyze_verifies_it(self, zcron, crons, tmp_path):
        if shutil.which("systemd-analyze") is None:
            pytest.skip("systemd-analyze is not installed: the keys are checked alone")
        path = tmp_path / "zcron-shop.service"
        path.write_text(zcron("export", "systemd", "--site", "shop").stdout)
        done = subprocess.run(["systemd-analyze", "verify", str(path)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "zcron-shop.service" not in done.stderr, done.stderr

    def test_bad_input(self, zcron, uri, crons):
        before = snapshot(uri)
        assert "no such site" in zcron.bad("export", "systemd", "--site", "nope")
        assert "invalid --name ''" in zcron.bad("export", "systemd", "--name", "")
        assert snapshot(uri) == before
