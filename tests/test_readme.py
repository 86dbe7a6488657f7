"""Every shell command of README.rst, run as written (in bash, with this
virtual environment's scripts on PATH), so that the README cannot drift
from zcron: the tour with its host package made of the README's own
``jobs.py`` and ``configure.zcml``, the users, calendars, systemd export
and "With pip" commands. A worker the README starts for good is started,
seen running and stopped with SIGTERM (exit 0).

Skipped, each for its reason in SKIPPED: ``make demo``/``make test`` (the
demo is run by tests/test_demo.py; ``make test`` is this suite), the
installation into a new virtual environment (network and minutes; the
environment running this test is that installation), and the buildout
example (run by tests/test_hostapp_buildout.py). The ``curl`` blocks are
run by tests/test_web_api_server.py, whose list of them is checked here to
be exactly the README's.
"""
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.rst"
BIN = Path(sys.executable).parent
SHELL_LINE = re.compile(r"^(zcron |\.venv/bin/|make |python3 |cd |bin/|pip |(\$ )?curl )")

CURL = re.compile(r"^(\$ )?curl ")

SKIPPED = {
    "make demo    # creates .venv, installs zcron, runs the demo host's crons":
        "the demo is run by tests/test_demo.py; make test is this suite",
    "python3 -m venv .venv":
        "installs into a new virtual environment (network, minutes): this "
        "test runs in such an installation",
    "cd examples/hostapp": "tests/test_hostapp_buildout.py runs exactly this block",
}

HOST_OWN = '''\
"""The host's own code the README's runner and subscriber call."""


def purge_older_than(site, days):
    return 0


def notify_admins(*details):
    pass
'''


def literal_blocks():
    """(first line, [lines]) of every literal block (after ``::``)."""
    lines = README.read_text().splitlines()
    blocks, i = [], 0
    while i < len(lines):
        if lines[i].rstrip().endswith("::") and not lines[i].lstrip().startswith(".."):
            block, i = _block_after(lines, i)
            if block:
                blocks.append((block[0], block))
            continue
        i += 1
    return blocks


def _block_after(lines, i):
    """The indented lines after line ``i``, dedented; and where they end."""
    base = len(lines[i]) - len(lines[i].lstrip())
    j = i + 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j == len(lines) or len(lines[j]) - len(lines[j].lstrip()) <= base:
        return [], i + 1
    indent = len(lines[j]) - len(lines[j].lstrip())
    block = []
    while j < len(lines) and (not lines[j].strip()
                              or len(lines[j]) - len(lines[j].lstrip()) >= indent):
        block.append(lines[j][indent:])
        j += 1
    while block and not block[-1].strip():
        block.pop()
    return block, j


def block(first, nth=0):
    """The lines of the nth literal block starting with ``first``."""
    return [b for start, b in literal_blocks() if start.startswith(first)][nth]


def commands(lines):
    """The shell commands of a block (continued lines joined)."""
    found, current = [], ""
    for line in lines:
        current += line
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        if current.strip():
            found.append(current.strip())
        current = ""
    return found


class Shell:
    """Runs README commands in one directory, as a user would."""

    def __init__(self, cwd, pythonpath, replace=()):
        self.cwd = cwd
        self.replace = replace
        self.env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
                        PYTHONPATH=os.pathsep.join([str(pythonpath)] + [
                            p for p in [os.environ.get("PYTHONPATH")] if p]))
        for name in ("ZCRON_DB", "ZCRON_ZCML", "ZCRON_CONFIG"):
            self.env.pop(name, None)

    def run(self, command, input=None):
        for old, new in self.replace:
            command = command.replace(old, new)
        if re.search(r"(?<![-\w])worker(?![-\w])", command) and \
                "--max-seconds" not in command:
            return self.start_and_stop(command)
        result = subprocess.run(["bash", "-c", command], cwd=self.cwd, env=self.env,
                                input=input, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, (command, result.stdout, result.stderr)
        return result

    def start_and_stop(self, command):
        """A worker: seen started, then stopped by SIGTERM; it exits 0."""
        proc = subprocess.Popen(["bash", "-c", "exec " + command], cwd=self.cwd,
                                env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        started = proc.stderr.readline()
        assert re.match(r"zcron: worker \S+ on ", started), (command, started +
                                                               proc.stderr.read())
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, (command, out, err)
        return out


def run_block(shell, first, nth=0, inputs=None):
    for command in commands(block(first, nth)):
        shell.run(command, input=(inputs or {}).get(command))


@pytest.fixture
def tour(tmp_path):
    """The tour's host package, from the README's files."""
    host = tmp_path / "myhost"
    host.mkdir()
    (host / "__init__.py").write_text("")
    (host / "maintenance.py").write_text(HOST_OWN)
    (host / "jobs.py").write_text("\n".join(block("# myhost/jobs.py")) + "\n")
    (host / "configure.zcml").write_text("\n".join(block("<configure")) + "\n")
    return Shell(tmp_path, tmp_path)


TOUR_BLOCKS = ["zcron --zcml myhost/configure.zcml site add default",
               "zcron --zcml myhost/configure.zcml worker --concurrency 4"]
USERS_BLOCK = "zcron user add alice --role manager"
CALENDAR_BLOCK = "zcron calendar add holidays"
SYSTEMD_BLOCK = "zcron --config /srv/shop/zcron.ini export systemd"
PIP_BLOCK = ".venv/bin/zcron site add default"
AUDIT_BLOCK = 'zcron edit cleanup --timeout 5m --note "slow disk"'
TOKEN_BLOCK = "zcron user token alice"


def curl_commands():
    """The curl commands of the README's blocks (``$ curl`` ones show their
    answer), in order: tests/test_web_api_server.py runs them."""
    return [line.removeprefix("$ ") for first, lines in literal_blocks()
            if CURL.match(first) for line in lines if CURL.match(line)]


def test_the_api_server_test_runs_exactly_the_readme_curl_blocks():
    from test_web_api_server import readme_commands
    assert [command for command, _ in readme_commands()] == curl_commands()


def test_every_shell_block_is_run_or_skipped_for_a_reason():
    shell_blocks = {first for first, _ in literal_blocks() if SHELL_LINE.match(first)}
    handled = TOUR_BLOCKS + [USERS_BLOCK, CALENDAR_BLOCK, SYSTEMD_BLOCK, PIP_BLOCK,
                             AUDIT_BLOCK, TOKEN_BLOCK]
    covered = {first for first in shell_blocks
               if any(first.startswith(h) for h in handled) or first in SKIPPED
               or CURL.match(first)}      # by the test above's
    assert shell_blocks - covered == set(), "a README command no test runs"
    assert set(SKIPPED) <= shell_blocks, "a skip for a block the README lost"


def test_the_tour(tour):
    for first in TOUR_BLOCKS:
        run_block(tour, first)
    listed = tour.run("zcron list").stdout
    assert "cleanup" in listed and "Europe/Zurich" in listed
    run = tour.run("zcron --zcml myhost/configure.zcml run cleanup --here")
    assert "OK" in run.stdout, run.stdout


def test_history_and_undo(tour):
    import json
    run_block(tour, TOUR_BLOCKS[0])
    run_block(tour, AUDIT_BLOCK)
    newest, edit = json.loads(tour.run("zcron history cleanup --json").stdout)[:2]
    assert newest["note"].startswith("undo of change 2") and edit["note"] == "slow disk"
    assert newest["fields"]["timeout"] == [300, None]


def test_users_calendars_and_systemd(tour, tmp_path):
    password = "secret\nsecret\n"
    run_block(tour, USERS_BLOCK, inputs={
        c: password for c in commands(block(USERS_BLOCK))})
    assert "alice = manager:" in (tmp_path / "zcron.ini").read_text()
    run_block(tour, TOKEN_BLOCK)
    assert "[tokens]" in (tmp_path / "zcron.ini").read_text()
    tour.run("zcron site add default")
    tour.run('zcron add report --cron "0 18 * * MON-FRI"')   # the cron they edit
    run_block(tour, CALENDAR_BLOCK)
    srv, etc = tmp_path / "srv" / "shop", tmp_path / "etc" / "systemd" / "system"
    srv.mkdir(parents=True)
    etc.mkdir(parents=True)
    (srv / "zcron.ini").write_text(f"[zcron]\ndb = file://{tmp_path}/var/Data.fs\n")
    systemd = Shell(tmp_path, tmp_path, replace=[("/srv/shop", str(srv)),
                                                  ("/etc/systemd/system", str(etc))])
    run_block(systemd, SYSTEMD_BLOCK)
    assert "ExecStart=" in (etc / "shop-worker.service").read_text()


def test_with_pip(tmp_path):
    """The host's layout and zcron.ini of "Integrating", then its commands
    with ``.venv/bin/zcron`` (.venv: this environment)."""
    host = tmp_path / "src" / "myhost"
    host.mkdir(parents=True)
    (host / "__init__.py").write_text("")
    (host / "jobs.py").write_text("\n".join(block("import zcron", 1)) + "\n")
    (host / "configure.zcml").write_text("\n".join(block("<configure", 1)) + "\n")
    (tmp_path / "zcron.ini").write_text("\n".join(block("[zcron]", 1)) + "\n")
    (tmp_path / ".venv").symlink_to(BIN.parent)
    run_block(Shell(tmp_path, tmp_path / "src"), PIP_BLOCK)
