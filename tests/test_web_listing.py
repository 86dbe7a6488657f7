"""The crontab page at scale: paging, sorting and filtering on the server
(the query in the URL), the live refresh's rows endpoint, and the sites
page of a big site."""
import re
from datetime import timedelta

import zcron
from zcron.components import load_crontab, queue_for
from zcron.db import get_root
from zcron.model.timeutil import to_us
from zcron.queue import Job
from zcron.web import listing, overview

from web_support import (NOW, alice, app, clock, components, db, ini,  # noqa: F401
                         make_log, shared_app, victor)

SITE = "/sites/many"


def add_site(db, count, name="many"):
    """A site of ``count`` crons named c000...; every third one failed."""
    with db.transaction() as conn:
        site = get_root(conn).add_site(zcron.CronSite(name))
        crontab = load_crontab(site)
        for i in range(count):
            cron = crontab.add_cron(zcron.Cron(f"c{i:03d}", "@hourly", uid=f"{i:032x}"))
            if i % 3 == 0:
                cron.add_log(make_log(10, "FAILURE"))
        crontab.save()


def uids(page):
    return re.findall(r'<tr id="cron-([0-9a-f]{32})"', page)


def test_a_page_of_fifty_and_the_pager(alice, db):
    add_site(db, 120)
    page = alice.get(SITE).text
    assert uids(page) == [f"{i:032x}" for i in range(50)]
    assert "120 cron(s) · page 1 of 3" in page and 'rel="prev"' not in page
    last = alice.get(SITE + "?page=3").text
    assert uids(last) == [f"{i:032x}" for i in range(100, 120)]
    assert 'rel="next"' not in last and "page=2" in last
    assert uids(alice.get(SITE + "?page=99").text) == uids(last)     # the last one
    assert uids(alice.get(SITE + "?page=x").text) == uids(page)      # the first


def test_sort_and_filter_keep_across_pages(alice, db):
    add_site(db, 120)
    page = alice.get(SITE + "?sort=name&dir=desc&page=2").text
    assert uids(page)[0] == f"{69:032x}"                 # c119 ... c070 on page 1
    assert "sort=name&amp;dir=desc&amp;page=3" in page      # the next page keeps them
    assert "sort=name&amp;page=" not in page
    failed = alice.get(SITE + "?status=FAILURE").text
    assert uids(failed) == [f"{i:032x}" for i in range(0, 150, 3)][:40]
    assert 'rel="next"' not in failed and 'value="FAILURE" selected="selected"' in failed
    named = alice.get(SITE + "?q=C11").text                  # any case
    assert uids(named) == [f"{i:032x}" for i in range(110, 120)]
    assert "10 cron(s)" in named and 'value="C11"' in named
    by_status = alice.get(SITE + "?sort=status&q=c00").text
    assert uids(by_status) == [f"{i:032x}" for i in (0, 3, 6, 9, 1, 2, 4, 5, 7, 8)]
    header = re.search(r'<th data-sort="status"[^>]*>(.*?)</th>', by_status, re.S).group(0)
    assert "sorted-asc" in header and "dir=desc" in header   # the way back
    assert 'aria-sort="ascending"' in header
    assert "No cron matches." in alice.get(SITE + "?q=nothing").text


def test_a_status_filter_reads_only_until_its_page_is_full(alice, db):
    add_site(db, 160)
    page = alice.get(SITE + "?status=never").text       # 2 of 3 crons: 106 in all
    assert len(uids(page)) == 50 and 'rel="next"' in page and "page 1" in page
    third = alice.get(SITE + "?status=never&page=3").text
    assert len(uids(third)) == 6 and 'rel="next"' not in third


def test_the_refresh_sends_only_changed_rows(alice, db):
    add_site(db, 60)
    first = alice.get(SITE + "/rows.json?page=2").json
    assert first["order"] == [f"{i:032x}" for i in range(50, 60)]
    assert set(first["rows"]) == set(first["order"]) and "page 2 of 2" in first["pager"]
    digests = [re.search(r'data-v="(\w+)"', html).group(1) for html in first["rows"].values()]
    page = alice.get(SITE + "?page=2").text
    assert all(f'data-v="{d}"' in page for d in digests)        # the page's own
    again = alice.get(SITE + "/rows.json?page=2&known=" + ",".join(digests)).json
    assert again["rows"] == {} and again["order"] == first["order"]
    with db.transaction() as conn:
        crontab = load_crontab(get_root(conn).sites["many"])
        crontab.get(f"{55:032x}").edit(activated=False)
        crontab.save()
    changed = alice.get(SITE + "/rows.json?page=2&known=" + ",".join(digests)).json
    assert list(changed["rows"]) == [f"{55:032x}"]
    assert 'data-state="off"' in changed["rows"][f"{55:032x}"]


def test_the_refresh_keeps_the_flash_for_the_page(alice, db):
    add_site(db, 3)
    alice.post(SITE + "/crons/" + "0" * 32 + "/toggle", {"activated": "0"})
    alice.get(SITE + "/rows.json")
    assert "c000 is off." in alice.get(SITE).text


def test_viewers_get_no_actions(victor, db):
    add_site(db, 3)
    page = victor.get(SITE).text
    assert "Run now" not in page and "Delete" not in page and "Logs</a>" in page


def test_a_big_site_is_counted_from_its_digest(alice, db):
    count = overview.SUMMARY_LIMIT + 1
    add_site(db, count, name="big")
    row = re.search(r'<tr data-site="big">(.*?)</tr>', alice.get("/").text, re.S).group(1)
    failed = len(range(0, count, 3))
    assert f'status=FAILURE">{failed}</a>' in row and f'class="bad">{failed}</span>' in row
    assert "too many crons to count" not in row and "UTC" in row        # next run
    with db.transaction() as conn:          # as saved before digests: not counted
        crontab = load_crontab(get_root(conn).sites["big"])
        del crontab._digest
    row = re.search(r'<tr data-site="big">(.*?)</tr>', alice.get("/").text, re.S).group(1)
    assert f">{count}<" in row and "too many crons to count" in row
    assert "status=FAILURE" in row
    small = re.search(r'<tr data-site="default">(.*?)</tr>', alice.get("/").text, re.S).group(1)
    assert 'status=WARN">1</a>' in small


def test_the_query_reads_leniently():
    query = listing.Query({"status": "bogus", "sort": "nope", "dir": "desc", "page": "-3",
                           "q": "  x  "})
    assert (query.status, query.sort, query.desc, query.page, query.text) == ("", "", False, 1, "x")
    assert query.params() == {"q": "x"}
    assert query.sorted_by("name") == {"q": "x", "sort": "name"}
    assert listing.Query({"sort": "name"}).sorted_by("name") == {"sort": "name", "dir": "desc"}


def test_the_next_run_sort_reads_the_queue(alice, db):
    """Soonest first from the queue's due order, the crons without a
    pending job last; the same order as sorting every row."""
    with db.transaction() as conn:
        site = get_root(conn).add_site(zcron.CronSite("many"))
        crontab = load_crontab(site)
        for i in range(60):
            crontab.add_cron(zcron.Cron(f"c{i:03d}", f"{59 - i} 10 * * *", uid=f"{i:032x}",
                                        activated=i != 30))
        crontab.save()
    order = [f"{i:032x}" for i in range(59, -1, -1) if i != 30] + [f"{30:032x}"]
    first = uids(alice.get(SITE + "?sort=next").text)
    assert first == order[:50]
    assert uids(alice.get(SITE + "?sort=next&page=2").text) == order[50:]
    # a filter takes the other way, which reads every row: the same order
    assert uids(alice.get(SITE + "?sort=next&q=c").text) == first


def test_the_next_run_sort_reversed_reads_the_queue_from_its_end(alice, db):
    """The crons without a pending job first (in the crontab's order),
    then the latest; ties in the crontab's order; a cron counted at its
    soonest job (c006's retry, due before its scheduled run), a removed
    cron's job left out; the same order filtered by name or status."""
    with db.transaction() as conn:
        root = get_root(conn)
        crontab = load_crontab(root.add_site(zcron.CronSite("many")))
        for i in range(60):
            crontab.add_cron(zcron.Cron(f"c{i:03d}", f"{i % 7} 10 * * *", uid=f"{i:032x}",
                                        activated=i not in (30, 45)))
        crontab.save()
        retry, latest = NOW + timedelta(minutes=30), NOW + timedelta(minutes=66)
        queue_for(root).put(Job("many", f"{6:032x}", to_us(retry), to_us(retry), "retry", 1))
        # a job of a cron since removed (until a restart forgets it)
        queue_for(root).put(Job("many", f"{999:032x}", to_us(latest), to_us(latest)))
    timed = sorted((i for i in range(60) if i not in (6, 30, 45)), key=lambda i: -(i % 7))
    order = [f"{i:032x}" for i in [30, 45] + timed + [6]]
    assert uids(alice.get(SITE + "?sort=next&dir=desc").text) == order[:50]
    assert uids(alice.get(SITE + "?sort=next&dir=desc&page=2").text) == order[50:]
    named = [uid for uid in order if 10 <= int(uid, 16) < 20]
    assert uids(alice.get(SITE + "?sort=next&dir=desc&q=c01").text) == named
    assert uids(alice.get(SITE + "?sort=next&dir=desc&status=off").text) == order[:2]
    forward = uids(alice.get(SITE + "?sort=next&q=c0").text)    # every cron, soonest first
    soonest = sorted(timed, key=lambda i: i % 7)
    assert forward == [f"{i:032x}" for i in [6] + soonest + [30, 45]][:50]


def test_times_carry_their_instant_for_the_zone_control(alice):
    """The browser shows them in UTC or its own zone from these."""
    for path in ("/sites/default", "/sites/default/crons/" + "a" * 32 + "/logs"):
        page = alice.get(path).text
        assert page.count('id="time-zone-choice"') == 1
        assert re.search(r'<time\s+datetime="2026-03-02T[\d:.]+\+00:00"\s+'
                         r'title="2026-03-02 [\d:]+ UTC"><span class="abs">2026-03-02 '
                         r'[\d:]+ CET \+01:00</span>', page), path


def test_a_filtered_next_run_sort_reads_the_due_order_a_due_time_at_a_time(alice, db):
    """A status filter sorted by next run, both ways: ties in the crontab's
    order (uids out of it), a cron at its soonest job (c004's retry), the
    crons without a job last (first reversed), a removed cron's job left
    out; dense (every failed cron, every cron named c...) and sparse (one)
    alike."""
    with db.transaction() as conn:
        root = get_root(conn)
        crontab = load_crontab(root.add_site(zcron.CronSite("many")))
        for i in range(60):
            cron = crontab.add_cron(zcron.Cron(f"c{i:03d}", f"{i % 4} 10 * * *",
                                               uid=f"{99 - i:032x}", activated=i != 9))
            if i % 3 == 0:
                cron.add_log(make_log(10, "FAILURE"))
        crontab.add_cron(zcron.Cron("x-other", "5 10 * * *", uid=f"{500:032x}"))
        crontab.save()
        retry = NOW + timedelta(minutes=30)
        queue_for(root).put(Job("many", f"{99 - 12:032x}", to_us(retry), to_us(retry),
                                "retry", 1))
        queue_for(root).put(Job("many", f"{999:032x}", to_us(retry), to_us(retry)))
    failed = [i for i in range(60) if i % 3 == 0]
    timed = sorted((i for i in failed if i not in (9, 12)), key=lambda i: i % 4)
    order = [f"{99 - i:032x}" for i in [12] + timed + [9]]
    assert uids(alice.get(SITE + "?status=FAILURE&sort=next").text) == order
    reversed_order = [f"{99 - i:032x}" for i in [9] + sorted(
        (i for i in failed if i not in (9, 12)), key=lambda i: -(i % 4)) + [12]]
    assert uids(alice.get(SITE + "?status=FAILURE&sort=next&dir=desc").text) == reversed_order
    assert uids(alice.get(SITE + "?status=off&sort=next").text) == [f"{99 - 9:032x}"]
    assert uids(alice.get(SITE + "?status=FAILURE&sort=next&q=c012").text) == order[:1]
    timed = sorted((i for i in range(60) if i not in (9, 12)), key=lambda i: i % 4)
    named = [f"{99 - i:032x}" for i in [12] + timed + [9]]
    assert uids(alice.get(SITE + "?sort=next&q=c").text) == named[:50]
    assert uids(alice.get(SITE + "?sort=next&q=c&page=2").text) == named[50:]
    latest = sorted((i for i in range(60) if i not in (9, 12)), key=lambda i: -(i % 4))
    assert uids(alice.get(SITE + "?sort=next&q=c&dir=desc").text) == \
        [f"{99 - i:032x}" for i in [9] + latest + [12]][:50]


def test_a_name_filter_keeping_every_cron_is_no_filter(alice, db):
    add_site(db, 60)
    every = uids(alice.get(SITE + "?sort=next&dir=desc").text)
    page = alice.get(SITE + "?sort=next&dir=desc&q=C0").text
    assert uids(page) == every and "page 1 of 2" in page
    soonest = uids(alice.get(SITE + "?sort=next").text)
    assert uids(alice.get(SITE + "?sort=next&q=C0").text) == soonest
