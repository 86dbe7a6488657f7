"""zcron.testing.servers owns the throw-away database servers tests start:
``ZEOServer`` (runzeo in its own process) and ``PostgreSQLServer`` (a
private PostgreSQL cluster, for RelStorage)."""
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from zcron.testing.fixtures import free_port


class ZEOServer:
    """``runzeo`` in its own process, serving a FileStorage under ``path``."""

    def __init__(self, directory):
        self.directory = str(directory)
        self.port = free_port()
        self.process = None

    @property
    def uri(self):
        return f"zeo://127.0.0.1:{self.port}?wait_timeout=30"

    def start(self):
        os.makedirs(self.directory, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ZEO.runzeo", "-a", f"127.0.0.1:{self.port}",
             "-f", os.path.join(self.directory, "Data.fs")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("the ZEO server exited at start") from None
                time.sleep(0.05)
        raise RuntimeError("the ZEO server did not start in 30 s")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class PostgreSQLServer:
    """A throw-away PostgreSQL cluster in a temporary directory, listening
    on 127.0.0.1 only (and on a unix socket inside that directory), with
    trust authentication, and one database: ``.uri`` is its zodburi URI.

    Uses the server binaries of Debian's ``postgresql`` package
    (``/usr/lib/postgresql/<version>/bin``), or those on ``$PATH``. The
    server refuses to run as root: when we are root it runs as the
    ``postgres`` user, and owns the temporary directory.

    When the binaries are missing ``start()`` skips the test (under pytest)
    unless ``$CI`` is set; in CI, and outside pytest, it raises
    ``RuntimeError``.
    """

    user = "postgres"            # the cluster's superuser; trust needs no password

    def __init__(self, dbname="zcron", parent=None):
        self.dbname = dbname
        self.parent = parent     # where the temporary directory goes (default: $TMPDIR)
        self.port = None
        self.directory = None
        self.bindir = None

    @property
    def uri(self):
        return self.uri_for(self.dbname)

    def uri_for(self, dbname):
        """The URI of database ``dbname`` on this server. RelStorage's
        resolver needs the user, host, port and database all spelled out."""
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{dbname}?connect_timeout=10"

    @staticmethod
    def find_binaries():
        """The directory holding initdb, pg_ctl, postgres and psql, or None."""
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                            key=lambda d: _version_key(d.split("/")[-2]), reverse=True)
        for directory in candidates:
            if all(os.access(os.path.join(directory, b), os.X_OK)
                   for b in ("initdb", "pg_ctl", "postgres", "psql")):
                return directory
        initdb = shutil.which("initdb")
        if initdb:
            directory = os.path.dirname(os.path.realpath(initdb))
            if all(os.access(os.path.join(directory, b), os.X_OK)
                   for b in ("pg_ctl", "postgres", "psql")):
                return directory
        return None

    def _require_binaries(self):
        bindir = self.find_binaries()
        if bindir is not None:
            return bindir
        reason = ("PostgreSQL server binaries (initdb, pg_ctl) not found; "
                  "install them: apt-get install postgresql")
        if not os.environ.get("CI") and "pytest" in sys.modules:
            import pytest
            pytest.skip(reason)
        raise RuntimeError(reason)

    def _run_as(self):
        """Popen keywords running a command as the cluster's owner: the
        ``postgres`` user when we are root (the server refuses root)."""
        if os.geteuid() != 0:
            return {}
        import pwd
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("PostgreSQL refuses to run as root and there is "
                               "no 'postgres' user to run it as") from None
        return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": [],
                "env": {**os.environ, "HOME": self.directory, "USER": "postgres",
                        "LOGNAME": "postgres"}}

    def _run(self, *command):
        result = subprocess.run(
            [os.path.join(self.bindir, command[0]), *command[1:]],
            cwd=self.directory, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, **self._run_as())
        if result.returncode:
            raise RuntimeError(f"{command[0]} failed ({result.returncode}): "
                               f"{result.stdout.strip()[-2000:]}")
        return result.stdout

    def start(self):
        self.bindir = self._require_binaries()
        self.directory = tempfile.mkdtemp(prefix="zcron-pg-", dir=self.parent)
        try:
            run_as = self._run_as()
            if run_as:
                os.chown(self.directory, run_as["user"], run_as["group"])
            self._run("initdb", "--pgdata", self.data, "--username", self.user,
                      "--auth", "trust", "--encoding", "UTF8", "--no-locale",
                      "--no-sync")
            self.port = free_port()
            with open(os.path.join(self.data, "postgresql.conf"), "a") as conf:
                conf.write(
                    "\n# zcron.testing.PostgreSQLServer: throw-away and local only\n"
                    "listen_addresses = '127.0.0.1'\n"
                    f"port = {self.port}\n"
                    f"unix_socket_directories = '{self.directory}'\n"
                    "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                    "max_connections = 200\n")
            self.resume()
            self.create_database(self.dbname)
        except BaseException:
            self.stop()
            raise
        return self

    def resume(self):
        """Start the server (again: same port, same data directory)."""
        log = os.path.join(self.directory, "server.log")
        try:
            self._run("pg_ctl", "--pgdata", self.data, "--wait", "--timeout", "60",
                      "--log", log, "start")
        except RuntimeError as e:
            with open(log, errors="replace") as f:
                raise RuntimeError(f"{e}\nserver.log: {f.read()[-2000:]}") from None

    def halt(self, mode="fast"):
        """Stop the server but keep its data directory, for ``resume()``."""
        self._run("pg_ctl", "--pgdata", self.data, "--mode", mode, "--wait", "stop")

    @property
    def data(self):
        return os.path.join(self.directory, "data")

    def _psql(self, sql):
        self._run("psql", "--no-psqlrc", "--quiet", "--host", self.directory,
                  "--port", str(self.port), "--username", self.user,
                  "--dbname", "postgres", "--set", "ON_ERROR_STOP=1", "--command", sql)

    def create_database(self, dbname):
        """A new, empty database; returns its URI."""
        self._psql(f'CREATE DATABASE "{dbname}"')
        return self.uri_for(dbname)

    def drop_database(self, dbname):
        self._psql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')

    def stop(self):
        if self.directory is None:
            return
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            try:
                self._run("pg_ctl", "--pgdata", self.data, "--mode", "immediate",
                          "--wait", "stop")
            except RuntimeError:
                pass
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _version_key(version):
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))
