"""zcron.db: opening databases from URIs, the root container, sessions,
several independent sites, and bad input leaving the database untouched."""
import subprocess
import sys
from datetime import datetime, timezone

import pytest

UTC = timezone.utc


def _cron(name="job", periodicity="*/5 * * * *", **kw):
    from zcron.model import Cron
    return Cron(name, periodicity, **kw)


class TestNormalizeURI:
    def _callFUT(self, uri):
        from zcron.db import normalize_uri
        return normalize_uri(uri)

    def test_default_is_var_data_fs_made_absolute(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        expected = f"file://{tmp_path}/var/Data.fs"
        assert self._callFUT(None) == expected
        assert self._callFUT("") == expected

    def test_relative_file_uri_made_absolute(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        assert self._callFUT("file://db/Data.fs") == f"file://{tmp_path}/db/Data.fs"

    def test_bare_path(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        assert self._callFUT("x.fs") == f"file://{tmp_path}/x.fs"
        assert self._callFUT("/srv/Data.fs") == "file:///srv/Data.fs"

    def test_query_kept(self):
        assert self._callFUT("file:///srv/Data.fs?pack_gc=false") == \
            "file:///srv/Data.fs?pack_gc=false"

    def test_other_schemes_untouched(self):
        assert self._callFUT("zeo://localhost:8100") == "zeo://localhost:8100"
        assert self._callFUT("memory://") == "memory://"

    def test_no_path(self):
        from zcron.exceptions import InvalidURI
        with pytest.raises(InvalidURI, match="no file path"):
            self._callFUT("file://?x=1")


def _root_state(db):
    from zcron.db import Session
    from zcron.model import ZcronRoot
    with Session(db) as s:
        root = s.conn.root()["zcron"]
        return isinstance(root, ZcronRoot), dict(root.sites), dict(root.components)


class TestOpenDB:
    def _callFUT(self, *args, **kw):
        from zcron.db import open_db
        return open_db(*args, **kw)

    def test_file_creates_root_and_directories(self, tmp_path):
        path = tmp_path / "deep" / "er" / "Data.fs"
        db = self._callFUT(f"file://{path}")
        try:
            assert path.exists()
            assert _root_state(db) == (True, {}, {})
        finally:
            db.close()

    def test_unreachable_server_is_not_bad_input(self):
        from zcron.exceptions import DatabaseUnavailable, InvalidInput
        from zcron.testing import free_port
        with pytest.raises(DatabaseUnavailable) as info:
            self._callFUT(f"zeo://127.0.0.1:{free_port()}?wait_timeout=1")
        assert not isinstance(info.value, InvalidInput)
        assert "cannot reach the database" in str(info.value)

    def test_zeo_reads_start_from_the_server_state(self, zeo_server):
        db = self._callFUT(zeo_server.uri)
        try:
            assert db.storage.server_sync is True
        finally:
            db.close()

    def test_default_uri(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        db = self._callFUT()
        try:
            assert (tmp_path / "var" / "Data.fs").exists()
            assert _root_state(db)[0]
        finally:
            db.close()

    def test_bare_path(self, tmp_path):
        db = self._callFUT(str(tmp_path / "Bare.fs"))
        try:
            assert db.storage.getName() == str(tmp_path / "Bare.fs")
        finally:
            db.close()

    def test_reopen_keeps_root_and_writes_nothing(self, tmp_path):
        from zcron.db import Session
        from zcron.model import CronSite
        uri = f"file://{tmp_path}/Data.fs"
        db = self._callFUT(uri)
        with Session(db) as s:
            s.root.add_site(CronSite("kept"))
            s.tm.commit()
        last = db.storage.lastTransaction()
        db.close()
        db = self._callFUT(uri)
        try:
            assert db.storage.lastTransaction() == last
            assert list(_root_state(db)[1]) == ["kept"]
        finally:
            db.close()

    def test_memory(self):
        db = self._callFUT("memory://")
        try:
            assert _root_state(db) == (True, {}, {})
        finally:
            db.close()

    def test_db_options(self, tmp_path):
        db = self._callFUT("memory://", pool_size=3)
        try:
            assert db.getPoolSize() == 3
        finally:
            db.close()

    def test_connection_cache_fits_a_big_crontabs_indexes(self, tmp_path):
        from zcron.db import CACHE_SIZE
        db = self._callFUT(f"file://{tmp_path}/Data.fs")
        try:
            assert db.getCacheSize() == CACHE_SIZE == 20_000
        finally:
            db.close()

    def test_cache_size_of_the_uri_wins(self, tmp_path):
        db = self._callFUT(f"file://{tmp_path}/Data.fs?connection_cache_size=500")
        try:
            assert db.getCacheSize() == 500
        finally:
            db.close()

    def test_closed_connections_are_released_from_the_pool_in_minutes(self, tmp_path):
        """ZODB keeps them 68 years; each collects every oid committed."""
        from zcron.db import POOL_TIMEOUT
        db = self._callFUT(f"file://{tmp_path}/Data.fs")
        given = self._callFUT(f"file://{tmp_path}/Other.fs?connection_pool_timeout=7")
        try:
            assert (db.pool.timeout, given.pool.timeout) == (POOL_TIMEOUT, 7)
        finally:
            db.close()
            given.close()

    def test_the_pool_keeper_releases_idle_connections(self, tmp_path):
        """Between a dashboard's requests nothing opens a connection: the
        keeper does, so the idle ones go but the one it opened, which
        takes the oids handed to it meanwhile."""
        import time

        import transaction
        from persistent.mapping import PersistentMapping

        from zcron.db import PoolKeeper
        db = self._callFUT(f"file://{tmp_path}/Data.fs?connection_pool_timeout=1")
        idle = [db.open(transaction.TransactionManager()) for _ in range(2)]
        writer = db.open(transaction.TransactionManager())
        for conn in idle:
            conn.close()
        writer.root()["made"] = PersistentMapping()
        writer.transaction_manager.commit()
        time.sleep(1.1)                 # both idle past the pool's timeout
        assert all(conn in db.pool.all and conn._storage._invalidations for conn in idle)
        keeper = PoolKeeper(db, every=0.05).start()
        try:
            time.sleep(0.3)
        finally:
            keeper.stop()
        try:
            kept = [conn for conn in idle if conn in db.pool.all]
            assert len(kept) == 1 and not kept[0]._storage._invalidations
        finally:
            writer.close()
            db.close()

    def test_zeo(self, zeo_server):
        from zcron.db import Session
        from zcron.model import CronSite
        db = self._callFUT(zeo_server.uri)
        try:
            assert _root_state(db) == (True, {}, {})
            with Session(db) as s:
                s.root.add_site(CronSite("over-zeo"))
                s.tm.commit()
        finally:
            db.close()
        other = self._callFUT(zeo_server.uri)     # a second client sees it
        try:
            assert list(_root_state(other)[1]) == ["over-zeo"]
        finally:
            other.close()

    @pytest.mark.parametrize("uri,needle", [
        ("foo://bar", "unknown scheme 'foo'"),
        ("memory://?bogus=1", "Unrecognized database keyword(s): bogus"),
        ("zeo://127.0.0.1:notaport", "notaport"),
        ("file://?x=1", "no file path"),
    ])
    def test_bad_uri(self, uri, needle):
        from zcron.exceptions import InvalidInput, InvalidURI
        with pytest.raises(InvalidURI) as info:
            self._callFUT(uri)
        assert isinstance(info.value, InvalidInput)
        assert info.value.field == "database URI" and needle in str(info.value)

    def test_postgres_without_relstorage(self, monkeypatch):
        # RelStorage is in the test extra: hide its resolver
        import zodburi
        from zcron.exceptions import InvalidURI

        def no_resolver(uri):
            raise zodburi.NoResolverForScheme(uri)
        monkeypatch.setattr(zodburi, "resolve_uri", no_resolver)
        with pytest.raises(InvalidURI, match=r"zcron\[postgresql\]"):
            self._callFUT("postgres://user@host:5432/db")

    def test_not_a_filestorage(self, tmp_path):
        from zcron.exceptions import InvalidURI
        path = tmp_path / "notes.txt"
        path.write_text("not a database")
        with pytest.raises(InvalidURI, match="FileStorageFormatError"):
            self._callFUT(str(path))
        assert path.read_text() == "not a database"

    def test_missing_directory_without_create_dirs(self, tmp_path):
        from zcron.exceptions import InvalidURI
        with pytest.raises(InvalidURI, match="cannot open it"):
            self._callFUT(str(tmp_path / "none" / "Data.fs"), create_dirs=False)
        assert not (tmp_path / "none").exists()

    def test_locked_in_this_process(self, tmp_path):
        from zcron.exceptions import DatabaseLocked, ZcronError
        uri = f"file://{tmp_path}/Data.fs"
        db = self._callFUT(uri)
        try:
            with pytest.raises(DatabaseLocked) as info:
                self._callFUT(uri)
            assert isinstance(info.value, ZcronError)
            assert str(tmp_path) in str(info.value)
            assert "already open" in str(info.value) and "zeo://" in str(info.value)
        finally:
            db.close()
        self._callFUT(uri).close()     # free again once closed

    def test_locked_by_another_process(self, tmp_path):
        from zcron.exceptions import DatabaseLocked
        path = tmp_path / "Data.fs"
        holder = subprocess.Popen(
            [sys.executable, "-c",
             "import sys; from zcron.db import open_db; db = open_db(sys.argv[1]); "
             "print('open', flush=True); sys.stdin.read(); db.close()", str(path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "open"
            with pytest.raises(DatabaseLocked, match="in this process or another"):
                self._callFUT(str(path))
        finally:
            holder.stdin.close()
            holder.wait(20)
        self._callFUT(str(path)).close()


class TestSession:
    def _getTargetClass(self):
        from zcron.db import Session
        return Session

    def test_own_transaction_manager(self, db):
        from zcron.model import CronSite, ZcronRoot
        one, two = self._getTargetClass()(db), self._getTargetClass()(db)
        try:
            assert one.tm is not two.tm and one.conn is not two.conn
            assert isinstance(one.root, ZcronRoot)
            one.root.add_site(CronSite("s"))
            two.tm.commit()                      # commits nothing of one's
            assert "s" not in two.root.sites
            one.tm.commit()
            two.tm.begin()
            assert "s" in two.root.sites
        finally:
            one.close()
            two.close()

    def test_close_aborts(self, db):
        from zcron.model import CronSite
        with self._getTargetClass()(db) as s:
            s.root.add_site(CronSite("dropped"))
        with self._getTargetClass()(db) as s:
            assert "dropped" not in s.root.sites
            assert s.conn.opened is not None
        assert s.conn.opened is None

    def test_get_root(self, session):
        from zcron.db import get_root
        assert get_root(session.conn) is session.root


class TestSeveralSites:
    def test_sites_are_independent(self, tmp_path, zca):
        from zcron.components import load_crontab
        from zcron.db import Session, open_db
        from zcron.interfaces import IModifiedCrontabEvent
        from zcron.model import CronSite
        from zope.component import provideHandler
        events = []
        provideHandler(events.append, (IModifiedCrontabEvent,))
        uri = f"file://{tmp_path}/Data.fs"
        db = open_db(uri)
        with Session(db) as s:
            tabs = {name: load_crontab(s.root.add_site(CronSite(name)))
                    for name in ("alpha", "beta")}
            alpha = tabs["alpha"].add_cron(_cron("same-name", "@daily", uid="a" * 32))
            beta = tabs["beta"].add_cron(_cron("same-name", "@hourly", uid="a" * 32))
            tabs["beta"].add_cron(_cron("only-beta"))
            tabs["alpha"].activated = False
            for crontab in tabs.values():
                crontab.save()
            s.tm.commit()
            assert [e.site.name for e in events] == ["alpha", "beta"]
            assert events[0].object is tabs["alpha"]
            alpha.edit(activated=False)
            tabs["alpha"].save_cron(alpha)
            s.tm.commit()
            assert beta.activated is True
        db.close()
        db = open_db(uri)
        try:
            with Session(db) as s:
                a = load_crontab(s.root.get_site("alpha"))
                b = load_crontab(s.root.get_site("beta"))
                assert a is not b and (a.site, b.site) == ("alpha", "beta")
                assert (a.activated, b.activated) == (False, True)
                assert [c.name for c in a] == ["same-name"]
                assert [c.name for c in b] == ["same-name", "only-beta"]
                assert a.get("a" * 32).periodicity == "@daily"
                assert b.get("a" * 32).periodicity == "@hourly"
                assert a.get("a" * 32) is not b.get("a" * 32)
                assert (a.get("a" * 32).activated, b.get("a" * 32).activated) == \
                    (False, True)
                s.root.remove_site("alpha")
                s.tm.commit()
            with Session(db) as s:
                assert list(s.root.sites) == ["beta"]
                assert len(load_crontab(s.root.get_site("beta"))) == 2
        finally:
            db.close()


# -- bad input leaves the database exactly as it was ------------------------------

def _bad_expression(crontab):
    crontab.get("1" * 32).edit(name="renamed", periodicity="every fortnight")


def _unknown_zone(crontab):
    crontab.get("1" * 32).edit(periodicity="0 1 * * *", timezone="Europe/Atlantis")


def _non_serialisable_environ(crontab):
    crontab.add_cron(_cron("new", environ={"when": datetime(2026, 1, 1)}))


def _non_serialisable_environ_edit(crontab):
    crontab.get("1" * 32).edit(environ={"set": {1, 2}}, retries=4)


def _unknown_status(crontab):
    from zcron.model import Log
    crontab.get("1" * 32).add_log(Log(datetime(2026, 1, 1, tzinfo=UTC), "SUPERB"))


def _duplicate_uid_add(crontab):
    crontab.add_cron(_cron("intruder", uid="1" * 32))


def _load(crontab, data):
    """Replace the site's crontab by a loaded one, as a `load` does."""
    from zcron.components import registry_for
    from zcron.model import Crontab
    registry_for(crontab.__parent__).save(Crontab.load(data))


def _duplicate_uid_load(crontab):
    cron = {"name": "x", "periodicity": "@daily", "uid": "9" * 32}
    _load(crontab, {"crons": [cron, cron]})


def _malformed_json(crontab):
    _load(crontab, '{"crons": [')


def _bad_log_in_load(crontab):
    _load(crontab, {"crons": [{"name": "x", "periodicity": "@daily",
                               "logs": [{"date": "2026-01-01", "status": 9}]}]})


def _unknown_cron(crontab):
    crontab.resolve("nobody").edit(activated=False)


BAD_OPERATIONS = [_bad_expression, _unknown_zone, _non_serialisable_environ,
                  _non_serialisable_environ_edit, _unknown_status, _duplicate_uid_add,
                  _duplicate_uid_load, _malformed_json, _bad_log_in_load, _unknown_cron]


class TestBadInputWritesNothing:
    @pytest.mark.parametrize("operation", BAD_OPERATIONS, ids=lambda f: f.__name__[1:])
    @pytest.mark.parametrize("then", ["abort", "commit"])
    def test_database_unchanged(self, operation, then, tmp_path, zca):
        """Even a caller committing after the error writes nothing."""
        from zcron.components import load_crontab
        from zcron.db import Session, open_db
        from zcron.exceptions import InvalidInput
        from zcron.model import CronSite, Log
        uri = f"file://{tmp_path}/Data.fs"
        db = open_db(uri)
        with Session(db) as s:
            crontab = load_crontab(s.root.add_site(CronSite("site")))
            cron = crontab.add_cron(_cron("kept", uid="1" * 32, environ={"a": [1]}))
            crontab.add_cron(_cron("other", "@daily", uid="2" * 32))
            cron.add_log(Log(datetime(2025, 12, 31, tzinfo=UTC), "OK", execution_id="e"))
            crontab.save()
            s.tm.commit()
            before = crontab.dump()
            last = db.storage.lastTransaction()
        with Session(db) as s:
            crontab = load_crontab(s.root.get_site("site"))
            with pytest.raises(InvalidInput):
                operation(crontab)
            getattr(s.tm, then)()
            if then == "commit":
                assert db.storage.lastTransaction() == last
        db.close()
        db = open_db(uri)
        try:
            with Session(db) as s:
                assert load_crontab(s.root.get_site("site")).dump() == before
        finally:
            db.close()


class TestNoCreate:
    """open_db(create=False): an existing FileStorage or nothing on disk."""

    def test_missing_file_is_refused_and_nothing_made(self, tmp_path):
        from zcron.db import open_db
        from zcron.exceptions import InvalidURI
        path = tmp_path / "typo" / "sub" / "Data.fs"
        with pytest.raises(InvalidURI, match=f"no database at {path}"):
            open_db(f"file://{path}", create=False)
        assert not (tmp_path / "typo").exists()
        (tmp_path / "empty").mkdir()
        with pytest.raises(InvalidURI, match="no database at"):
            open_db(f"file://{tmp_path}/empty/Data.fs", create=False)
        assert list((tmp_path / "empty").iterdir()) == []

    def test_existing_file_opens(self, tmp_path):
        from zcron.db import get_root, open_db
        uri = f"file://{tmp_path}/Data.fs"
        open_db(uri).close()                     # create=True: the default
        db = open_db(uri, create=False)
        try:
            with db.transaction() as conn:
                assert get_root(conn).sites is not None
        finally:
            db.close()

    def test_other_storages_unaffected(self):
        from zcron.db import open_db
        open_db("memory://", create=False).close()
