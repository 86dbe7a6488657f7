"""zcron over PostgreSQL (RelStorage, ``postgres://``), against a real,
throw-away PostgreSQL cluster: opening a database, the queue manager
contract, and two worker processes sharing the crons with no duplicate and
no missing run.

Skipped when the PostgreSQL server binaries are missing, except in CI
(``$CI`` set), where that is a failure: see zcron.testing.PostgreSQLServer.
"""

import os

import pytest

from test_engine_processes import host, prove_exactly_once  # noqa: F401 (fixture)
from test_queue import QueueManagerContract

assert host  # a fixture, used by name below


@pytest.fixture(scope="module")
def pg_server():
    """One cluster for the module; each test takes a database of its own."""
    from zcron.testing import PostgreSQLServer
    server = PostgreSQLServer().start()
    yield server
    server.stop()


@pytest.fixture
def pg(pg_server, tmp_path):
    """A fresh, empty database in the module's cluster."""
    from zcron.testing import PostgreSQLDatabase
    database = PostgreSQLDatabase(tmp_path, server=pg_server)
    yield database
    database.close()


class TestOpenDB:
    def test_creates_the_root(self, pg, zca):
        from relstorage.storage import RelStorage
        from zcron.db import Session, open_db
        from zcron.model import CronSite, ZcronRoot
        from zcron.model.site import ROOT_KEY
        assert pg.uri.startswith("postgres://postgres@127.0.0.1:")
        db = open_db(pg.uri)
        try:
            assert isinstance(db.storage, RelStorage)
            with Session(db) as s:
                assert isinstance(s.conn.root()[ROOT_KEY], ZcronRoot)
                s.root.add_site(CronSite("over-postgres"))
                s.tm.commit()
        finally:
            db.close()
        other = open_db(pg.uri)            # another client, as on another machine
        try:
            with Session(other) as s:
                assert list(s.root.sites) == ["over-postgres"]
        finally:
            other.close()

    def test_clients_see_each_others_commits(self, pg, zca):
        from zcron.db import Session
        from zcron.model import CronSite
        one, two = pg.open(), pg.open()
        try:
            with Session(one) as s1, Session(two) as s2:
                assert list(s2.root.sites) == []
                s1.root.add_site(CronSite("a"))
                s1.tm.commit()
                s2.tm.begin()              # a new transaction polls for changes
                assert list(s2.root.sites) == ["a"]
        finally:
            one.close()
            two.close()


class TestPostgreSQLQueueManager(QueueManagerContract):
    @pytest.fixture(autouse=True)
    def _db(self, pg, zca):
        self.db = pg.open()
        yield
        self.db.close()


class TestBadURIs:
    def test_unreachable_server_is_not_bad_input(self, pg_server):
        from zcron.db import open_db
        from zcron.exceptions import DatabaseUnavailable, InvalidInput
        from zcron.testing import free_port
        uri = f"postgres://postgres@127.0.0.1:{free_port()}/zcron?connect_timeout=2"
        with pytest.raises(DatabaseUnavailable) as info:
            open_db(uri)
        assert not isinstance(info.value, InvalidInput)
        assert "cannot reach the database" in str(info.value)

    def test_command_line_says_it_in_one_line(self, tmp_path):
        """RelStorage's own log lines stay out of the command's stderr."""
        import subprocess
        import sys
        from zcron.testing import free_port
        zcron = os.path.join(os.path.dirname(sys.executable), "zcron")
        unreachable = f"postgres://postgres@127.0.0.1:{free_port()}/zcron?connect_timeout=2"
        for uri, status in ((unreachable, 1), ("postgres://127.0.0.1:5432/zcron", 2)):
            result = subprocess.run([zcron, "--db", uri, "list"], cwd=tmp_path,
                                    capture_output=True, text=True, timeout=60)
            assert result.returncode == status
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr

    def test_missing_database_is_unavailable(self, pg_server):
        from zcron.db import open_db
        from zcron.exceptions import DatabaseUnavailable
        with pytest.raises(DatabaseUnavailable, match="does not exist"):
            open_db(pg_server.uri_for("no_such_database"))

    @pytest.mark.parametrize("uri,needle", [
        # RelStorage would send the string 'None' for each missing part
        ("postgres://127.0.0.1:5432/zcron", "no user"),
        ("postgres://postgres@127.0.0.1/zcron", "no port"),
        ("postgres://postgres@127.0.0.1:5432", "no dbname"),
        ("postgres://postgres@127.0.0.1:5432/", "no dbname"),
        ("postgres://postgres@:5432/zcron", "no host"),
        ("postgres://postgres@127.0.0.1:99999/zcron", "Port out of range"),
        ("postgres://postgres@127.0.0.1:5432/zcron?bogus=1",
         "Unrecognized database keyword(s): bogus"),
        ("postgres://postgres@127.0.0.1:5432/zcron?keep_history=maybe",
         "not a valid boolean"),
    ])
    def test_malformed(self, uri, needle):
        from zcron.db import open_db
        from zcron.exceptions import InvalidURI
        with pytest.raises(InvalidURI) as info:
            open_db(uri)
        assert needle in str(info.value)
        if needle.startswith("no "):
            assert "postgres://user[:password]@host:port/dbname" in str(info.value)


class TestTwoWorkersOverPostgreSQL:
    def test_every_fire_time_exactly_once(self, pg, host, tmp_path):
        prove_exactly_once(pg.uri, tmp_path, workers=2, seconds=14, every_two=20)


class TestWithoutPostgreSQL:
    def test_skips_outside_ci_fails_in_ci(self, monkeypatch):
        from zcron.testing import PostgreSQLServer
        monkeypatch.setattr(PostgreSQLServer, "find_binaries", staticmethod(lambda: None))
        monkeypatch.delenv("CI", raising=False)
        with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
            PostgreSQLServer().start()
        monkeypatch.setenv("CI", "true")
        with pytest.raises(RuntimeError, match="initdb, pg_ctl"):
            PostgreSQLServer().start()
