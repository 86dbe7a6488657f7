"""zcron.web.views through Pyramid's router (no server, no browser): the
pages, and escaping of user data.
"""
import os
import re
from datetime import timedelta

import zcron
from zcron.components import load_crontab, queue_for
from zcron.db import get_root, open_db
from zcron.model import Log
from zcron.model.timeutil import to_us
from zcron.queue.base import Job
from zcron.web import cronrow

from web_support import (NOW, XSS, alice, app, clock, components, db, ini,  # noqa: F401
                         make_log, read, shared_app, victor)


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
        assert ('title="2026-03-02 09:05:00 UTC"><span class="abs">2026-03-02 10:05:00 CET +01:00'
                in hello)
        assert 'data-status="WARN"' in hello and 'data-state="on"' in hello
        assert "Run now" in hello and "Pause…" in hello
        report = re.search(r'<tr id="cron-b{32}".*?</tr>', page, re.S).group(0)
        assert "at 08:00 on weekdays" in report and 'data-state="off"' in report
        assert "Run now" not in report and "never" in report
        assert "crontab on" in page and "Turn crontab off" in page

    def test_crontab_status_filter(self, alice):
        page = alice.get("/sites/default?status=never").text      # on the server
        assert 'id="cron-' + "a" * 32 not in page and 'id="cron-' + "b" * 32 in page
        assert '<option value="never" selected="selected">' in page
        page = alice.get("/sites/default?status=bogus").text       # no filter
        assert 'id="cron-' + "a" * 32 in page and 'id="cron-' + "b" * 32 in page

    def test_kinds_and_done_crons(self, alice, db):
        with db.transaction() as conn:
            crontab = load_crontab(get_root(conn).sites["default"])
            crontab.get("a" * 32).edit(max_runs=3)          # its 3 runs are logged: done
            crontab.get("b" * 32).edit(periodicity="monthly on the last friday at 17:00",
                                       activated=True)
            crontab.save()
        page = alice.get("/sites/default?status=done").text
        hello = re.search(r'<tr id="cron-a{32}".*?</tr>', page, re.S).group(0)
        assert 'data-state="done"' in hello and '<span class="badge st-done"' in hello
        assert "runs 3 of 3" in hello and "Run now" not in hello
        assert '<option value="done" selected="selected">' in page
        assert 'id="cron-' + "b" * 32 not in page               # filtered out
        page = alice.get("/sites/default").text
        report = re.search(r'<tr id="cron-b{32}"[^>]*>.*?</tr>', page, re.S).group(0)
        assert 'data-state="on"' in report
        assert "on the last Friday of each month at 17:00" in report
        assert '<span class="kind">monthly schedule</span>' in report
        assert '<span class="kind">cron expression</span>' in hello
        logs = alice.get("/sites/default/crons/" + "a" * 32 + "/logs").text
        assert '<span class="badge st-done">done</span>' in logs
        assert "runs 3 of 3" in logs and "done: its runs are over" in logs

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
        assert re.search(r"until <time[^>]*><span class=\"abs\">2026-03-02 11:00:00 CET \+01:00",
                         hello) and "Resume" in hello
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
        report = read(db, lambda r: load_crontab(r.sites["default"]).get("b" * 32))
        assert cronrow.describe(report) == ("", "")

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
                q.claim(job, worker, NOW, uid[:1] * 32)
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

    def test_a_stopping_worker_is_marked(self, alice, db):
        with db.transaction() as conn:
            q = queue_for(get_root(conn))
            q.register_worker("host:1:aa", NOW, 30, host="host", pid=1)
            q.register_worker("host:2:bb", NOW, 30, host="host", pid=2)
            q.stop_worker("host:2:bb")
        page = alice.get("/workers").text
        one = re.search(r'data-worker="host:1:aa">(.*?)</section>', page, re.S).group(1)
        two = re.search(r'data-worker="host:2:bb">(.*?)</section>', page, re.S).group(1)
        assert ">stopping<" not in one and ">stopping<" in two

    def test_no_workers(self, alice):
        assert "No worker is registered." in alice.get("/workers").text


# -- escaping ------------------------------------------------------------------------------

class TestEscaping:
    def test_user_data_is_escaped_everywhere(self, alice, db):
        with db.transaction() as conn:
            root = get_root(conn)
            legacy = zcron.CronSite("x")      # '/' is refused now: saved before
            legacy.name = XSS
            root.add_site(legacy)
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


# -- declared crons and outputs ---------------------------------------------------------

def declare_hello(db, source="configure.zcml:3"):
    """'hello' made the cron of a declaration registered by a test source."""
    from zope.component import provideUtility
    from zope.interface import implementer
    from zcron.declared import Declaration
    from zcron.interfaces import IDeclarationSource

    @implementer(IDeclarationSource)
    class Source:
        def declarations(self):
            return [Declaration("zcml", "hello", "hello", "*/5 * * * *", source=source,
                                timezone="Europe/Zurich", policies={"timeout": 30})]
    provideUtility(Source(), IDeclarationSource, name="test")
    with db.transaction() as conn:
        load_crontab(get_root(conn).sites["default"]).get("a" * 32).edit(
            declared="zcml:hello", timeout=30)


class TestDeclared:
    def test_crontab_page_marks_declared_crons(self, alice, db):
        declare_hello(db, source="myhost/<b>configure.zcml</b>:3")
        page = alice.get("/sites/default").text
        assert page.count('class="badge declared"') == 1
        assert "declared at myhost/&lt;b&gt;configure.zcml&lt;/b&gt;:3" in page
        assert "It comes back at the next sync" in page

    def test_a_declaration_gone_is_said(self, alice, db):
        with db.transaction() as conn:
            load_crontab(get_root(conn).sites["default"]).get("a" * 32).edit(
                declared="zcml:gone")
        assert "declared at zcml:gone (declaration gone)" in alice.get("/sites/default").text


class TestOutput:
    def add_output(self, db):
        with db.transaction() as conn:
            cron = load_crontab(get_root(conn).sites["default"]).get("a" * 32)
            cron.add_log(Log(NOW, "WARN", ["3 reports"], fire_time=NOW,
                             output="secret <line>"))

    def test_managers_see_the_output(self, alice, db):
        self.add_output(db)
        page = alice.get("/sites/default/crons/" + "a" * 32 + "/logs").text
        assert 'class="output" title="shown to managers only">secret &lt;line&gt;' in page

    def test_viewers_do_not(self, victor, db):
        self.add_output(db)
        page = victor.get("/sites/default/crons/" + "a" * 32 + "/logs").text
        assert "3 reports" in page and "secret" not in page

    def test_nor_in_their_exports(self, alice, victor, db):
        self.add_output(db)
        assert "secret" in alice.get("/sites/default/export.json").text
        assert "secret" not in victor.get("/sites/default/export.json").text
