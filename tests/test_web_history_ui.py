"""History at a glance on the dashboard: the crontab table's strip of
recent outcomes, the logs page's chart of duration and lateness, and the
site's "Recent failures" page (filters, paging, bad filters 400, a new
failure seen at the next request)."""
import re

from zcron.components import load_crontab
from zcron.db import get_root

from web_support import (NOW, alice, app, clock, components, db, ini, make_log,  # noqa: F401
                         shared_app, victor)

HELLO, REPORT = "a" * 32, "b" * 32


def add_logs(db, uid, *logs):
    with db.transaction() as conn:
        cron = load_crontab(get_root(conn).sites["default"]).get(uid)
        for log in logs:
            cron.add_log(log)


def row_of(page, uid):
    return re.search(rf'<tr id="cron-{uid}".*?</tr>', page, re.S).group(0)


def marks(html):
    return re.findall(r'<span class="mark (st-\w+)" role="listitem" title="([^"]*)"', html)


class TestStrip:
    def test_recent_outcomes_newest_right(self, alice):
        page = alice.get("/sites/default").text
        assert '<th title="the last 20 outcomes, newest right">Recent</th>' in page
        found = marks(row_of(page, HELLO))
        assert [m[0] for m in found] == ["st-ok", "st-failure"] + ["st-notrun"] * 4 + ["st-warn"]
        assert found[-1][1] == "WARN 2026-03-02 09:30 CET"   # 30 minutes ago
        assert 'aria-label="recent outcomes, newest right"' in row_of(page, HELLO)
        assert "mark" not in row_of(page, REPORT) and "—" in row_of(page, REPORT)

    def test_at_most_twenty_marks(self, alice, db):
        add_logs(db, REPORT, *(make_log(200 - m, "OK" if m % 3 else "FAILURE")
                               for m in range(30)))
        found = marks(row_of(alice.get("/sites/default").text, REPORT))
        assert [m[0] for m in found] == ["st-ok" if m % 3 else "st-failure"
                                         for m in range(10, 30)]


class TestChart:
    def test_duration_and_lateness_of_kept_entries(self, victor):
        page = victor.get(f"/sites/default/crons/{HELLO}/logs").text
        svg = re.search(r'<svg .*?</svg>', page, re.S).group(0)
        assert 'role="img" aria-label="Duration and lateness of the last 7 entries"' in svg
        duration = re.search(r'<g class="series duration">(.*?)</g>', svg).group(1)
        lateness = re.search(r'<g class="series lateness">(.*?)</g>', svg).group(1)
        assert duration.count("<circle") == 7     # every entry has a duration
        assert lateness.count("<circle") == 3     # NOTRUN entries are no run: not late
        assert "<title>2026-03-02 09:00:00 CET +01:00: OK, late by 0.50 s</title>" in lateness
        assert '<span class="key duration">Duration</span>' in page
        kept = re.search(r'<span id="kept-for">(.*?)</span>', page, re.S).group(1)
        assert " ".join(kept.split()) == ", OK and WARN for 7 d, FAILURE and NOTRUN for 90 d"

    def test_points_on_one_scale(self, alice, db):
        add_logs(db, REPORT, make_log(20, "OK", duration=10.0, late=0),
                 make_log(10, "FAILURE", duration=5.0, late=2.0))
        svg = alice.get(f"/sites/default/crons/{REPORT}/logs").text
        points = re.search(r'<g class="series duration"><polyline points="([^"]+)"', svg)
        (x1, y1), (x2, y2) = [tuple(map(float, p.split(","))) for p in
                              points.group(1).split()]
        assert (x1, y1) == (36.0, 36.0)          # the largest value is at the top
        assert x2 == 684.0 and y2 == 180 - 36 - 108 * 0.5     # half of it, half-way up
        assert '<circle cx="684.0" cy="' in svg and 'class="st-failure"' in svg

    def test_no_entries_no_chart(self, alice):
        page = alice.get(f"/sites/default/crons/{REPORT}/logs").text
        assert 'id="no-chart"' in page and "<svg" not in page


class TestRecentFailures:
    URL = "/sites/default/failures"

    def entries(self, client, **query):
        res = client.get(self.URL + "?" + "&".join(f"{k}={v}" for k, v in query.items()))
        assert res.status_int == 200
        return re.findall(r'<tr class="log" data-status="(\w+)"', res.text), res.text

    def test_failures_newest_first_and_filters(self, victor, db):
        add_logs(db, REPORT, make_log(3 * 24 * 60, "FAILURE", ["disk full"]),
                 make_log(5, "FAILURE", ["<script>x</script>"]))
        statuses, page = self.entries(victor)
        assert statuses == ["FAILURE"] * 3
        assert page.index("&lt;script&gt;x") < page.index("ValueError: &lt;b&gt;bad") \
            < page.index("disk full")
        assert f'href="http://localhost/sites/default/crons/{REPORT}/logs">report</a>' in page
        assert self.entries(victor, status="")[0] == \
            ["FAILURE", "WARN"] + ["NOTRUN"] * 4 + ["FAILURE"] * 2
        assert self.entries(victor, status="NOTRUN")[0] == ["NOTRUN"] * 4
        assert self.entries(victor, name="REP")[0] == ["FAILURE", "FAILURE"]
        assert self.entries(victor, since="24h")[0] == ["FAILURE", "FAILURE"]
        assert 'id="no-failures"' in self.entries(victor, name="nobody")[1]

    def test_paged(self, alice, db):
        add_logs(db, REPORT, *(make_log(100 + m, "FAILURE", [f"f{m}"]) for m in range(60)))
        first = self.entries(alice)[1]
        assert "page 1 of 2 (51 entries)" in first and "older →" in first   # 50 kept
        second, page = self.entries(alice, page="2")
        assert len(second) == 1 and "← newer" in page
        assert self.entries(alice, page="x")[1].count('<tr class="log"') == 50

    def test_gathered_again_after_a_change_at_most_every_30_s(self, alice, db, clock):
        assert len(self.entries(alice)[0]) == 1
        assert len(self.entries(alice, status="")[0]) == 6      # nothing changed: reused
        add_logs(db, REPORT, make_log(1, "FAILURE"))
        assert len(self.entries(alice)[0]) == 1                 # gathered just now
        clock.advance(seconds=30)
        assert len(self.entries(alice)[0]) == 2

    def test_bad_filters_400_naming_them(self, alice):
        for query, words in (("status=BROKEN", "status"), ("since=2y", "since")):
            res = alice.get(self.URL + "?" + query)
            assert res.status_int == 400
            assert words in res.text and query.split("=")[1] in res.text

    def test_linked_from_sites_and_logs_pages(self, alice):
        assert 'href="http://localhost/sites/default/failures?since=24h"' in alice.get("/").text
        page = alice.get(f"/sites/default/crons/{HELLO}/logs").text
        assert 'href="http://localhost/sites/default/failures">Recent failures</a>' in page
