"""``zcron serve`` as a user starts it: a config file naming only the
database (zcron's own components, no host ZCML), a host component failing
in a request (zcron's 500 page, the traceback on stderr), and a Python
without the ``web`` extra (one line saying what to install)."""
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from cli_support import assert_one_error_line, cli_env  # noqa: F401

ZCRON = os.path.join(os.path.dirname(sys.executable), "zcron")

BROKEN_HOST = {
    "__init__.py": "",
    "registry.py": '''
        import os
        from zcron.registry.zodb import ZODBRegistryManager

        class Broken(ZODBRegistryManager):
            def load(self):
                if os.path.exists("broken"):         # once the site is added
                    raise RuntimeError("the host's registry is broken")
                return super().load()
    ''',
    "configure.zcml": '''
        <configure xmlns="http://namespaces.zope.org/zope">
          <include package="zcron" />
          <adapter factory=".registry.Broken" for="zcron.interfaces.ICronSite"
                   provides="zcron.interfaces.IRegistryManager" name="broken" />
        </configure>
    ''',
}


def run(*args, cwd, env):
    return subprocess.run([ZCRON, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture
def env(tmp_path):
    """The environment of the subprocesses: the host package importable."""
    host = tmp_path / "brokenhost"
    host.mkdir()
    for name, text in BROKEN_HOST.items():
        (host / name).write_text(textwrap.dedent(text))
    path = os.pathsep.join(p for p in (str(tmp_path), os.environ.get("PYTHONPATH")) if p)
    return dict(os.environ, PYTHONPATH=path)


def write_ini(tmp_path, zcml=""):
    """A zcron.ini naming the database (and the host's ZCML if given)."""
    lines = ["[zcron]", "db = file://var/Data.fs"] + ([f"zcml = {zcml}"] if zcml else [])
    (tmp_path / "zcron.ini").write_text("\n".join(lines) + "\n")


class Dashboard:
    """``zcron serve`` in a subprocess, and a logged-in browser for it."""

    def __init__(self, tmp_path, env):
        self.proc = subprocess.Popen([ZCRON, "serve", "--port", "0"], cwd=tmp_path,
                                     env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        match = re.search(r"dashboard on (http://\S+/)", line)
        assert match, line + self.proc.stderr.read()
        self.url = match.group(1)
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, path, data=None):
        """(status, body) of a request."""
        body = None if data is None else urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.url + path.lstrip("/"), body, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def login(self):
        _, page = self.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        status, page = self.get("/login", {"login": "alice", "password": "pw",
                                           "csrf_token": token, "came_from": "/workers"})
        assert status == 200 and "logout" in page.lower(), page

    def stop(self):
        """SIGTERM; returns what it wrote on stderr."""
        self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=30)
        assert self.proc.returncode == 0, err
        return err


def test_a_config_naming_only_the_database(tmp_path, env):
    write_ini(tmp_path)
    run("user", "add", "alice", "--role", "manager", "--password", "pw",
        cwd=tmp_path, env=env)
    assert run("site", "add", "default", cwd=tmp_path, env=env).returncode == 0
    dashboard = Dashboard(tmp_path, env)
    try:
        dashboard.login()
        for path in ("/", "/sites/default", "/workers", "/sites/default/add"):
            status, page = dashboard.get(path)
            assert status == 200, (path, page)
    finally:
        err = dashboard.stop()
    assert "Traceback" not in err


def test_an_unexpected_error_is_logged_and_shown_as_zcrons_page(tmp_path, env):
    write_ini(tmp_path, zcml="brokenhost/configure.zcml")
    run("user", "add", "alice", "--role", "manager", "--password", "pw",
        cwd=tmp_path, env=env)
    added = run("site", "add", "shop", "--registry", "broken", cwd=tmp_path, env=env)
    assert added.returncode == 0, added.stderr
    (tmp_path / "broken").write_text("")
    dashboard = Dashboard(tmp_path, env)
    try:
        dashboard.login()
        status, page = dashboard.get("/sites/shop")
        time.sleep(0.2)          # the log line is written after the response
    finally:
        err = dashboard.stop()
    assert status == 500
    assert "<h1>Internal error</h1>" in page and "Traceback" not in page
    assert "zcron: ERROR: GET /sites/shop failed" in err
    assert "Traceback (most recent call last)" in err
    assert "RuntimeError: the host's registry is broken" in err


# a Python in which the 'web' extra's modules cannot be imported
WITHOUT_WEB = """
import sys
class Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pyramid_tm", "pyramid", "waitress"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Hide())
from zcron.cli import main
main(sys.argv[1:])
"""


@pytest.mark.parametrize("args", [["serve", "--port", "0"],
                                  ["worker", "--web", "0", "--max-seconds", "1"]])
def test_without_the_web_extra(tmp_path, env, args):
    write_ini(tmp_path)
    run("user", "add", "alice", "--role", "manager", "--password", "pw",
        cwd=tmp_path, env=env)
    result = subprocess.run([sys.executable, "-c", WITHOUT_WEB, *args], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert_one_error_line(result.stderr)
    assert "pip install 'zcron[web]'" in result.stderr
    assert "dashboard on" not in result.stderr


def test_dashboard_on_only_once_it_listens(tmp_path, env):
    """A database that does not answer, an address in use: one line, and
    no 'dashboard on' before it."""
    import socket
    run("user", "add", "alice", "--role", "manager", "--password", "pw",
        cwd=tmp_path, env=env)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        uri = f"zeo://127.0.0.1:{silent.getsockname()[1]}?connect_timeout=1"
        result = run("--db", uri, "--config", "zcron.ini", "serve", cwd=tmp_path, env=env)
        assert result.returncode == 1
        assert_one_error_line(result.stderr)
        assert "no ZEO server answered within 1 s" in result.stderr
        port = silent.getsockname()[1]
        result = run("--db", "file://var/Data.fs", "--config", "zcron.ini", "serve",
                     "--port", str(port), cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert_one_error_line(result.stderr)
    assert f"cannot serve the dashboard on 127.0.0.1:{port}" in result.stderr


def test_a_dashboard_of_its_own_registers_zcrons_components(tmp_path):
    """make_app on its own database (serve, PasteDeploy's main), no ZCML:
    zcron's components are there (the registry is clean: see cli_env)."""
    from zcron import web
    from zcron.components import queue_for
    from zcron.db import get_root
    app = web.main({}, **{"zcron.db": "memory://", "zcron.secret": "x"})
    try:
        with app.zcron_db.transaction() as conn:
            assert len(queue_for(get_root(conn))) == 0
    finally:
        app.zcron_db.close()
