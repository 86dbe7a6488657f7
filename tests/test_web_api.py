"""The JSON API (/api/) and /health, in this process: tokens, roles, reads,
writes, bad input (400 naming the field and value, nothing written)."""
import json
from datetime import timedelta

import pytest
from webob import Request

from zcron import tokens, users
from zcron.components import load_crontab
from zcron.web.security import MAX_FAILURES

from web_support import (NOW, app, client, components, cron_of, db, ini,  # noqa: F401
                         pending, read, shared_app, uids)

A, B = "a" * 32, "b" * 32


@pytest.fixture
def manager(ini):
    return tokens.new_token(ini, "alice")


@pytest.fixture
def viewer(ini):
    return tokens.new_token(ini, "victor")


def call(app, method, path, token=None, body=None, raw=None, headers=()):
    req = Request.blank(path, method=method)
    if body is not None or raw is not None:
        req.body = raw if raw is not None else json.dumps(body).encode()
        req.content_type = "application/json"
    if token is not None:
        req.headers["Authorization"] = f"Bearer {token}"
    req.headers.update(dict(headers))
    res = req.get_response(app)
    assert res.content_type == "application/json", res.text
    return res


def refused(res, status, *words):
    """A refusal: its status, and one sentence naming what was wrong."""
    assert res.status_int == status, res.text
    message = res.json["error"]
    assert message.count("\n") == 0
    for word in words:
        assert word in message, message


class TestTokens:
    def test_only_the_hash_is_kept(self, ini, manager):
        assert manager.startswith("alice.") and manager not in open(ini).read()
        assert users.load_users(ini)["alice"].token_hash == tokens.token_hash(manager)
        assert tokens.check_token(users.load_users(ini), manager).name == "alice"

    def test_a_new_token_replaces_the_old(self, app, ini, manager):
        newer = tokens.new_token(ini, "alice")
        refused(call(app, "GET", "/api/sites", manager), 401, "Bearer")
        assert call(app, "GET", "/api/sites", newer).status_int == 200

    def test_revoked_and_removed(self, app, ini, manager, viewer):
        assert tokens.revoke_token(ini, "alice") and not tokens.revoke_token(ini, "alice")
        refused(call(app, "GET", "/api/sites", manager), 401)
        users.remove_user(ini, "victor")
        refused(call(app, "GET", "/api/sites", viewer), 401)
        assert "victor" not in open(ini).read()

    def test_unknown_user(self, ini):
        with pytest.raises(users.InvalidInput, match="nobody"):
            tokens.new_token(ini, "nobody")

    @pytest.mark.parametrize("header", ["", "Bearer", "Bearer nodot", "Basic YTpi",
                                        "Bearer alice.wrong", "Bearer .x", "Bearer alice."])
    def test_no_valid_token(self, app, manager, header):
        res = call(app, "GET", "/api/sites", headers={"Authorization": header} if header else {})
        refused(res, 401, "Authorization: Bearer")
        assert res.headers["WWW-Authenticate"] == 'Bearer realm="zcron"'

    def test_the_session_cookie_is_not_enough(self, app, client):
        client.login("alice")
        res = client.get("/api/sites")
        assert res.status_int == 401 and "error" in res.json

    def test_guesses_share_the_login_throttle(self, app, manager):
        for _ in range(MAX_FAILURES):
            refused(call(app, "GET", "/api/sites", "alice.guess"), 401)
        res = call(app, "GET", "/api/sites", manager)
        refused(res, 429, "Too many")
        assert res.headers["Retry-After"]


class TestReads:
    def test_sites(self, app, viewer):
        data = call(app, "GET", "/api/sites", viewer).json["sites"]
        default = next(s for s in data if s["name"] == "default")
        assert default["crons"] == 2 and default["activated"] is True
        assert default["last_status_counts"]["WARN"] == 1
        assert next(s for s in data if s["name"] == "ro")["read_only"] is True

    def test_crons_one_and_paging(self, app, viewer):
        data = call(app, "GET", "/api/sites/default/crons", viewer).json
        assert data["total"] == 2 and {c["uid"] for c in data["crons"]} == {A, B}
        hello = call(app, "GET", f"/api/sites/default/crons/{A}", viewer).json
        assert hello["name"] == "hello" and hello["state"] == "on"
        assert hello["timezone"] == "Europe/Zurich" and hello["last_status"] == "WARN"
        page = call(app, "GET", "/api/sites/default/crons?offset=1&limit=1", viewer).json
        assert page["total"] == 2 and len(page["crons"]) == 1
        never = call(app, "GET", "/api/sites/default/crons?status=never", viewer).json
        assert [c["uid"] for c in never["crons"]] == [B]

    def test_logs(self, app, viewer):
        data = call(app, "GET", f"/api/sites/default/crons/{A}/logs?status=NOTRUN",
                    viewer).json
        assert data["total"] == 4 and data["counts"]["NOTRUN"] == 4
        assert all(log["status"] == "NOTRUN" for log in data["logs"])

    def test_workers(self, app, viewer, db):
        from zcron.components import queue_for
        from zcron.db import get_root
        with db.transaction() as conn:
            queue = queue_for(get_root(conn))
            queue.register_worker("w1", NOW, 30, host="h", pid=7)
            job, = queue.pending("default", A)
            queue.claim(job, "w1", NOW, "e" * 32)
        data = call(app, "GET", "/api/workers", viewer).json
        worker, = data["workers"]
        assert worker["id"] == "w1" and worker["alive"] is True and worker["pid"] == 7
        assert worker["claims"] == [{"site": "default", "uid": A, "kind": job.kind,
                                     "fire_time": job.fire_time.isoformat(),
                                     "claimed_at": NOW.isoformat()}]
        assert data["queue_depth"] == 0

    @pytest.mark.parametrize("path, status, words", [
        ("/api/sites/nope/crons", 404, ["/api/sites/nope/crons", "no such site"]),
        (f"/api/sites/default/crons/{'c' * 32}", 404, ["no such cron"]),
        ("/api/sites/default/crons?limit=0", 400, ["limit", "'0'"]),
        ("/api/sites/default/crons?offset=x", 400, ["offset", "'x'"]),
        ("/api/sites/default/crons?status=GOOD", 400, ["status", "'GOOD'"]),
        ("/api/nothing", 404, ["/api/nothing"])])
    def test_bad_reads(self, app, viewer, path, status, words):
        refused(call(app, "GET", path, viewer), status, *words)


class TestWrites:
    def test_a_viewer_may_not_write(self, app, db, viewer):
        before = cron_of(db)
        for method, path in (("POST", f"/api/sites/default/crons/{A}/toggle"),
                             ("DELETE", f"/api/sites/default/crons/{A}"),
                             ("POST", "/api/sites/default/crons")):
            refused(call(app, method, path, viewer, body={}), 403, "manager")
        assert cron_of(db) == before and len(uids(db)) == 2

    def test_add(self, app, db, manager):
        res = call(app, "POST", "/api/sites/default/crons", manager,
                   body={"name": "hello", "periodicity": "0 3 * * *",
                         "timezone": "Europe/Paris", "retries": 2})
        assert res.status_int == 201, res.text
        uid = res.json["uid"]
        assert uid in uids(db) and cron_of(db, uid)["retries"] == 2
        assert pending(db, uid) and res.json["next_run"]

    @pytest.mark.parametrize("body, words", [
        ({"periodicity": "@daily"}, ["name", "required"]),
        ({"name": "hello", "periodicity": "61 * * * *"}, ["61 * * * *"]),
        ({"name": "hello", "periodicity": "@daily", "timezone": "Mars/Base"}, ["Mars/Base"]),
        ({"name": "hello", "periodicity": "@daily", "retries": -1}, ["retries", "-1"]),
        ({"name": "hello", "periodicity": "@daily", "colour": "red"}, ["field", "colour"]),
        ({"name": "hello", "periodicity": "@daily", "uid": A}, ["uid", A]),
        ([1, 2], ["body", "[1, 2]"])])
    def test_bad_add_writes_nothing(self, app, db, manager, body, words):
        refused(call(app, "POST", "/api/sites/default/crons", manager, body=body),
                400, *words)
        assert len(uids(db)) == 2

    @pytest.mark.parametrize("raw", [b"{nope", b"\xff\xfe{"])
    def test_not_json(self, app, db, manager, raw):
        refused(call(app, "POST", "/api/sites/default/crons", manager, raw=raw),
                400, "body", "JSON")
        assert len(uids(db)) == 2

    def test_edit(self, app, db, manager):
        res = call(app, "PATCH", f"/api/sites/default/crons/{A}", manager,
                   body={"name": "renamed", "jitter": 5})
        assert res.status_int == 200 and res.json["name"] == "renamed"
        assert cron_of(db)["name"] == "renamed" and cron_of(db)["jitter"] == 5

    def test_bad_edit_writes_nothing(self, app, db, manager):
        before = cron_of(db)
        for body, words in (({"logs_limit": 0}, ["logs_limit", "0"]),
                            ({"uid": B}, ["field", "uid"]),
                            ({"name": "x", "timezone": "Nowhere"}, ["Nowhere"])):
            refused(call(app, "PATCH", f"/api/sites/default/crons/{A}", manager,
                         body=body), 400, *words)
        assert cron_of(db) == before

    def test_toggle_pause_resume(self, app, db, manager):
        path = f"/api/sites/default/crons/{A}"
        assert call(app, "POST", path + "/toggle", manager).json["activated"] is False
        assert call(app, "POST", path + "/toggle", manager,
                    body={"activated": True}).json["activated"] is True
        until = (NOW + timedelta(hours=1)).isoformat()
        res = call(app, "POST", path + "/pause", manager, body={"until": until, "note": "db"})
        assert res.json["state"] == "paused" and cron_of(db)["pause_note"] == "db"
        assert call(app, "POST", path + "/resume", manager).json["state"] == "on"
        assert cron_of(db)["paused_until"] is None

    def test_bad_actions_write_nothing(self, app, db, manager):
        before, path = cron_of(db), f"/api/sites/default/crons/{A}"
        past = (NOW - timedelta(hours=1)).isoformat()
        refused(call(app, "POST", path + "/pause", manager, body={"until": past}),
                400, "until", past, "future")
        refused(call(app, "POST", path + "/pause", manager, body={"note": "x" * 501}),
                400, "note")
        refused(call(app, "POST", path + "/toggle", manager, body={"activated": "yes"}),
                400, "activated", "'yes'")
        refused(call(app, "POST", path + "/explode", manager), 404)
        assert cron_of(db) == before

    def test_run_now(self, app, db, manager):
        res = call(app, "POST", f"/api/sites/default/crons/{A}/run", manager)
        assert res.status_int == 202 and ("manual", NOW) in pending(db)
        refused(call(app, "POST", f"/api/sites/default/crons/{B}/run", manager),
                409, "report is off")
        assert pending(db, B) == []

    def test_delete(self, app, db, manager):
        res = call(app, "DELETE", f"/api/sites/default/crons/{A}", manager)
        assert res.json == {"deleted": A} and uids(db) == [B] and pending(db) == []

    def test_a_read_only_crontab(self, app, db, manager):
        path = f"/api/sites/ro/crons/{'f' * 32}"
        refused(call(app, "DELETE", path, manager), 409, "read-only")
        assert uids(db, "ro") == ["f" * 32]


class TestHealth:
    def test_ok_without_login(self, app):
        res = call(app, "GET", "/health")
        assert res.status_int == 200
        assert res.json["status"] == "ok" and res.json["database"] == "ok"


class TestSites:
    def test_one_site_and_its_switch(self, app, db, manager, viewer):
        assert call(app, "GET", "/api/sites/default", viewer).json["crons"] == 2
        res = call(app, "POST", "/api/sites/default/toggle", manager, body={"activated": False})
        assert res.json == {"site": "default", "activated": False}
        assert read(db, lambda root: load_crontab(root.sites["default"]).activated) is False
        assert call(app, "POST", "/api/sites/default/toggle", manager).json["activated"]
        refused(call(app, "POST", "/api/sites/default/toggle", manager, body={"activated": 1}),
                400, "activated", "1")
        refused(call(app, "POST", "/api/sites/default/toggle", viewer), 403)
        refused(call(app, "POST", "/api/sites/ro/toggle", manager), 409, "read-only")
        assert read(db, lambda root: load_crontab(root.sites["default"]).activated) is True


def test_metrics_take_a_token(app, viewer):
    req = Request.blank("/metrics", headers={"Authorization": f"Bearer {viewer}"})
    res = req.get_response(app)
    assert res.status_int == 200 and "zcron_queue_depth" in res.text
    req = Request.blank("/metrics", headers={"Authorization": "Bearer victor.wrong"})
    assert req.get_response(app).status_int == 401


def test_wrong_tokens_throttle_the_login_form_too(app, client):
    for _ in range(MAX_FAILURES):
        refused(call(app, "GET", "/api/sites", "alice.guess"), 401)
    client.get("/login")
    res = client.post("/login", {"login": "alice", "password": "alice-pw", "came_from": "/"})
    assert res.status_int == 429
