"""The JSON API through a real ``zcron serve`` (waitress, its own process):
the README's "JSON API" examples run with curl, ``zcron user token``, and
/health answering 503 once the ZEO server under the dashboard stops."""
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import zcron
from zcron.components import load_crontab
from zcron.db import get_root, open_db
from zcron.testing import free_port

ZCRON = os.path.join(os.path.dirname(sys.executable), "zcron")
# zcron's own components, which `serve` without --zcml does not load yet
ZCML = os.path.join(os.path.dirname(zcron.__file__), "configure.zcml")
README = Path(__file__).parent.parent / "README.rst"
UID = "c" * 32


def zcron_cli(*args, cwd):
    return subprocess.run([ZCRON, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env=dict(os.environ, ZCRON_CONFIG=""))


def get(url):
    """(status, JSON body) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("not in time")


def answers(url):
    try:
        return get(url)
    except OSError:
        return None


class Served:
    """``zcron serve`` on ``uri`` with the users of ``ini``, until stopped."""

    def __init__(self, uri, ini, cwd):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [ZCRON, "--db", uri, "--config", ini, "--zcml", ZCML, "serve",
             "--port", str(self.port)],
            cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for(lambda: self.proc.poll() is not None or answers(self.url + "/health"))
        assert self.proc.poll() is None, self.proc.stderr.read()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(20)


@pytest.fixture
def ini(tmp_path):
    path = str(tmp_path / "zcron.ini")
    result = zcron_cli("user", "add", "alice", "--role", "manager", "--password", "pw",
                       "--config", path, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return path


def in_database(uri, func):
    """func(root) in a transaction of the database, opened for it."""
    db = open_db(uri)
    try:
        with db.transaction() as conn:
            return func(get_root(conn))
    finally:
        db.close()


def add_hello(root):
    crontab = load_crontab(root.add_site(zcron.CronSite("default")))
    crontab.add_cron(zcron.Cron("hello", "*/5 * * * *", uid=UID))
    crontab.save()


def crontab_dump(root):
    return load_crontab(root.sites["default"]).dump()


def readme_commands():
    """The JSON API section's commands, in order: (command, output shown or None)."""
    text = README.read_text()
    section = text.split("\nJSON API\n========\n", 1)[1].split("\n=====", 1)[0]
    lines = [line.strip() for line in section.splitlines()]
    commands = []
    for i, line in enumerate(lines):
        if line.startswith(("curl ", "$ curl ")):
            shown = lines[i + 1] if line.startswith("$ ") else None
            commands.append((line.removeprefix("$ "), shown))
    return commands


def curl(command, env):
    """What the curl command prints: run by curl, or (without curl) its
    options -H, -X and -d done by urllib."""
    if shutil.which("curl"):
        return subprocess.run(["bash", "-c", command], env=env, capture_output=True,
                              text=True, timeout=30).stdout
    args = [re.sub(r"\$(\w+)", lambda m: env[m.group(1)], arg)
            for arg in shlex.split(command)[1:]]
    options, url = {"-H": [], "-X": [None], "-d": [None]}, None
    while args:
        arg = args.pop(0)
        if arg in options:
            options[arg].append(args.pop(0))
        elif arg != "-s":
            url = arg
    data = options["-d"][-1]
    request = urllib.request.Request(
        url, data=None if data is None else data.encode(), method=options["-X"][-1],
        headers=dict(h.split(": ", 1) for h in options["-H"]))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read().decode()
    except urllib.error.HTTPError as e:
        return e.read().decode()


def test_readme_examples(tmp_path, ini, zca):
    uri = f"file://{tmp_path / 'Data.fs'}"
    in_database(uri, add_hello)
    token = zcron_cli("user", "token", "alice", "--config", ini, cwd=tmp_path).stdout.strip()
    server = Served(uri, ini, tmp_path)
    env = dict(os.environ, TOKEN=token, CRON=UID)
    try:
        for command, shown in readme_commands():
            command = command.replace("127.0.0.1:8080", f"127.0.0.1:{server.port}")
            out = curl(command, env)
            assert "error" not in json.loads(out) or shown, (command, out)
            assert shown is None or json.loads(out) == json.loads(shown), out
    finally:
        server.stop()
    crons = in_database(uri, lambda root: [
        (c.name, c.periodicity, c.timezone) for c in load_crontab(root.sites["default"])])
    assert crons == [("cleanup", "every day at 03:00", "Europe/Zurich")]


def test_user_token_command(tmp_path, ini):
    made = zcron_cli("user", "token", "alice", "--config", ini, cwd=tmp_path)
    assert made.returncode == 0 and re.fullmatch(r"alice\.[\w-]{40,}\n", made.stdout)
    assert made.stdout.strip() not in open(ini).read()
    revoked = zcron_cli("user", "token", "alice", "--revoke", "--config", ini, cwd=tmp_path)
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    for args in (("alice", "--revoke"), ("nobody",)):
        before = open(ini).read()
        result = zcron_cli("user", "token", *args, "--config", ini, cwd=tmp_path)
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
        assert open(ini).read() == before


def test_health_is_503_once_zeo_stops(tmp_path, ini, zeo_server):
    server = Served(zeo_server.uri, ini, tmp_path)
    try:
        status, body = get(server.url + "/health")
        assert status == 200 and body["database"] == "ok"
        zeo_server.stop()
        status, body = wait_for(lambda: (lambda a: a if a[0] != 200 else None)(
            get(server.url + "/health")))
        assert status == 503 and body["status"] == "unavailable"
        assert body["database"] != "ok"
    finally:
        server.stop()


def test_bad_writes_leave_the_database_as_it_was(tmp_path, ini, zca):
    """Refused writes through a real server: the reopened FileStorage holds
    what it held before."""
    uri = f"file://{tmp_path / 'Data.fs'}"
    in_database(uri, add_hello)
    before = in_database(uri, crontab_dump)
    zcron_cli("user", "add", "bob", "--role", "viewer", "--password", "pw",
              "--config", ini, cwd=tmp_path)
    manager = zcron_cli("user", "token", "alice", "--config", ini, cwd=tmp_path).stdout.strip()
    viewer = zcron_cli("user", "token", "bob", "--config", ini, cwd=tmp_path).stdout.strip()
    server = Served(uri, ini, tmp_path)
    cron = f"{server.url}/api/sites/default/crons/{UID}"
    try:
        for token, method, url, body, status in [
                (manager, "POST", f"{server.url}/api/sites/default/crons",
                 {"name": "x", "periodicity": "every fortnight"}, 400),
                (manager, "PATCH", cron, {"jitter": -5}, 400),
                (manager, "POST", cron + "/pause", {"until": "yesterday"}, 400),
                (viewer, "DELETE", cron, None, 403),
                (viewer, "POST", cron + "/toggle", None, 403)]:
            request = urllib.request.Request(
                url, method=method, headers={"Authorization": f"Bearer {token}"},
                data=None if body is None else json.dumps(body).encode())
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=30)
            assert refused.value.code == status
            assert json.load(refused.value)["error"]
    finally:
        server.stop()
    assert in_database(uri, crontab_dump) == before
