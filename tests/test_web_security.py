"""zcron.web.security: the user store, the login throttle, Basic credentials
for /metrics, and, through Pyramid's router, logging in and out and the
security rules (roles, CSRF, no change on GET, security headers).
"""
import base64
import os
from datetime import datetime

import pytest
from webob import Request

from zcron import users
from zcron.components import load_crontab
from zcron.exceptions import InvalidInput
from zcron.web import security

from web_support import (FAST, UTC, Client, alice, app, client, components,  # noqa: F401
                         cron_of, db, ini, pending, read, shared_app, uids, victor)


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


# -- holes closed (issue 15) -----------------------------------------------------------

def basic(name, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


def from_address(app, address):
    """The application as seen from the client ``address`` (REMOTE_ADDR)."""
    def wsgi(environ, start_response):
        environ["REMOTE_ADDR"] = address
        return app(environ, start_response)
    wsgi.registry = app.registry
    return wsgi


class TestThrottleEverywhere:
    def test_throttle_per_address(self):
        now = [0.0]
        throttle = security.LoginThrottle(clock=lambda: now[0])
        for i in range(security.MAX_ADDRESS_FAILURES):
            assert not throttle.blocked(f"user{i}", "10.0.0.1")
            throttle.failed(f"user{i}", "10.0.0.1")
        assert throttle.blocked("alice", "10.0.0.1")      # any name, from there
        assert not throttle.blocked("alice", "10.0.0.2")
        throttle.succeeded("alice", "10.0.0.1")           # a success clears the name only
        assert throttle.blocked("bob", "10.0.0.1")
        now[0] += security.FAILURE_WINDOW + 1
        assert not throttle.blocked("bob", "10.0.0.1")

    def test_basic_auth_shares_the_login_throttle(self, client):
        for _ in range(security.MAX_FAILURES):
            assert client.get("/metrics", headers=basic("victor", "nope")).status_int == 401
        res = client.get("/metrics", headers=basic("victor", "victor-pw"))
        assert res.status_int == 429 and res.headers["Retry-After"] == "300"
        client.get("/login")
        res = client.post("/login", {"login": "victor", "password": "victor-pw"})
        assert res.status_int == 429
        # another user is not held back
        assert client.get("/metrics", headers=basic("alice", "alice-pw")).status_int == 200

    def test_form_failures_throttle_basic_auth(self, client):
        client.get("/login")
        for _ in range(security.MAX_FAILURES):
            client.post("/login", {"login": "victor", "password": "nope"})
        assert client.get("/metrics", headers=basic("victor", "victor-pw")).status_int == 429

    def test_guessing_many_names_from_one_address(self, app):
        attacker = Client(from_address(app, "192.0.2.7"))
        for i in range(security.MAX_ADDRESS_FAILURES):
            name = f"guess{i}"
            assert attacker.get("/metrics", headers=basic(name, "x")).status_int == 401
        assert attacker.get("/metrics", headers=basic("alice", "alice-pw")).status_int == 429
        attacker.get("/login")
        res = attacker.post("/login", {"login": "alice", "password": "alice-pw"})
        assert res.status_int == 429 and "Too many failed attempts" in res.text
        elsewhere = Client(from_address(app, "192.0.2.8"))
        elsewhere.login("alice")
        assert elsewhere.get("/").status_int == 200


class TestSessionsEnd:
    @staticmethod
    def copy_of(client):
        thief = Client(client.app)
        thief.cookies = dict(client.cookies)
        return thief

    def test_logout_ends_a_copied_session(self, alice, db):
        thief = self.copy_of(alice)
        assert thief.get("/").status_int == 200
        assert alice.post("/logout").status_int == 303
        assert thief.get("/").status_int == 303
        assert thief.get("/sites/default").status_int == 303
        res = thief.post("/sites/default/switch", {"activated": "0"})
        assert res.status_int == 403
        assert read(db, lambda root: root.sites["default"].crontab.activated)

    def test_logout_ends_the_users_other_sessions_only(self, app):
        first, second, other = Client(app), Client(app), Client(app)
        first.login("alice")
        second.login("alice")
        other.login("victor")
        first.post("/logout")
        assert second.get("/").status_int == 303
        assert other.get("/").status_int == 200
        second.login("alice")                     # a new login works again
        assert second.get("/").status_int == 200

    def test_logout_seen_by_another_dashboard_process(self, app, db, ini):
        from zcron import web
        other_app = web.make_app({"zcron.db_object": db, "zcron.config": ini,
                                  "zcron.secret": "test-secret"})
        alice = Client(app)
        alice.login("alice")
        elsewhere = Client(other_app)
        elsewhere.cookies = dict(alice.cookies)
        assert elsewhere.get("/").status_int == 200
        alice.post("/logout")
        assert elsewhere.get("/").status_int == 303

    def test_password_change_ends_a_copied_session(self, alice, ini):
        thief = self.copy_of(alice)
        users.add_user(ini, "alice", "manager", "alice-pw", iterations=FAST)  # same password
        assert thief.get("/").status_int == 303

    def test_user_remove_ends_a_copied_session(self, alice, ini):
        from click.testing import CliRunner
        from zcron.cli import cli
        thief = self.copy_of(alice)
        result = CliRunner().invoke(cli, ["user", "remove", "alice", "--config", ini])
        assert result.exit_code == 0, result.output
        assert thief.get("/").status_int == 303
