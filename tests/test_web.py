"""The dashboard, view by view, through Pyramid's router (no server, no
browser): every page and action, the security rules (login, roles, CSRF,
no change on GET), escaping of user data, the JSON endpoints and the
/metrics format. Also ``zcron.users``.

The application runs on an in-memory ZODB with a fake clock; passwords are
hashed with few PBKDF2 iterations to keep the tests fast.
"""
import base64
import json
import os
import re
import threading
from datetime import datetime, timedelta, timezone
from html import unescape

import pytest
import transaction
from pyramid.interfaces import ISessionFactory
from webob import Request
from webob.multidict import MultiDict
from ZODB.POSException import ConflictError

import zcron
import zcron.config
from zcron import users
from zcron.clock import FakeClock, install_clock
from zcron.components import load_crontab, queue_for
from zcron.db import get_root, open_db
from zcron.exceptions import InvalidInput
from zcron.model import FOREVER, Log
from zcron.model.timeutil import to_us
from zcron import retry
from zcron.queue.base import Job
from zcron.testing import setup_components, teardown_components
from zcron import web
from zcron.web import formatting, metrics, security, views

UTC = timezone.utc
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)          # a Monday
FAST = 1000                                            # PBKDF2 iterations in tests
XSS = "<script>alert(1)</script>"


class Hello(zcron.Runner):
    def run(self):
        return None


# -- fixtures ------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def components():
    setup_components()
    zcron.add_runner("hello", Hello)
    clock = install_clock(FakeClock(NOW))
    yield clock
    teardown_components()


@pytest.fixture
def clock(components):
    return components


@pytest.fixture
def ini(tmp_path):
    path = str(tmp_path / "zcron.ini")
    with open(path, "w") as f:
        f.write("[web]\nsecret = test-secret\n\n")
    users.add_user(path, "alice", "manager", "alice-pw", iterations=FAST)
    users.add_user(path, "victor", "viewer", "victor-pw", iterations=FAST)
    return path


def make_log(minutes_ago, status, messages=(), late=0.5, duration=0.25, traceback=None):
    fire = NOW - timedelta(minutes=minutes_ago)
    return Log(fire + timedelta(seconds=late), status, list(messages), fire_time=fire,
               duration=duration, traceback=traceback)


@pytest.fixture
def db(tmp_path):
    db = open_db("memory://")
    dump = {"crons": [{"uid": "f" * 32, "name": "hello", "periodicity": "@daily"}]}
    (tmp_path / "ro.json").write_text(json.dumps(dump))
    with db.transaction() as conn:
        root = get_root(conn)
        site = root.add_site(zcron.CronSite("default"))
        crontab = load_crontab(site)
        hello = crontab.add_cron(zcron.Cron("hello", "*/5 * * * *", uid="a" * 32,
                                            timezone="Europe/Zurich", logs_limit=50))
        for i, (status, messages) in enumerate([
                ("OK", []),
                ("FAILURE", ["ValueError: <b>bad</b>"]),
                ("NOTRUN", ["missed: 3 fire times from a to b"]),
                ("NOTRUN", ["missed: fire time x was late"]),
                ("NOTRUN", ["overlap: the previous run is still going"]),
                ("NOTRUN", ["no job runner is registered under the name 'x'"]),
                ("WARN", ["took long"])]):
            hello.add_log(make_log(60 - 5 * i, status, messages,
                                   traceback="Traceback: <i>x</i>" if status == "FAILURE" else None))
        crontab.add_cron(zcron.Cron("report", "0 8 * * 1-5", uid="b" * 32, activated=False))
        crontab.save()
        root.add_site(zcron.CronSite("ro", registry="json",
                                     registry_options={"path": str(tmp_path / "ro.json")}))
        root.add_site(zcron.CronSite("empty"))
    yield db
    db.close()


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    """One application for the module (compiling its templates takes a
    while); each test gives it its own database and users."""
    path = str(tmp_path_factory.mktemp("app") / "zcron.ini")
    users.add_user(path, "alice", "manager", "alice-pw", iterations=FAST)
    db = open_db("memory://")
    app = web.make_app({"zcron.db_object": db, "zcron.config": path,
                        "zcron.secret": "test-secret"})
    yield app
    db.close()


@pytest.fixture
def app(shared_app, db, ini):
    registry = shared_app.registry
    registry.zcron_db = db
    registry.zcron_users = security.UserStore(ini)
    registry.zcron_throttle = security.LoginThrottle()
    return shared_app


class Client:
    """A browser stand-in: keeps cookies, finds the CSRF token in pages."""

    def __init__(self, app):
        self.app = app
        self.cookies = {}
        self.token = None

    def request(self, path, method="GET", data=None, headers=None):
        if data is None:
            req = Request.blank(path, method=method)
        else:
            req = Request.blank(path, method=method, POST=data)
        if self.cookies:
            req.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for name, value in (headers or {}).items():
            req.headers[name] = value
        res = req.get_response(self.app)
        for header in res.headers.getall("Set-Cookie"):
            name, _, value = header.split(";")[0].partition("=")
            self.cookies[name] = value
        match = re.search(r'name="csrf_token" value="([^"]+)"', res.text) \
            if res.content_type == "text/html" else None
        if match:
            self.token = match.group(1)
        return res

    def get(self, path, **kw):
        return self.request(path, **kw)

    def post(self, path, data=None, csrf=True, **kw):
        data = MultiDict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login")
            data["csrf_token"] = self.token
        return self.request(path, method="POST", data=data, **kw)

    def login(self, name="alice", password=None):
        self.get("/login")
        password = password or f"{name}-pw"
        res = self.post("/login", {"login": name, "password": password, "came_from": "/"})
        assert res.status_int == 303, res.text
        self.get("/")
        return res


@pytest.fixture
def client(app):
    return Client(app)


@pytest.fixture
def alice(app):
    c = Client(app)
    c.login("alice")
    return c


@pytest.fixture
def victor(app):
    c = Client(app)
    c.login("victor")
    return c


def read(db, func):
    """func(root) in a fresh connection: what is committed."""
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    try:
        return func(get_root(conn))
    finally:
        tm.abort()
        conn.close()


def cron_of(db, uid="a" * 32, site="default"):
    return read(db, lambda root: load_crontab(root.sites[site]).get(uid).dump())


def uids(db, site="default"):
    return read(db, lambda root: [c.uid for c in load_crontab(root.sites[site])])


def pending(db, uid="a" * 32, site="default"):
    return read(db, lambda root: [(j.kind, j.due) for j in queue_for(root).pending(site, uid)])


def flashes(client):
    return unescape(client.get("/workers").text)


# -- zcron.users -----------------------------------------------------------------------

class TestUsers:
    def test_hash_and_verify(self):
        encoded = users.hash_password("s3cret", iterations=FAST)
        algorithm, iterations, salt, digest = encoded.split("$")
        assert (algorithm, iterations, len(salt), len(digest)) == ("pbkdf2_sha256", "1000", 32, 64)
        assert users.verify_password("s3cret", encoded)
        assert not users.verify_password("S3cret", encoded)
        assert users.hash_password("x", iterations=FAST) != users.hash_password("x", iterations=FAST)
        assert users.hash_password("x", FAST, salt="ab") == users.hash_password("x", FAST, salt="ab")

    def test_default_iterations(self):
        assert users.DEFAULT_ITERATIONS >= 600_000

    @pytest.mark.parametrize("encoded", [
        None, "", "md5$1$ab$cd", "pbkdf2_sha256$x$ab$cd", "pbkdf2_sha256$0$ab$cd",
        "pbkdf2_sha256$1$$cd", "pbkdf2_sha256$1$ab$", "pbkdf2_sha256$1$ab$zz",
        "pbkdf2_sha256$1$é$cd", "pbkdf2_sha256$1$ab", "pbkdf2_sha256$1$a$b$c"])
    def test_verify_malformed(self, encoded):
        assert not users.verify_password("x", encoded)

    def test_verify_non_text_password(self):
        assert not users.verify_password(None, users.hash_password("x", FAST))

    @pytest.mark.parametrize("password, iterations", [
        ("", FAST), (None, FAST), ("x", 0), ("x", True), ("x", "9")])
    def test_hash_refuses(self, password, iterations):
        with pytest.raises(InvalidInput):
            users.hash_password(password, iterations=iterations)

    def test_authenticate(self, ini):
        known = users.load_users(ini)
        assert users.authenticate(known, "alice", "alice-pw").role == "manager"
        assert users.authenticate(known, "alice", "wrong") is None
        assert users.authenticate(known, "nobody", "alice-pw") is None
        assert users.authenticate(known, "nobody", None) is None
        assert users.authenticate(known, None, "x") is None
        assert users.authenticate({}, "nobody", "x") is None     # default cost

    def test_dummy_hash_costs_as_much_as_the_users(self, ini):
        known = users.load_users(ini)
        assert users._dummy_hash(known).split("$")[1] == str(FAST)
        assert users._dummy_hash({}).split("$")[1] == str(users.DEFAULT_ITERATIONS)
        bad = {"x": users.User("x", "viewer", "garbage")}
        assert users._dummy_hash(bad).split("$")[1] == str(users.DEFAULT_ITERATIONS)

    def test_config_path(self, monkeypatch):
        monkeypatch.delenv("ZCRON_CONFIG", raising=False)
        assert users.config_path() is None
        assert users.config_path("a.ini") == "a.ini"
        monkeypatch.setenv("ZCRON_CONFIG", "env.ini")
        assert users.config_path() == "env.ini"
        assert users.config_path("a.ini") == "a.ini"

    @pytest.mark.parametrize("name", ["", "a b", "a=b", "a:b", "[x]", "x" * 65, None, "#x"])
    def test_bad_names(self, name):
        with pytest.raises(InvalidInput):
            users.check_name(name)

    def test_bad_role(self):
        with pytest.raises(InvalidInput):
            users.check_role("admin")

    @pytest.mark.parametrize("value", [
        "manager", "admin:" + "pbkdf2_sha256$1$ab$cd", "viewer:plain", "viewer"])
    def test_bad_user_lines(self, tmp_path, value):
        path = tmp_path / "u.ini"
        path.write_text(f"[users]\nbob = {value}\n")
        with pytest.raises(InvalidInput, match="user 'bob'"):
            users.load_users(str(path))

    def test_unreadable_files(self, tmp_path):
        with pytest.raises(InvalidInput, match="config file"):
            users.load_users(str(tmp_path / "missing.ini"))
        bad = tmp_path / "bad.ini"
        bad.write_text("no section header\n")
        with pytest.raises(InvalidInput, match="config file"):
            users.load_users(str(bad))

    def test_no_users_section(self, tmp_path):
        path = tmp_path / "u.ini"
        path.write_text("[web]\nsecret = x\n")
        assert users.load_users(str(path)) == {}

    def test_user(self):
        user = users.User("bob", "viewer", "h")
        assert not user.can_manage and repr(user) == "<User bob viewer>"
        assert users.User("ann", "manager", "h").can_manage

    def test_add_user_creates_a_private_file(self, tmp_path):
        path = str(tmp_path / "new.ini")
        user = users.add_user(path, "bob", "viewer", "pw", iterations=FAST)
        assert os.stat(path).st_mode & 0o777 == 0o600
        assert open(path).read() == f"[users]\nbob = viewer:{user.password_hash}\n"
        assert users.authenticate(users.load_users(path), "bob", "pw") is not None

    def test_add_user_keeps_the_rest(self, tmp_path):
        path = tmp_path / "u.ini"
        path.write_text("# settings\n[web]\nsecret = x\n\n[users]\n; admins\n"
                        "ann = viewer:pbkdf2_sha256$1$ab$cd\n\n[other]\nk = v")
        os.chmod(path, 0o640)
        users.add_user(str(path), "bob", "manager", "pw", iterations=FAST)
        users.add_user(str(path), "ann", "manager", "new", iterations=FAST)
        text = path.read_text()
        assert text.startswith("# settings\n[web]\nsecret = x\n\n[users]\n; admins\nann = manager:")
        assert "\nbob = manager:" in text and text.endswith("\n\n[other]\nk = v\n")
        assert os.stat(path).st_mode & 0o777 == 0o640
        loaded = users.load_users(str(path))
        assert sorted(loaded) == ["ann", "bob"]
        assert users.authenticate(loaded, "ann", "new") is not None

    def test_add_user_appends_a_section(self, tmp_path):
        path = tmp_path / "u.ini"
        path.write_text("[web]\nsecret = x")
        users.add_user(str(path), "bob", "viewer", "pw", iterations=FAST)
        assert path.read_text().startswith("[web]\nsecret = x\n\n[users]\nbob = viewer:")
        empty = tmp_path / "empty.ini"
        empty.write_text("")
        users.add_user(str(empty), "bob", "viewer", "pw", iterations=FAST)
        assert empty.read_text().startswith("[users]\nbob = ")

    def test_add_user_matches_names_exactly(self, tmp_path):
        path = tmp_path / "u.ini"
        path.write_text("[users]\nbobby = viewer:pbkdf2_sha256$1$ab$cd\n"
                        "  bob = continuation of bobby\n")
        users.add_user(str(path), "bob", "viewer", "pw", iterations=FAST)
        assert path.read_text().count("bob = viewer:") == 1

    def test_add_user_refuses(self, tmp_path):
        path = tmp_path / "bad.ini"
        path.write_text("garbage\n")
        with pytest.raises(InvalidInput):
            users.add_user(str(path), "bob", "viewer", "pw", iterations=FAST)
        assert path.read_text() == "garbage\n"
        with pytest.raises(InvalidInput):
            users.add_user(str(tmp_path / "x.ini"), "bob", "root", "pw")
        assert not (tmp_path / "x.ini").exists()

    def test_remove_user(self, tmp_path, ini):
        assert users.remove_user(ini, "victor")
        assert sorted(users.load_users(ini)) == ["alice"]
        assert not users.remove_user(ini, "victor")
        path = tmp_path / "nousers.ini"
        path.write_text("[web]\n")
        assert not users.remove_user(str(path), "victor")

    def test_failed_write_leaves_the_file(self, tmp_path, ini, monkeypatch):
        before = open(ini).read()

        def broken(src, dst):
            raise OSError("disk full")
        monkeypatch.setattr(users.os, "replace", broken)
        with pytest.raises(OSError):
            users.add_user(ini, "bob", "viewer", "pw", iterations=FAST)
        assert open(ini).read() == before
        assert [p for p in os.listdir(os.path.dirname(ini)) if p.startswith(".zcron")] == []


# -- formatting ------------------------------------------------------------------------

class TestFormatting:
    def test_when(self):
        t = formatting.when(NOW, "Europe/Zurich", NOW + timedelta(minutes=3))
        assert t.text == "2026-03-02 10:00:00 CET +01:00"
        assert t.utc == "2026-03-02 09:00:00 UTC"
        assert t.iso == "2026-03-02T09:00:00+00:00"
        assert t.relative == "3 min ago" and str(t) == t.text
        assert formatting.when(None) is None
        assert formatting.when(NOW).text == "2026-03-02 09:00:00 UTC"
        assert formatting.when(NOW, "Asia/Dubai").text == "2026-03-02 13:00:00 +04:00"
        assert formatting.when(NOW, "Nowhere/Zone").text.endswith("UTC")
        assert formatting.when(NOW, None).relative == ""
        assert formatting.when(FOREVER, "Asia/Kolkata").text.startswith("9999-12-31 23:59:59")

    def test_relative(self):
        assert formatting.relative(NOW, NOW) == "now"
        assert formatting.relative(NOW + timedelta(seconds=90), NOW) == "in 1 min"
        assert formatting.relative(NOW - timedelta(seconds=5), NOW) == "5 s ago"

    @pytest.mark.parametrize("seconds, text", [
        (None, ""), (0.123, "0.12 s"), (12.4, "12 s"), (60, "1 min"), (61, "1 min 1 s"),
        (3600, "1 h"), (3660, "1 h 1 min"), (86400, "1 d"), (90000, "1 d 1 h")])
    def test_duration(self, seconds, text):
        assert formatting.duration(seconds) == text

    def test_duration_not_precise(self):
        assert formatting.duration(3.3, precise=False) == "3 s"
        assert formatting.duration(61, precise=False) == "1 min"

    def test_status_class(self):
        assert formatting.status_class("FAILURE") == "st-failure"
        assert formatting.status_class(None) == "st-none"


# -- security ---------------------------------------------------------------------------

class TestSecurityParts:
    def test_store_without_file(self):
        assert security.UserStore(None).users() == {}

    def test_store_rereads_and_fails_closed(self, tmp_path, ini):
        store = security.UserStore(ini)
        assert sorted(store.users()) == ["alice", "victor"]
        users.add_user(ini, "bob", "viewer", "pw", iterations=FAST)
        assert store.get("bob").role == "viewer"
        with open(ini, "a") as f:
            f.write("broken line without equals\n")
        assert store.users() == {}
        os.unlink(ini)
        assert store.users() == {}

    def test_store_refuses_a_bad_file_at_start(self, tmp_path):
        with pytest.raises(InvalidInput):
            security.UserStore(str(tmp_path / "missing.ini"))

    def test_throttle(self):
        now = [0.0]
        throttle = security.LoginThrottle(clock=lambda: now[0])
        for _ in range(security.MAX_FAILURES):
            assert not throttle.blocked("Bob")
            throttle.failed("bob")
        assert throttle.blocked("BOB")
        now[0] += security.FAILURE_WINDOW + 1
        assert not throttle.blocked("bob")
        assert "bob" not in throttle.failures
        throttle.failed("bob")
        throttle.succeeded("Bob")
        assert not throttle.failures

    def test_basic_cache(self, ini):
        now = [0.0]
        cache = security.BasicAuthCache(clock=lambda: now[0])
        known = users.load_users(ini)
        assert cache.check(known, "alice", "alice-pw").name == "alice"
        assert len(cache.entries) == 1
        calls = []
        real = security.authenticate
        security.authenticate = lambda *a: calls.append(a) or real(*a)
        try:
            assert cache.check(known, "alice", "alice-pw").name == "alice"
            assert calls == []                       # from the cache
            now[0] += cache.TTL + 1
            assert cache.check(known, "alice", "alice-pw").name == "alice"
            assert len(calls) == 1                   # expired: checked again
            assert cache.check(known, "alice", "wrong") is None
            assert cache.check(known, "nobody", "x") is None
        finally:
            security.authenticate = real

    @pytest.mark.parametrize("header, expected", [
        (None, None), ("Bearer abc", None), ("Basic", None), ("Basic !!!", None),
        ("Basic " + base64.b64encode(b"\xff\xfe:x").decode(), None),
        ("Basic " + base64.b64encode(b"nocolon").decode(), None),
        ("Basic " + base64.b64encode(b"bob:pa:ss").decode(), ("bob", "pa:ss"))])
    def test_basic_credentials(self, header, expected):
        req = Request.blank("/metrics")
        if header is not None:
            req.headers["Authorization"] = header
        assert security.basic_credentials(req) == expected

    @pytest.mark.parametrize("value, expected", [
        ("/sites/x?status=OK", "/sites/x?status=OK"), (None, "/"), ("", "/"),
        ("http://evil.example/", "/"), ("//evil.example/", "/"), ("/\\evil", "/"),
        ("/a\nb", "/"), ("sites", "/")])
    def test_safe_came_from(self, value, expected):
        assert security.safe_came_from(value) == expected


class TestLogin:
    def test_pages_need_a_login(self, client):
        for path in ["/", "/sites/default", "/workers", "/sites/default/add",
                     "/sites/default/crons/" + "a" * 32 + "/logs", "/validate.json",
                     "/sites/default/export.json", "/sites/default/import"]:
            res = client.get(path)
            assert res.status_int == 303, path
            assert res.location.startswith("http://localhost/login?came_from=")

    def test_login_page(self, client):
        res = client.get("/login?came_from=/workers")
        assert res.status_int == 200 and 'name="came_from" value="/workers"' in res.text
        assert "Log out" not in res.text
        assert client.get("/login?came_from=//evil").text.count('value="/"') == 1

    def test_login_and_logout(self, client, db):
        client.get("/login")
        res = client.post("/login", {"login": "alice", "password": "alice-pw",
                                     "came_from": "/workers"})
        assert res.status_int == 303 and res.location == "http://localhost/workers"
        cookie = [h for h in res.headers.getall("Set-Cookie") if h.startswith("zcron_session=")]
        assert cookie and "HttpOnly" in cookie[0] and "SameSite=Lax" in cookie[0]
        assert client.get("/").status_int == 200
        assert client.get("/login").location == "http://localhost/"      # already in
        res = client.post("/logout")
        assert res.status_int == 303 and res.location == "http://localhost/login"
        assert "You are logged out." in client.get("/login").text
        assert client.get("/").status_int == 303

    def test_session_is_renewed_at_login(self, client):
        client.get("/login")
        before = client.token
        client.post("/login", {"login": "alice", "password": "alice-pw"})
        client.get("/")
        assert client.token != before

    def test_wrong_password(self, client):
        client.get("/login")
        res = client.post("/login", {"login": "alice", "password": "nope"})
        assert res.status_int == 401 and "Wrong user name or password." in res.text
        assert 'value="alice"' in res.text
        res = client.post("/login", {"login": "nobody", "password": "nope"})
        assert res.status_int == 401
        assert client.get("/").status_int == 303

    def test_throttled(self, client):
        client.get("/login")
        for _ in range(security.MAX_FAILURES):
            client.post("/login", {"login": "alice", "password": "nope"})
        res = client.post("/login", {"login": "alice", "password": "alice-pw"})
        assert res.status_int == 429 and "Too many failed attempts" in res.text
        assert client.get("/").status_int == 303

    def test_login_needs_csrf(self, client):
        client.get("/login")
        res = client.post("/login", {"login": "alice", "password": "alice-pw"}, csrf=False)
        assert res.status_int == 403 and "security token" in res.text

    def test_removed_user_is_logged_out(self, alice, ini):
        users.remove_user(ini, "alice")
        assert alice.get("/").status_int == 303

    def test_changed_password_ends_sessions(self, alice, ini):
        users.add_user(ini, "alice", "manager", "other-pw", iterations=FAST)
        assert alice.get("/").status_int == 303

    def test_viewer_cannot_change_anything(self, victor, db):
        before = read(db, lambda root: load_crontab(root.sites["default"]).dump())
        uid = "a" * 32
        for path, data in [
                (f"/sites/default/crons/{uid}/toggle", {"activated": "0"}),
                (f"/sites/default/crons/{uid}/run", {}),
                (f"/sites/default/crons/{uid}/pause", {"note": "x"}),
                (f"/sites/default/crons/{uid}/resume", {}),
                (f"/sites/default/crons/{uid}/delete", {}),
                (f"/sites/default/crons/{uid}/clear", {}),
                (f"/sites/default/crons/{uid}/edit", {"name": "x", "periodicity": "* * * * *"}),
                ("/sites/default/add", {"name": "x", "periodicity": "* * * * *"}),
                ("/sites/default/switch", {"activated": "0"}),
                ("/sites/default/bulk", {"action": "delete", "uid": uid}),
                ("/sites/default/import", {"dump": "[]", "action": "apply"})]:
            res = victor.post(path, data)
            assert res.status_int == 403, path
            assert "You are not allowed to do this." in res.text
        assert read(db, lambda root: load_crontab(root.sites["default"]).dump()) == before
        assert pending(db) == [("schedule", datetime(2026, 3, 2, 9, 5, tzinfo=UTC))]

    def test_viewer_sees_no_buttons(self, victor):
        page = victor.get("/sites/default").text
        for word in ["Run now", "Turn off", "Pause", "Edit", "Delete", "Add cron", "Import",
                     'id="bulk"', "select-all"]:
            assert word not in page, word
        assert "Export JSON" in page and "Log out" in page
        logs = victor.get("/sites/default/crons/" + "a" * 32 + "/logs").text
        assert "Run now" not in logs and "Clear logs" not in logs
        assert "Turn off" not in victor.get("/").text
        assert "Apply" not in victor.post("/sites/default/import", {"dump": "[]"}).text

    def test_anonymous_post_is_refused(self, client, db):
        client.get("/login")
        res = client.post("/sites/default/switch", {"activated": "0"})
        assert res.status_int == 403 and "Log in first." in res.text
        assert read(db, lambda root: root.sites["default"].crontab.activated)

    def test_post_without_csrf_is_refused(self, alice, db):
        for data in ({}, {"csrf_token": "forged"}):
            res = alice.post("/sites/default/switch", dict(data, activated="0"), csrf=False)
            assert res.status_int == 403 and "security token" in res.text
        res = alice.post("/sites/default/crons/" + "a" * 32 + "/delete", csrf=False)
        assert res.status_int == 403
        assert read(db, lambda root: root.sites["default"].crontab.activated)
        assert "a" * 32 in uids(db)

    def test_csrf_token_in_header(self, alice, db):
        res = alice.request("/sites/default/switch", method="POST",
                            data={"activated": "0"}, headers={"X-CSRF-Token": alice.token})
        assert res.status_int == 303
        assert not read(db, lambda root: root.sites["default"].crontab.activated)

    def test_bad_csrf_origin(self, alice, app):
        req = Request.blank("https://localhost/sites/default/switch", method="POST",
                            POST={"activated": "0", "csrf_token": alice.token})
        req.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in alice.cookies.items())
        req.headers["Origin"] = "https://evil.example"
        res = req.get_response(app)
        assert res.status_int == 403 and "security token" in res.text

    def test_no_get_changes_anything(self, alice, db):
        uid = "a" * 32
        for action in ["toggle", "run", "pause", "resume", "delete", "clear"]:
            assert alice.get(f"/sites/default/crons/{uid}/{action}").status_int == 404
        assert alice.get("/sites/default/switch?activated=0").status_int == 404
        assert alice.get("/sites/default/bulk?action=delete&uid=" + uid).status_int == 404
        assert alice.get("/logout").status_int == 404
        assert cron_of(db)["activated"] and uid in uids(db)
        assert len(read(db, lambda root: load_crontab(root.sites["default"]).get(uid).logs)) == 7

    def test_gets_never_commit(self, alice, db):
        # loading the never-saved crontab of 'empty' creates it in memory only
        assert alice.get("/sites/empty").status_int == 200
        assert read(db, lambda root: root.sites["empty"].crontab) is None

    def test_metrics_for_scrapers(self, client):
        res = client.get("/metrics")
        assert res.status_int == 401
        assert res.headers["WWW-Authenticate"].startswith('Basic realm="zcron"')
        good = "Basic " + base64.b64encode(b"victor:victor-pw").decode()
        res = client.get("/metrics", headers={"Authorization": good})
        assert res.status_int == 200 and "zcron_queue_depth" in res.text
        bad = "Basic " + base64.b64encode(b"victor:nope").decode()
        assert client.get("/metrics", headers={"Authorization": bad}).status_int == 401
        # Basic credentials open /metrics only
        assert client.get("/", headers={"Authorization": good}).status_int == 303

    def test_security_headers(self, alice):
        res = alice.get("/")
        assert "script-src 'self'" in res.headers["Content-Security-Policy"]
        assert res.headers["X-Frame-Options"] == "DENY"
        assert res.headers["Cache-Control"] == "no-store"
        static = alice.get("/static/zcron.css")
        assert static.status_int == 200 and "no-store" not in static.headers.get("Cache-Control", "")
        assert Client(alice.app).get("/static/zcron.js").status_int == 200   # no login needed


# -- pages -------------------------------------------------------------------------------

class TestPages:
    def test_sites_overview(self, alice, db, clock):
        res = alice.get("/")
        assert res.status_int == 200
        page = res.text
        assert 'data-refresh="2000"' in page
        row = re.search(r'<tr data-site="default">(.*?)</tr>', page, re.S).group(1)
        assert re.search(r'status=WARN">1</a>', row)         # hello's last: WARN
        assert re.search(r'status=never">1</a>', row)        # report never ran
        assert '<span class="bad">1</span>' in row            # one FAILURE in 24 h
        assert "2026-03-02 09:05:00 UTC" in row               # next run
        ro = re.search(r'<tr data-site="ro">(.*?)</tr>', page, re.S).group(1)
        assert "read-only" in ro and "Turn off" not in ro
        assert "queue: 1 job(s)" in page
        clock.advance(hours=25)
        row = re.search(r'<tr data-site="default">(.*?)</tr>', alice.get("/").text, re.S).group(1)
        assert '<span class="muted">0</span>' in row

    def test_sites_overview_with_a_broken_registry(self, alice, tmp_path):
        os.unlink(tmp_path / "ro.json")
        row = re.search(r'<tr data-site="ro">(.*?)</tr>', alice.get("/").text, re.S).group(1)
        assert 'class="error"' in row and "ro.json" in row
        res = alice.get("/sites/ro")
        assert res.status_int == 503 and "cannot be read" in res.text

    def test_no_sites(self, alice, app):
        app.registry.zcron_db = open_db("memory://")
        assert "No site yet" in alice.get("/").text
        app.registry.zcron_db.close()

    def test_crontab_page(self, alice):
        page = alice.get("/sites/default").text
        hello = re.search(r'<tr id="cron-a{32}".*?</tr>', page, re.S).group(0)
        assert "every 5 minutes" in hello and "Europe/Zurich" in hello
        assert 'title="2026-03-02 09:05:00 UTC">2026-03-02 10:05:00 CET +01:00' in hello
        assert 'data-status="WARN"' in hello and 'data-state="on"' in hello
        assert "Run now" in hello and "Pause…" in hello
        report = re.search(r'<tr id="cron-b{32}".*?</tr>', page, re.S).group(0)
        assert "at 08:00 on weekdays" in report and 'data-state="off"' in report
        assert "Run now" not in report and "never" in report
        assert "crontab on" in page and "Turn crontab off" in page

    def test_crontab_status_filter(self, alice):
        page = alice.get("/sites/default?status=never").text
        assert re.search(r'<tr id="cron-a{32}"[^>]*hidden', page, re.S)
        assert not re.search(r'<tr id="cron-b{32}"[^>]*hidden', page, re.S)
        assert '<option value="never" selected="selected">' in page
        page = alice.get("/sites/default?status=bogus").text
        assert "hidden" not in re.search(r'<tr id="cron-a{32}"[^>]*>', page, re.S).group(0)

    def test_empty_crontab(self, alice):
        assert "No cron yet." in alice.get("/sites/empty").text

    def test_read_only_crontab_page(self, alice):
        page = alice.get("/sites/ro").text
        assert "read-only" in page and "Add cron" not in page and "Run now" in page
        assert "Turn off" not in page and "Edit" not in page

    def test_running_and_manual_jobs(self, alice, db):
        with db.transaction() as conn:
            root = get_root(conn)
            q = queue_for(root)
            job = Job("default", "a" * 32, to_us(NOW), to_us(NOW))
            q.put(job)
            q.claim(job, "w1", NOW)
            q.put(Job("default", "a" * 32, to_us(NOW), to_us(NOW), "manual"))
        page = alice.get("/sites/default").text
        hello = re.search(r'<tr id="cron-a{32}".*?</tr>', page, re.S).group(0)
        assert 'data-status="running"' in hello and "run now queued" in hello

    def test_paused_rows(self, alice, db, clock):
        with db.transaction() as conn:
            crontab = load_crontab(get_root(conn).sites["default"])
            crontab.get("a" * 32).pause(NOW + timedelta(hours=1), "db <upgrade>")
            crontab.get("b" * 32).edit(activated=True)
            crontab.get("b" * 32).pause(None, "")
            crontab.save()
        page = alice.get("/sites/default").text
        hello = re.search(r'<tr id="cron-a{32}".*?</tr>', page, re.S).group(0)
        assert 'data-state="paused"' in hello and "db &lt;upgrade&gt;" in hello
        assert "until 2026-03-02 11:00:00 CET +01:00" in hello and "Resume" in hello
        report = re.search(r'<tr id="cron-b{32}".*?</tr>', page, re.S).group(0)
        assert 'data-state="paused"' in report and "until" not in report
        clock.advance(hours=2)           # the pause is over: on again
        page = alice.get("/sites/default").text
        assert 'data-state="on"' in re.search(r'<tr id="cron-a{32}".*?</tr>', page, re.S).group(0)

    def test_unknown_zone_still_renders(self, alice, db):
        with db.transaction() as conn:
            load_crontab(get_root(conn).sites["default"]).get("b" * 32).timezone = "Gone/Zone"
        page = alice.get("/sites/default").text
        assert "Gone/Zone" in page
        assert views.describe(read(db, lambda r: load_crontab(r.sites["default"]).get("b" * 32))) == ""

    def test_not_found(self, alice):
        for path in ["/sites/nope", "/sites/default/crons/nope/logs", "/nothing",
                     "/sites/default/crons/" + "a" * 32 + "/explode"]:
            res = alice.get(path)
            assert res.status_int == 404 and "Not found" in res.text, path
        assert "no such site" in alice.get("/sites/nope").text.lower()
        assert "There is nothing at this address." in alice.get("/logout").text

    def test_logs_page(self, alice):
        page = alice.get("/sites/default/crons/" + "a" * 32 + "/logs").text
        assert page.index("took long") < page.index("overlap:") < page.index("missed: 3")
        assert "ValueError: &lt;b&gt;bad&lt;/b&gt;" in page
        assert 'class="traceback">Traceback: &lt;i&gt;x&lt;/i&gt;' in page
        assert "<details" in page and "0.50 s" in page and "0.25 s" in page
        assert "kept: 7 of 50" in page
        assert 'data-refresh="2000"' in page

    def test_logs_filter_and_pages(self, alice, db):
        with db.transaction() as conn:
            cron = load_crontab(get_root(conn).sites["default"]).get("a" * 32)
            for i in range(45):
                cron.add_log(make_log(i, "OK", [f"run {i}"]))
        base = "/sites/default/crons/" + "a" * 32 + "/logs"
        page = alice.get(base).text
        assert "page 1 of 3 (51 entries)" in page and "older →" in page and "← newer" not in page
        page = alice.get(base + "?page=2").text
        assert "← newer" in page and "older →" in page
        page = alice.get(base + "?page=99").text
        assert "page 3 of 3" in page and "older →" not in page
        assert "page 1 of 3" in alice.get(base + "?page=x").text
        page = alice.get(base + "?status=FAILURE").text
        assert page.count('class="log"') == 1 and "pager" not in page
        page = alice.get(base + "?status=bogus").text
        assert "page 1 of 3" in page

    def test_logs_empty(self, alice):
        page = alice.get("/sites/default/crons/" + "b" * 32 + "/logs?status=OK").text
        assert "No log entry with status OK." in page

    def test_workers_page(self, alice, db, clock):
        with db.transaction() as conn:
            root = get_root(conn)
            q = queue_for(root)
            q.register_worker("host:1:aa", NOW, 30, concurrency=4, host="host", pid=1)
            q.register_worker("host:2:bb", NOW - timedelta(hours=1), 3595, host="host", pid=2)
            for uid, worker in [("a" * 32, "host:1:aa"), ("c" * 32, "host:1:aa"),
                                ("b" * 32, "gone:9:zz")]:
                job = Job("default", uid, to_us(NOW), to_us(NOW))
                q.put(job)
                claim = q.claim(job, worker, NOW, uid[:1] * 32)
            # the run of the last claim ended: its log entry is there
            load_crontab(root.get_site("default")).get("b" * 32).add_log(
                Log(NOW, "OK", execution_id="b" * 32))
            job = Job("nosite", "d" * 32, to_us(NOW), to_us(NOW), attempt=2, kind="retry")
            q.put(job)
            q.claim(job, "host:1:aa", NOW)
            q.hold(Job("default", "a" * 32, to_us(NOW), to_us(NOW), "queued"))
            q.hold(Job("ro", "e" * 32, to_us(NOW), to_us(NOW), "queued"))
        assert alice.get("/").status_int == 200          # a site with claims only
        page = alice.get("/workers").text
        one = re.search(r'data-worker="host:1:aa">(.*?)</section>', page, re.S).group(1)
        assert "alive" in one and "4 thread(s)" in one and "running" in one
        assert ">hello</a>" in one and "(gone)" in one and "retry #2" in one
        two = re.search(r'data-worker="host:2:bb">(.*?)</section>', page, re.S).group(1)
        assert "lease expired" in two and "Holds no run." in two
        assert "gone:9:zz" in page and "unregistered" in page and "report" in page
        orphan = page[page.index("gone:9:zz"):]
        assert "<td>done</td>" in orphan
        assert "Held runs" in page and "default / hello" in page
        assert "ro / " + "e" * 32 in page

    def test_workers_page_with_a_broken_registry(self, alice, db, tmp_path):
        with db.transaction() as conn:
            q = queue_for(get_root(conn))
            q.register_worker("w", NOW, 30, host="host", pid=1)
            job = Job("ro", "f" * 32, to_us(NOW), to_us(NOW))
            q.put(job)
            q.claim(job, "w", NOW)
        os.unlink(tmp_path / "ro.json")
        assert "f" * 32 + " (gone)" in alice.get("/workers").text

    def test_no_workers(self, alice):
        assert "No worker is registered." in alice.get("/workers").text


# -- actions -------------------------------------------------------------------------------

class TestActions:
    uid = "a" * 32

    def url(self, action, uid=None):
        return f"/sites/default/crons/{uid or self.uid}/{action}"

    def test_switch(self, alice, db):
        res = alice.post("/sites/default/switch", {"activated": "0"})
        assert res.status_int == 303 and res.location == "http://localhost/sites/default"
        assert not read(db, lambda root: root.sites["default"].crontab.activated)
        assert pending(db) == []
        assert "The crontab of default is off." in flashes(alice)
        res = alice.post("/sites/default/switch", {"activated": "1", "came_from": "/"})
        assert res.location == "http://localhost/"
        assert pending(db) == [("schedule", datetime(2026, 3, 2, 9, 5, tzinfo=UTC))]

    def test_read_only_refusals(self, alice, db):
        uid = "f" * 32
        before = read(db, lambda root: load_crontab(root.sites["ro"]).dump())
        for path, data in [("/sites/ro/switch", {"activated": "0"}),
                           ("/sites/ro/bulk", {"action": "disable", "uid": uid}),
                           (f"/sites/ro/crons/{uid}/toggle", {"activated": "0"}),
                           (f"/sites/ro/crons/{uid}/pause", {}),
                           (f"/sites/ro/crons/{uid}/resume", {}),
                           (f"/sites/ro/crons/{uid}/delete", {}),
                           (f"/sites/ro/crons/{uid}/edit", {"name": "x"}),
                           ("/sites/ro/add", {"name": "x"}),
                           ("/sites/ro/import", {"dump": "[]"})]:
            res = alice.post(path, data)
            assert res.status_int == 303, path
            assert "is read-only" in flashes(alice)
        assert read(db, lambda root: load_crontab(root.sites["ro"]).dump()) == before

    def test_bulk(self, alice, db):
        both = [("uid", "a" * 32), ("uid", "b" * 32), ("uid", "nope")]
        res = alice.post("/sites/default/bulk", both + [("action", "enable")])
        assert res.status_int == 303 and "2 cron(s) turned on." in flashes(alice)
        assert cron_of(db, "b" * 32)["activated"]
        assert pending(db, "b" * 32) == [("schedule", datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
                                          + timedelta(days=1))]
        alice.post("/sites/default/bulk", both + [("action", "disable")])
        assert not cron_of(db)["activated"] and pending(db) == []
        alice.post("/sites/default/bulk", [("uid", "b" * 32), ("action", "delete")])
        assert uids(db) == ["a" * 32] and "1 cron(s) deleted." in flashes(alice)

    @pytest.mark.parametrize("data", [
        [("action", "enable")], [("uid", "a" * 32), ("action", "explode")],
        [("uid", "nope"), ("action", "delete")]])
    def test_bulk_needs_crons_and_an_action(self, alice, db, data):
        alice.post("/sites/default/bulk", data)
        assert "Select crons and an action first." in flashes(alice)
        assert len(uids(db)) == 2

    def test_toggle(self, alice, db):
        alice.post(self.url("toggle"), {"activated": "0"})
        assert not cron_of(db)["activated"] and pending(db) == []
        assert "hello is off." in flashes(alice)
        alice.post(self.url("toggle"), {"activated": "1"})
        assert cron_of(db)["activated"] and len(pending(db)) == 1

    def test_run_now(self, alice, db):
        res = alice.post(self.url("run"))
        assert res.status_int == 303 and "hello will run now." in flashes(alice)
        assert ("manual", NOW) in pending(db)

    def test_run_now_back_to_the_logs(self, alice):
        back = self.url("logs")
        res = alice.post(self.url("run"), {"came_from": back})
        assert res.location == "http://localhost" + back

    @pytest.mark.parametrize("change, word", [
        (lambda crontab, cron: cron.edit(activated=False), "off"),
        (lambda crontab, cron: cron.pause(None, ""), "paused"),
        (lambda crontab, cron: setattr(crontab, "activated", False), "off")])
    def test_run_now_refused(self, alice, db, change, word):
        with db.transaction() as conn:
            crontab = load_crontab(get_root(conn).sites["default"])
            change(crontab, crontab.get(self.uid))
            crontab.save()
        alice.post(self.url("run"))
        assert f"hello is {word}: a worker would not run it." in flashes(alice)
        assert not [kind for kind, _ in pending(db) if kind == "manual"]

    def test_pause_and_resume(self, alice, db):
        alice.post(self.url("pause"), {"note": "  maintenance <now>  " + "x" * 600})
        cron = cron_of(db)
        assert cron["pause_note"] == "maintenance <now>  " + "x" * (views.NOTE_LIMIT - 19)
        assert cron["paused_until"] == FOREVER.isoformat() and pending(db) == []
        assert "hello is paused." in flashes(alice)
        alice.post(self.url("resume"))
        assert cron_of(db)["paused_until"] is None and len(pending(db)) == 1
        assert "hello is resumed." in flashes(alice)

    def test_pause_until(self, alice, db):
        alice.post(self.url("pause"), {"note": "", "until": "2026-03-02T12:00"})
        assert cron_of(db)["paused_until"] == "2026-03-02T11:00:00+00:00"   # Zurich time
        assert pending(db) == [("schedule", datetime(2026, 3, 2, 11, 5, tzinfo=UTC))]
        alice.post(self.url("pause"), {"until": "2026-03-02T12:00:00+00:00"})
        assert cron_of(db)["paused_until"] == "2026-03-02T12:00:00+00:00"

    @pytest.mark.parametrize("until, reason", [
        ("tomorrow", "expected a date and time"), ("2026-03-02T09:00", "must be in the future")])
    def test_pause_until_refused(self, alice, db, until, reason):
        alice.post(self.url("pause"), {"until": until})
        assert f"Not paused: {reason}." in flashes(alice)
        assert cron_of(db)["paused_until"] is None

    def test_delete(self, alice, db):
        res = alice.post(self.url("delete"), {"came_from": self.url("logs")})
        assert res.location == "http://localhost/sites/default"
        assert uids(db) == ["b" * 32] and pending(db) == []
        assert "hello is deleted." in flashes(alice)
        assert alice.post(self.url("delete")).status_int == 404

    def test_clear_logs(self, alice, db):
        res = alice.post(self.url("clear"))
        assert res.location == "http://localhost" + self.url("logs")
        assert read(db, lambda root: load_crontab(root.sites["default"]).get(self.uid).logs) == ()
        assert "The logs of hello are cleared." in flashes(alice)
        # counts survive, for /metrics
        assert 'status="NOTRUN"} 4' in alice.get("/metrics").text

    def test_clear_logs_of_a_read_only_crontab(self, alice, db):
        with db.transaction() as conn:
            load_crontab(get_root(conn).sites["ro"]).get("f" * 32).add_log(make_log(1, "OK"))
        alice.post("/sites/ro/crons/" + "f" * 32 + "/clear")
        assert read(db, lambda root: load_crontab(root.sites["ro"]).get("f" * 32).logs) == ()

    def test_conflicts_are_retried(self, alice, db, monkeypatch):
        calls = []
        real = views.cron_manager

        def flaky(site, cron):
            calls.append(1)
            if len(calls) < web.CONFLICT_ATTEMPTS:
                raise ConflictError("a worker wrote the same record")
            return real(site, cron)
        monkeypatch.setattr(views, "cron_manager", flaky)
        monkeypatch.setattr(retry.time, "sleep", lambda s: None)
        res = alice.post(self.url("run"))
        assert res.status_int == 303 and len(calls) == web.CONFLICT_ATTEMPTS
        assert ("manual", NOW) in pending(db)

    def test_conflicts_give_up(self, alice, db, monkeypatch):
        def always(site, cron):
            raise ConflictError("again")
        monkeypatch.setattr(views, "cron_manager", always)
        monkeypatch.setattr(retry.time, "sleep", lambda s: None)
        with pytest.raises(ConflictError):
            alice.post(self.url("run"))


# -- the form ----------------------------------------------------------------------------

VALID = {"name": "hello", "periodicity": "0 8 * * 1-5", "timezone": "Europe/Zurich",
         "activated": "on", "user": "", "environ": '{"days": 7}', "logs_limit": "20",
         "missed": "skip", "catchup_window": "600", "overlap": "queue-one",
         "timeout": "30.5", "warn_after": "", "retries": "2", "retry_backoff": "10",
         "jitter": "0", "retry_interrupted": "on"}


class TestForm:
    def test_add_form(self, alice):
        page = alice.get("/sites/default/add").text
        assert '<option value="hello"></option>' in page          # runner names
        assert '<option value="Europe/Zurich"></option>' in page  # zones
        assert 'value="3600"' in page and 'value="once" selected="selected"' in page
        assert 'data-validate="http://localhost/validate.json"' in page
        assert 'id="preview" aria-live="polite" hidden="hidden"' in page

    def test_add(self, alice, db):
        res = alice.post("/sites/default/add", VALID)
        assert res.status_int == 303 and "hello is added." in flashes(alice)
        new = [u for u in uids(db) if u not in ("a" * 32, "b" * 32)]
        cron = cron_of(db, new[0])
        assert cron["periodicity"] == "0 8 * * 1-5" and cron["environ"] == {"days": 7}
        assert (cron["missed"], cron["overlap"], cron["retries"]) == ("skip", "queue-one", 2)
        assert cron["timeout"] == 30.5 and cron["warn_after"] is None
        assert cron["catchup_window"] == 600 and isinstance(cron["catchup_window"], int)
        assert cron["retry_interrupted"] and cron["activated"]
        assert pending(db, new[0]) == [("schedule", datetime(2026, 3, 3, 7, 0, tzinfo=UTC))]

    def test_add_unticked_boxes(self, alice, db):
        data = dict(VALID, environ="")
        del data["activated"], data["retry_interrupted"]
        alice.post("/sites/default/add", data)
        new = [u for u in uids(db) if u not in ("a" * 32, "b" * 32)][0]
        cron = cron_of(db, new)
        assert not cron["activated"] and not cron["retry_interrupted"] and cron["environ"] == {}
        assert pending(db, new) == []

    @pytest.mark.parametrize("field, value, reason", [
        ("periodicity", "61 * * * *", "outside 0-59"),
        ("periodicity", "", "empty"),
        ("timezone", "Mars/Base", "not an IANA time zone name"),
        ("name", " ", "expected a runner name"),
        ("name", "x" * 201, "at most 200 characters"),
        ("user", "u" * 201, "at most 200 characters"),
        ("environ", "{bad json", "not valid JSON"),
        ("environ", "[1, 2]", "must be a JSON object"),
        ("environ", '{"x": NaN}', "JSON-serialisable"),
        ("environ", "{" + " " * (64 * 1024) + "}", "at most 65536 characters"),
        ("logs_limit", "0", "expected a whole number &gt;= 1"),
        ("logs_limit", "2.5", "expected a whole number"),
        ("retries", "", "required"),
        ("timeout", "abc", "expected a number of seconds"),
        ("timeout", "inf", "expected a finite number"),
        ("jitter", "-1", "expected a number of seconds &gt;= 0"),
        ("missed", "sometimes", "expected one of skip, once, all"),
        ("overlap", "", "expected one of skip, queue-one, allow")])
    def test_add_refused_inline(self, alice, db, field, value, reason):
        before = read(db, lambda root: (uids(db), len(queue_for(root))))
        res = alice.post("/sites/default/add", dict(VALID, **{field: value}))
        assert res.status_int == 422
        assert "Nothing was saved" in res.text
        error = re.search(rf'data-error-for="{field}">(.*?)</small>', res.text).group(1)
        assert reason in error
        assert f'class="field invalid"' in res.text
        assert read(db, lambda root: (uids(db), len(queue_for(root)))) == before

    def test_a_bad_zone_still_checks_the_expression(self):
        from zcron.web.forms import check_schedule
        errors = check_schedule("61 * * * *", "Mars/Base")
        assert set(errors) == {"periodicity", "timezone"}

    def test_refused_form_keeps_the_values(self, alice):
        res = alice.post("/sites/default/add", dict(VALID, periodicity="bad", name=XSS))
        assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in res.text
        assert XSS not in res.text
        assert 'value="bad"' in res.text

    def test_edit_form(self, alice):
        page = alice.get("/sites/default/crons/" + "a" * 32 + "/edit").text
        assert "Edit hello" in page and 'value="*/5 * * * *"' in page
        assert "every 5 minutes" in page
        # the saved cron's next runs, in its zone
        assert page.count("<li><time") == 5 and "2026-03-02 10:05:00 CET +01:00" in page
        assert 'data-uid="' + "a" * 32 + '"' in page

    def test_edit_form_shows_the_policies(self, alice, db):
        with db.transaction() as conn:
            load_crontab(get_root(conn).sites["default"]).get("a" * 32).edit(
                timeout=5, environ={"k": "<v>"})
        page = alice.get("/sites/default/crons/" + "a" * 32 + "/edit").text
        assert 'name="timeout" inputmode="decimal" value="5"' in page
        assert '"k": "&lt;v&gt;"' in page

    def test_edit(self, alice, db):
        res = alice.post("/sites/default/crons/" + "a" * 32 + "/edit",
                         dict(VALID, name="renamed"))
        assert res.status_int == 303 and "renamed is saved." in flashes(alice)
        cron = cron_of(db)
        assert cron["name"] == "renamed" and cron["periodicity"] == "0 8 * * 1-5"
        assert pending(db) == [("schedule", datetime(2026, 3, 3, 7, 0, tzinfo=UTC))]
        assert len(read(db, lambda r: load_crontab(r.sites["default"]).get("a" * 32).logs)) == 7

    def test_edit_refused(self, alice, db):
        before = cron_of(db)
        res = alice.post("/sites/default/crons/" + "a" * 32 + "/edit",
                         dict(VALID, periodicity="* * *", name="renamed"))
        assert res.status_int == 422 and "Edit hello" in res.text
        assert cron_of(db) == before

    def test_unknown_runner_is_allowed_with_a_warning(self, alice, db):
        res = alice.post("/sites/default/add", dict(VALID, name="nobody", periodicity="bad"))
        assert "No runner is registered under this name" in res.text
        assert alice.post("/sites/default/add", dict(VALID, name="nobody")).status_int == 303


class TestValidate:
    def test_ok(self, alice):
        res = alice.get("/validate.json?periodicity=*/15+*+*+*+*&timezone=Europe/Zurich&name=hello")
        data = res.json
        assert res.content_type == "application/json"
        assert data["ok"] and data["errors"] == {} and data["runner_known"] is True
        assert data["description"] == "every 15 minutes"
        assert [t["text"] for t in data["next"]][:2] == [
            "2026-03-02 10:15:00 CET +01:00", "2026-03-02 10:30:00 CET +01:00"]
        assert data["next"][0]["utc"] == "2026-03-02 09:15:00 UTC"
        assert data["next"][0]["relative"] == "in 15 min"

    def test_errors(self, alice):
        data = alice.get("/validate.json?periodicity=61+*+*+*+*&timezone=Nope&name=nobody").json
        assert not data["ok"] and set(data["errors"]) == {"periodicity", "timezone"}
        assert data["next"] == [] and data["runner_known"] is False
        data = alice.get("/validate.json").json
        assert data["errors"] == {"periodicity": "required"} and data["runner_known"] is None

    def test_saved_cron_preview_uses_its_schedule(self, alice, db, tmp_path):
        (tmp_path / "ro.json").write_text("{broken")
        with db.transaction() as conn:
            load_crontab(get_root(conn).sites["default"]).get("a" * 32).edit(jitter=60)
        base = "/validate.json?site=default&uid=" + "a" * 32 + "&timezone=Europe/Zurich"
        saved = alice.get(base + "&periodicity=*/5+*+*+*+*").json["next"]
        assert saved[0]["iso"] != "2026-03-02T09:05:00+00:00"     # jitter applied
        draft = alice.get(base + "&periodicity=*/10+*+*+*+*").json["next"]
        assert draft[0]["iso"] == "2026-03-02T09:10:00+00:00"
        for query in ["site=nope&uid=x", "site=default&uid=nope", "site=default",
                      "site=ro&uid=" + "f" * 32]:
            data = alice.get("/validate.json?periodicity=*/5+*+*+*+*&" + query).json
            assert data["next"][0]["iso"] == "2026-03-02T09:05:00+00:00"


# -- JSON export and import -----------------------------------------------------------------

class TestDumps:
    def test_export(self, alice):
        res = alice.get("/sites/default/export.json")
        assert res.content_type == "application/json"
        assert res.headers["Content-Disposition"] == 'attachment; filename="zcron-default.json"'
        data = res.json
        assert [c["name"] for c in data["crons"]] == ["hello", "report"]
        assert len(data["crons"][0]["logs"]) == 7
        assert alice.get("/sites/default/export.json?logs=0").json["crons"][0]["logs"] == []

    def test_export_file_name(self, alice, db):
        with db.transaction() as conn:
            get_root(conn).add_site(zcron.CronSite('my "site"\r\nX-Evil: 1'))
        res = alice.get("/sites/my%20%22site%22%0D%0AX-Evil:%201/export.json")
        assert res.status_int == 200 and "X-Evil" not in res.headers
        assert res.headers["Content-Disposition"] == \
            'attachment; filename="zcron-my_site_X-Evil_1.json"'

    def test_import_form(self, alice):
        page = alice.get("/sites/default/import").text
        assert 'enctype="multipart/form-data"' in page and "Show what would change" in page

    def dump(self, db):
        return read(db, lambda root: load_crontab(root.sites["default"]).dump())

    def test_preview_then_apply(self, alice, db):
        data = self.dump(db)
        data["crons"][0]["periodicity"] = "*/10 * * * *"
        data["crons"][0]["name"] = XSS
        del data["crons"][1]
        data["crons"].append({"uid": "c" * 32, "name": "new", "periodicity": "@daily"})
        data["activated"] = False
        text = json.dumps(data)
        before = self.dump(db)
        res = alice.post("/sites/default/import", {"dump": text, "action": "preview"})
        assert res.status_int == 200
        diff = re.search(r'<section[^>]*id="diff">(.*?)</section>', res.text, re.S).group(1)
        assert "+ 1</span> added" in diff and "new" in diff
        assert "~ 1</span> changed" in diff and "*/10 * * * *" in diff
        assert "&lt;script&gt;" in diff and XSS not in res.text
        assert "− 1</span> removed" in diff and "report" in diff
        assert "turned\n      <strong>off</strong>" in diff or "<strong>off</strong>" in diff
        assert "0 cron(s) unchanged." in diff
        assert self.dump(db) == before                       # a dry run
        res = alice.post("/sites/default/import", {"dump": text, "action": "apply"})
        assert res.status_int == 303
        assert "Imported: 1 added, 1 changed, 1 removed." in flashes(alice)
        after = self.dump(db)
        assert [c["uid"] for c in after["crons"]] == ["a" * 32, "c" * 32]
        assert after["crons"][0]["name"] == XSS and not after["activated"]
        assert len(after["crons"][0]["logs"]) == 7            # logs kept
        assert pending(db) == []                              # crontab off

    def test_keep_missing_and_unchanged(self, alice, db):
        data = self.dump(db)
        del data["crons"][1]
        res = alice.post("/sites/default/import", {"dump": json.dumps(data), "keep": "1"})
        assert "Nothing: the crontab already matches the dump." in res.text
        assert "1 cron(s) unchanged." in res.text and "Apply" not in res.text

    def test_apply_keeping(self, alice, db):
        text = json.dumps([{"uid": "c" * 32, "name": "hello", "periodicity": "@hourly"}])
        res = alice.post("/sites/default/import", {"dump": text, "keep": "1"})
        assert '<input type="hidden" name="keep" value="1">' in res.text
        alice.post("/sites/default/import", {"dump": text, "keep": "1", "action": "apply"})
        assert uids(db) == ["a" * 32, "b" * 32, "c" * 32]
        assert pending(db, "c" * 32) == [("schedule", datetime(2026, 3, 2, 10, 0, tzinfo=UTC))]

    def test_collective_cron_dump(self, alice, db):
        legacy = [json.dumps({"uid": "d" * 32, "name": "hello", "periodicity": "0 1 * * *",
                              "activated": True,
                              "logs": [{"date": "2025-01-01 10:00:00", "status": 1,
                                        "messages": ["ok"]}]})]
        res = alice.post("/sites/default/import", {"dump": json.dumps(legacy), "keep": "1",
                                                   "action": "apply"})
        assert res.status_int == 303
        cron = cron_of(db, "d" * 32)
        assert cron["logs"][0]["status"] == "OK"

    @pytest.mark.parametrize("text, reason", [
        ("", "paste a dump or choose a file"), ("{not json", "malformed JSON"),
        ('{"crons": 3}', "a crontab must be an object"),
        ('[{"uid": "x", "name": "a", "periodicity": "* * * * *"}]', "uid"),
        ('[{"name": "a", "periodicity": "61 * * * *"}]', "outside 0-59")])
    def test_bad_dumps(self, alice, db, text, reason):
        before = self.dump(db)
        res = alice.post("/sites/default/import", {"dump": text, "action": "apply"})
        assert res.status_int == 422 and reason in unescape(res.text)
        assert self.dump(db) == before

    def test_too_large(self, alice, monkeypatch):
        from zcron.web import dumps
        monkeypatch.setattr(dumps, "DUMP_LIMIT", 10)
        res = alice.post("/sites/default/import", {"dump": "[" + " " * 20 + "]"})
        assert res.status_int == 422 and "larger than" in res.text
        assert 'id="dump"></textarea>' in res.text

    def test_upload(self, alice, db):
        text = json.dumps([{"uid": "c" * 32, "name": "hello", "periodicity": "@hourly"}])
        res = alice.post("/sites/default/import", {
            "file": ("dump.json", b"\xef\xbb\xbf" + text.encode()), "dump": "", "keep": "1"})
        assert res.status_int == 200 and "+ 1</span> added" in res.text
        res = alice.post("/sites/default/import", {"file": ("dump.json", b"\xff\xfe"), "dump": ""})
        assert res.status_int == 422 and "not UTF-8 text" in res.text
        res = alice.post("/sites/default/import", {"file": ("empty.json", b""), "dump": text,
                                                   "keep": "1"})
        assert "+ 1</span> added" in res.text


# -- /metrics ---------------------------------------------------------------------------------

class TestMetrics:
    def test_format(self, alice, db):
        with db.transaction() as conn:
            root = get_root(conn)
            q = queue_for(root)
            q.register_worker("w1", NOW, 30, host="h", pid=1)
            q.register_worker("w2", NOW, -30, host="h", pid=2)
            crontab = load_crontab(root.sites["default"])
            crontab.get("b" * 32).edit(name='we"ird\\name\nx', activated=True)
            crontab.get("b" * 32).pause(None, "")
            crontab.get("b" * 32).add_log(Log(NOW, "NOTRUN", [], fire_time=NOW))
            crontab.save()
        res = alice.get("/metrics")
        assert res.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
        text = res.text
        lines = text.splitlines()
        assert text.endswith("\n")
        assert 'zcron_runs_total{site="default",status="OK"} 1' in lines
        assert 'zcron_runs_total{site="default",status="NOTRUN"} 5' in lines
        assert 'zcron_runs_total{site="ro",status="OK"} 0' in lines
        assert 'zcron_missed_fire_times{site="default"} 4' in lines
        assert 'zcron_skipped_overlap_runs{site="default"} 1' in lines
        assert "zcron_queue_depth 1" in lines
        assert 'zcron_workers{state="alive"} 1' in lines
        assert 'zcron_workers{state="lost"} 1' in lines
        assert 'zcron_crons{site="default",state="paused"} 1' in lines
        assert 'zcron_crontab_activated{site="default"} 1' in lines
        hello = 'site="default",cron="hello",uid="' + "a" * 32 + '"'
        assert f"zcron_last_run_lateness_seconds{{{hello}}} 0.5" in lines
        assert f"zcron_last_run_duration_seconds{{{hello}}} 0.25" in lines
        assert 'zcron_run_duration_seconds{site="default",quantile="0.5"} 0.25' in lines
        assert 'zcron_run_duration_seconds_count{site="default"} 3' in lines
        assert 'zcron_run_lateness_seconds_sum{site="default"} 1.5' in lines
        assert 'cron="we\\"ird\\\\name\\nx"' in text
        # one HELP and TYPE per family, samples grouped under it
        families = [line.split()[2] for line in lines if line.startswith("# TYPE")]
        assert len(families) == len(set(families))
        assert "# TYPE zcron_runs_total counter" in lines
        assert "# TYPE zcron_run_duration_seconds summary" in lines

    def test_broken_registry_and_empty_summaries(self, alice, tmp_path):
        os.unlink(tmp_path / "ro.json")
        lines = alice.get("/metrics").text.splitlines()
        assert 'zcron_crontab_error{site="ro"} 1' in lines
        assert 'zcron_run_duration_seconds_count{site="empty"} 0' in lines
        assert not any(line.startswith('zcron_run_duration_seconds{site="empty"') for line in lines)

    def test_helpers(self):
        assert metrics.quantile([1, 2, 3, 4], 0.5) == 2
        assert metrics.quantile([1, 2, 3, 4], 0.99) == 4
        assert metrics.quantile([7], 0.5) == 7
        assert metrics.number(True) == "1" and metrics.number(False) == "0"
        assert metrics.number(3) == "3" and metrics.number(0.5) == "0.5"
        assert metrics.labels() == ""
        out = metrics.Exposition()
        out.add("x", "gauge", "a\\b\nc", 1)
        assert out.text() == "# HELP x a\\\\b\\nc\n# TYPE x gauge\nx 1\n"
        assert metrics.missed_count(Log(NOW, "NOTRUN", ["missed: at least 100000 fire times"])) \
            == 100000


# -- the application factory and serve() ---------------------------------------------------

class TestApp:
    def test_commit_veto(self):
        class R:
            def __init__(self, method, status):
                self.method, self.status = method, status
        assert web.commit_veto(R("GET", None), R(None, "200 OK"))
        assert web.commit_veto(R("POST", None), R(None, "422 Unprocessable"))
        assert web.commit_veto(R("POST", None), R(None, "500 Error"))
        assert not web.commit_veto(R("POST", None), R(None, "303 See Other"))

    def test_renderer_globals_need_a_template_and_a_request(self):
        event = {"renderer_name": "json"}
        web.add_renderer_globals(event)
        assert event == {"renderer_name": "json"}
        event = {"renderer_name": "x.pt", "request": None}
        web.add_renderer_globals(event)
        assert "fmt" not in event

    def test_settings(self, ini, tmp_path, monkeypatch):
        monkeypatch.setenv("ZCRON_CONFIG", ini)
        app = web.make_app({"zcron.db": "memory://"})
        assert self.scrape(app).status_int == 200          # $ZCRON_CONFIG's users
        app.zcron_db.close()
        plain = tmp_path / "plain.ini"
        plain.write_text("[users]\n")
        app = web.make_app({"zcron.db": "memory://", "zcron.config": str(plain)})
        assert web.web_options(str(plain)) == {}
        app.zcron_db.close()
        monkeypatch.delenv("ZCRON_CONFIG")
        assert web.web_options(None) == {}
        app = web.main({}, **{"zcron.db": "memory://", "zcron.secret": "x"})
        assert self.scrape(app).status_int == 401           # no users at all
        app.zcron_db.close()

    @staticmethod
    def scrape(app):
        auth = "Basic " + base64.b64encode(b"alice:alice-pw").decode()
        return Client(app).get("/metrics", headers={"Authorization": auth})

    def test_web_options(self, tmp_path):
        path = tmp_path / "w.ini"
        path.write_text("[web]\nsecret = s\ncookie_secure = true\nsession_timeout = 60\n")
        assert web.web_options(str(path)) == {"secret": "s", "cookie_secure": "true",
                                              "session_timeout": "60"}
        app = web.make_app({"zcron.db": "memory://", "zcron.config": str(path)})
        factory = app.registry.getUtility(ISessionFactory)
        assert factory._cookie_secure and factory._timeout == 60
        app.zcron_db.close()

    def test_zcml(self, tmp_path, ini):
        zcml = tmp_path / "host.zcml"
        zcml.write_text('<configure xmlns="http://namespaces.zope.org/zope">'
                        '<include package="zcron" />'
                        '<adapter factory="zcron.runners.Runner" name="from-zcml" /></configure>')
        zcron.config.reset()
        try:
            app = web.make_app({"zcron.db": "memory://", "zcron.config": ini,
                                "zcron.zcml": str(zcml)})
            assert "from-zcml" in zcron.config.runner_names()
            app.zcron_db.close()
            app = web.make_app({"zcron.db": "memory://", "zcron.config": ini,
                                "zcron.zcml": [str(zcml)]})
            app.zcron_db.close()
        finally:
            zcron.config.reset()

    def test_serve(self, ini, monkeypatch):
        import waitress
        calls = []

        def fake_serve(app, **kw):
            calls.append((app, kw))
            raise KeyboardInterrupt
        monkeypatch.setattr(waitress, "serve", fake_serve)
        closed = []
        real = web.make_app

        def spy(settings):
            app = real(settings)
            close = app.zcron_db.close
            app.zcron_db.close = lambda: closed.append(app) or close()
            return app
        monkeypatch.setattr(web, "make_app", spy)
        web.serve("memory://", None, config=ini)
        app, kw = calls[-1]
        assert kw == {"host": "127.0.0.1", "port": 8080, "max_request_body_size": 20 << 20}
        assert closed == [app]                     # the database is closed at the end
        web.serve("memory://", [], host="0.0.0.0", port="9000", config=ini, threads=8)
        assert calls[-1][1] == {"host": "0.0.0.0", "port": 9000, "threads": 8,
                                "max_request_body_size": 20 << 20}

    def test_serve_stops_on_sigterm(self, ini, monkeypatch):
        import signal
        import waitress
        seen = []

        def fake_serve(app, **kw):
            seen.append(signal.getsignal(signal.SIGTERM))
            web._interrupt(signal.SIGTERM, None)
        monkeypatch.setattr(waitress, "serve", fake_serve)
        before = signal.getsignal(signal.SIGTERM)
        web.serve("memory://", None, config=ini)
        assert seen == [web._interrupt] and signal.getsignal(signal.SIGTERM) == before

    def test_serve_in_a_thread(self, ini, monkeypatch):
        import waitress
        done = []
        monkeypatch.setattr(waitress, "serve", lambda app, **kw: done.append(app))
        thread = threading.Thread(target=web.serve, args=("memory://", None),
                                  kwargs={"config": ini})
        thread.start()
        thread.join()
        assert done

    def test_serve_needs_users(self, tmp_path, monkeypatch):
        monkeypatch.delenv("ZCRON_CONFIG", raising=False)
        with pytest.raises(InvalidInput, match="needs users"):
            web.serve("memory://", None)
        empty = tmp_path / "empty.ini"
        empty.write_text("[users]\n")
        with pytest.raises(InvalidInput, match="needs users"):
            web.serve("memory://", None, config=str(empty))

    def test_serve_with_zcml_path(self, ini, tmp_path, monkeypatch):
        import waitress
        zcml = tmp_path / "host.zcml"
        zcml.write_text('<configure xmlns="http://namespaces.zope.org/zope">'
                        '<include package="zcron" /></configure>')
        monkeypatch.setattr(waitress, "serve", lambda app, **kw: None)
        zcron.config.reset()
        try:
            web.serve("memory://", str(zcml), config=ini)
        finally:
            zcron.config.reset()


# -- escaping ------------------------------------------------------------------------------

class TestEscaping:
    def test_user_data_is_escaped_everywhere(self, alice, db):
        with db.transaction() as conn:
            root = get_root(conn)
            root.add_site(zcron.CronSite(XSS))
            crontab = load_crontab(root.sites["default"])
            cron = crontab.add_cron(zcron.Cron(XSS, "@hourly", uid="e" * 32,
                                               environ={"x": XSS}, user=XSS))
            cron.pause(None, XSS)
            cron.add_log(Log(NOW, "FAILURE", [XSS], fire_time=NOW, traceback=XSS))
            crontab.save()
            q = queue_for(root)
            job = Job("default", "e" * 32, to_us(NOW), to_us(NOW))
            q.put(job)
            q.claim(job, XSS, NOW)
        for path in ["/", "/sites/default", "/workers", "/metrics",
                     "/sites/default/crons/" + "e" * 32 + "/logs",
                     "/sites/default/crons/" + "e" * 32 + "/edit"]:
            res = alice.get(path)
            assert res.status_int == 200, path
            if path != "/metrics":
                assert XSS not in res.text, path
                assert "&lt;script&gt;alert(1)&lt;/script&gt;" in res.text, path
        alice.post("/sites/default/crons/" + "e" * 32 + "/resume")
        page = alice.get("/workers").text
        assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt; is resumed." in page
