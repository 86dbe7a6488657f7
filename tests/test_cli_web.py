"""zcron serve, zcron user, zcron worker --web."""
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from cli_support import (Zcron, assert_one_error_line, cli_env, snapshot,  # noqa: F401
                         uri, zeo_storages)

ZCRON = os.path.join(os.path.dirname(sys.executable), "zcron")


def _zcron(*args, cwd, env=None, timeout=60):
    return subprocess.run([ZCRON, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ, **(env or {})))


def _wait_for(url, proc, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read())
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return response.status, response.read().decode()
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


@pytest.fixture
def ini(tmp_path):
    return str(tmp_path / "zcron.ini")


class TestUser:
    def test_add_list_remove(self, tmp_path, ini):
        added = _zcron("user", "add", "alice", "--role", "manager", "--password", "s3cret!",
                       "--config", ini, cwd=tmp_path)
        assert added.returncode == 0, added.stderr
        assert "s3cret" not in open(ini).read()          # stored hashed
        assert "pbkdf2_sha256$" in open(ini).read()
        listed = _zcron("user", "list", "--json", "--config", ini, cwd=tmp_path)
        assert listed.stdout.strip() == '[{"name": "alice", "role": "manager"}]'
        removed = _zcron("user", "remove", "alice", "--config", ini, cwd=tmp_path)
        assert removed.returncode == 0
        again = _zcron("user", "remove", "alice", "--config", ini, cwd=tmp_path)
        assert again.returncode == 2 and len(again.stderr.strip().splitlines()) == 1
        empty = _zcron("user", "list", "--config", ini, cwd=tmp_path)
        assert "no users" in empty.stdout

    def test_bad_role_is_bad_input(self, tmp_path, ini):
        result = _zcron("user", "add", "bob", "--role", "god", "--password", "x",
                        "--config", ini, cwd=tmp_path)
        assert result.returncode == 2 and not os.path.exists(ini)

    def test_default_file_is_zcron_ini_here(self, tmp_path):
        result = _zcron("user", "add", "carol", "--password", "pw", cwd=tmp_path)
        assert result.returncode == 0
        assert "carol = viewer:" in (tmp_path / "zcron.ini").read_text()


class TestServe:
    """On a FileStorage and on a ZEO server (the ``uri`` fixture)."""

    def test_serves_the_dashboard(self, tmp_path, ini, uri):
        from zcron.testing import free_port
        _zcron("user", "add", "alice", "--role", "manager", "--password", "pw",
               "--config", ini, cwd=tmp_path)
        port = free_port()
        proc = subprocess.Popen([ZCRON, "--db", uri, "--config", ini, "serve",
                                 "--port", str(port)], cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            status, body = _wait_for(f"http://127.0.0.1:{port}/login", proc)
            assert status == 200 and "password" in body.lower()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(20)
        assert proc.returncode == 0

    def test_without_users_is_bad_input(self, tmp_path, uri):
        Zcron(uri)("site", "add", "default")
        before = snapshot(uri)
        result = _zcron("--db", uri, "serve", "--port", "0", cwd=tmp_path)
        assert result.returncode == 2 and "needs users" in result.stderr
        assert_one_error_line(result.stderr)
        assert snapshot(uri) == before


class TestWorkerWeb:
    """On a FileStorage and on a ZEO server (the ``uri`` fixture)."""

    def test_worker_serves_the_dashboard(self, tmp_path, ini, uri):
        from zcron.testing import free_port
        _zcron("user", "add", "alice", "--role", "manager", "--password", "pw",
               "--config", ini, cwd=tmp_path)
        assert _zcron("--db", uri, "site", "add", "default", cwd=tmp_path).returncode == 0
        port = free_port()
        proc = subprocess.Popen([ZCRON, "--db", uri, "--config", ini, "worker", "--web",
                                 f"127.0.0.1:{port}"], cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            status, _ = _wait_for(f"http://127.0.0.1:{port}/login", proc)
            assert status == 200
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
        assert proc.returncode == 0

    @pytest.mark.parametrize("address", ["nonsense", "host:port"])
    def test_bad_address(self, tmp_path, ini, uri, address):
        _zcron("user", "add", "alice", "--password", "pw", "--config", ini, cwd=tmp_path)
        Zcron(uri)("site", "add", "default")
        before = snapshot(uri)
        result = _zcron("--db", uri, "--config", ini, "worker",
                        "--web", address, "--max-seconds", "1", cwd=tmp_path)
        assert result.returncode == 2 and "[HOST:]PORT" in result.stderr
        assert_one_error_line(result.stderr)
        assert snapshot(uri) == before

    def test_no_users(self, tmp_path, uri):
        Zcron(uri)("site", "add", "default")
        before = snapshot(uri)
        result = _zcron("--db", uri, "worker", "--web", "0",
                        "--max-seconds", "1", cwd=tmp_path)
        assert result.returncode == 2 and "needs users" in result.stderr
        assert_one_error_line(result.stderr)
        assert snapshot(uri) == before


class TestServeHoles:
    def test_undecodable_path_through_waitress(self, tmp_path, ini):
        import http.client
        from zcron.testing import free_port
        _zcron("user", "add", "alice", "--role", "manager", "--password", "pw",
               "--config", ini, cwd=tmp_path)
        uri = f"file://{tmp_path}/Data.fs"
        port = free_port()
        proc = subprocess.Popen([ZCRON, "--db", uri, "--config", ini, "serve",
                                 "--port", str(port)], cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            _wait_for(f"http://127.0.0.1:{port}/login", proc)
            for path in ["/%ff", "/sites/%ff%fe", "/sites/default/crons/%ff/logs"]:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read().decode()
                conn.close()
                assert response.status == 400, (path, body)
                assert "<h1>Bad request</h1>" in body, path
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(20)
        assert proc.returncode == 0
        assert "Traceback" not in proc.stderr.read()

    def test_serve_creates_the_database(self, tmp_path, ini):
        for command in ("serve", "worker"):
            out = " ".join(_zcron(command, "--help", cwd=tmp_path).stdout.split())
            assert "Creates the database if there is none yet." in out, command
