"""Shared fixtures and helpers of the dashboard tests (test_web_*.py,
test_users.py): the application on an in-memory ZODB with a fake clock, a
``Client`` standing in for a browser, readers of what is committed.

Passwords are hashed with few PBKDF2 iterations to keep the tests fast.
The test modules import the fixtures they use by name (the autouse
``components`` included), and with them the fixtures those depend on.
"""
import json
import re
from datetime import datetime, timedelta, timezone
from html import unescape

import pytest
import transaction
from webob import Request
from webob.multidict import MultiDict

import zcron
from zcron import users
from zcron.clock import FakeClock, install_clock
from zcron.components import load_crontab, queue_for
from zcron.db import get_root, open_db
from zcron.model import Log
from zcron.testing import setup_components, teardown_components
from zcron import web
from zcron.web import security

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
