"""zcron.web.views through Pyramid's router (no server, no browser): the
pages, the actions on crontabs and crons, and escaping of user data.
"""
import os
import re
from datetime import datetime, timedelta

import pytest
from ZODB.POSException import ConflictError

import zcron
from zcron.components import load_crontab, queue_for
from zcron.db import get_root, open_db
from zcron.model import FOREVER, Log
from zcron.model.timeutil import to_us
from zcron import retry
from zcron.queue.base import Job
from zcron import web
from zcron.web import views

from web_support import (NOW, UTC, XSS, alice, app, clock, components, cron_of,  # noqa: F401
                         db, flashes, ini, make_log, pending, read, shared_app, uids)


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
