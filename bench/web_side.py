"""The 'web' scenario: the dashboard's pages over a site of N crons, the
WSGI application timed in-process (no server, no network): bytes and
median server time of the crontab page (first, middle and last page, the
name filter, every sort in both directions and every status filter: those
read the crontab's digest), of its live refresh and of the sites page.
Runs in a child process (see child.py)."""
import re
import statistics
import time
from http.cookies import SimpleCookie

ROUNDS = 7
ROUNDS_EACH = 3         # of each sort and filter: there are 26 of them


class Browser:
    """Just enough of one: its cookies and the CSRF token of its pages."""

    def __init__(self, app):
        from webob import Request
        self.app, self.request, self.cookies, self.token = app, Request, {}, ""

    def call(self, path, post=None):
        req = self.request.blank(path, POST=post) if post else self.request.blank(path)
        if self.cookies:
            req.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        res = req.get_response(self.app)
        for header in res.headers.getall("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        found = re.search(r'name="csrf_token" value="([^"]+)"', res.text)
        self.token = found.group(1) if found else self.token
        return res

    def login(self, name, password):
        self.call("/login")
        self.call("/login", {"login": name, "password": password, "came_from": "/",
                             "csrf_token": self.token})


def fill(db, n):
    """A site of n crons; every tenth with a logged failure, as a worker
    would have left them (one commit, one sync)."""
    import zcron
    from zcron import clock
    from zcron.components import load_crontab
    from zcron.db import Session
    from zcron.model import Log
    from zc_side import SITE
    session = Session(db)
    session.tm.begin()
    crontab = load_crontab(session.root.add_site(zcron.CronSite(SITE)))
    now = clock.now()
    for i in range(n):
        cron = crontab.add_cron(zcron.Cron("noop", "*/5 * * * *" if i % 2 else "@hourly",
                                           timezone="Europe/Zurich"))
        if i % 10 == 0:
            cron.add_log(Log(now, "FAILURE", ["bench"], fire_time=now, duration=0.1))
    crontab.save()
    session.tm.commit()
    session.close()


def timed(browser, path, rounds=ROUNDS):
    """{kb, ms, cpu_ms} of GET path: medians of wall and CPU time (the
    CPU time says less about the other processes of a busy machine); one
    warming call first."""
    browser.call(path)
    wall, cpu, size = [], [], 0
    for _ in range(rounds):
        t, c = time.perf_counter(), time.process_time()
        res = browser.call(path)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        assert res.status_int == 200, (path, res.status)
        size = len(res.body)
    return {"path": path.split("?known=")[0], "kb": size / 1024,
            "ms": statistics.median(wall), "cpu_ms": statistics.median(cpu)}


def known(browser, site):
    """The digests of the first page's rows as they are now, as the
    browser holds them."""
    answer = browser.call(f"{site}/rows.json").json
    return ",".join(re.search(r'data-v="(\w+)"', html).group(1)
                    for html in answer["rows"].values())


def pages(params):
    import os
    from zcron import users, web
    from zc_side import SITE, file_uri, open_db, setup
    from datetime import datetime, timezone
    from zcron.clock import FakeClock, install_clock
    setup()
    # a still clock: the pages do not change between calls ("in 45 s")
    install_clock(FakeClock(datetime(2026, 3, 2, 9, 0, 30, tzinfo=timezone.utc)))
    n, tmp = params["n"], params["tmpdir"]
    db = open_db(file_uri(tmp))
    t = time.perf_counter()
    fill(db, n)
    fill_s = time.perf_counter() - t
    db.close()                   # the dashboard starts as a server does: caches empty
    db = open_db(file_uri(tmp))
    ini = os.path.join(tmp, "zcron.ini")
    users.add_user(ini, "bench", "manager", "bench-pw", iterations=1000)
    app = web.make_app({"zcron.db_object": db, "zcron.config": ini, "zcron.secret": "b"})
    browser = Browser(app)
    browser.login("bench", "bench-pw")
    site = f"/sites/{SITE}"
    middle = max(1, n // 100)
    result = {"n": n, "fill_s": fill_s, "rounds": ROUNDS, "pages": {}}
    for key, path in (("crontab", site), ("crontab_middle", f"{site}?page={middle}"),
                      ("crontab_last", f"{site}?page={n}"),
                      ("name_filter", f"{site}?q=noo"),
                      ("sites", "/")):
        result["pages"][key] = timed(browser, path)
    # the refresh naming the rows the browser holds, none changed since
    result["pages"]["refresh"] = timed(
        browser, f"{site}/rows.json?known={known(browser, site)}")
    result["pages"].update(sorts_and_filters(browser, site))
    db.close()
    return result


def sorts_and_filters(browser, site):
    """{name: timed} of each column's sort both ways, each status filter,
    and filters sorted on other columns."""
    from zcron.web.listing import FILTERS, SORTS
    paths = {f"sort_{key}{suffix}": f"{site}?sort={key}{query}" for key in SORTS
             for suffix, query in (("", ""), ("_desc", "&dir=desc"))}
    paths.update((f"status_{status}", f"{site}?status={status}") for status in FILTERS)
    paths["status_FAILURE_by_last_desc"] = f"{site}?status=FAILURE&sort=last&dir=desc"
    # filtered next-run sorts read the queue's index of jobs by cron whole
    paths["status_FAILURE_by_next"] = f"{site}?status=FAILURE&sort=next"
    paths["name_filter_by_next_desc"] = f"{site}?q=noo&sort=next&dir=desc"
    return {key: timed(browser, path, rounds=ROUNDS_EACH) for key, path in paths.items()}
