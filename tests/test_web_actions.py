"""zcron.web.actions through Pyramid's router (no server, no browser): the
actions on crontabs and crons.
"""
from datetime import datetime, timedelta

import pytest
from ZODB.POSException import ConflictError

from zcron.components import load_crontab
from zcron.db import get_root
from zcron.model import FOREVER
from zcron import retry
from zcron import web
from zcron.web import actions

from web_support import (NOW, UTC, alice, app, clock, components, cron_of, db,  # noqa: F401
                         flashes, ini, make_log, pending, read, shared_app, uids)


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
        assert cron["pause_note"] == "maintenance <now>  " + "x" * (actions.NOTE_LIMIT - 19)
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
        real = actions.cron_manager

        def flaky(site, cron):
            calls.append(1)
            if len(calls) < web.CONFLICT_ATTEMPTS:
                raise ConflictError("a worker wrote the same record")
            return real(site, cron)
        monkeypatch.setattr(actions, "cron_manager", flaky)
        monkeypatch.setattr(retry.time, "sleep", lambda s: None)
        res = alice.post(self.url("run"))
        assert res.status_int == 303 and len(calls) == web.CONFLICT_ATTEMPTS
        assert ("manual", NOW) in pending(db)

    def test_conflicts_give_up(self, alice, db, monkeypatch):
        def always(site, cron):
            raise ConflictError("again")
        monkeypatch.setattr(actions, "cron_manager", always)
        monkeypatch.setattr(retry.time, "sleep", lambda s: None)
        with pytest.raises(ConflictError):
            alice.post(self.url("run"))
