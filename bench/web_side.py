"""The 'web' scenario: the dashboard's pages over a site of N crons, the
WSGI application timed in-process (no server, no network): bytes and
median server time of the crontab page (first, middle and last page, the
name and next-run sorts, the name filter, a status filter; once, a sort
that reads every cron), of its live refresh and of the sites page. Runs in a child process (see child.py)."""
import re
import statistics
import time
from http.cookies import SimpleCookie

ROUNDS = 7


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
    """(bytes, median ms) of GET path; one warming call first."""
    browser.call(path)
    times, size = [], 0
    for _ in range(rounds):
        t = time.perf_counter()
        res = browser.call(path)
        times.append((time.perf_counter() - t) * 1000)
        assert res.status_int == 200, (path, res.status)
        size = len(res.body)
    return size, statistics.median(times)


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
    setup()
    n, tmp = params["n"], params["tmpdir"]
    db = open_db(file_uri(tmp))
    t = time.perf_counter()
    fill(db, n)
    fill_s = time.perf_counter() - t
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
                      ("name_sort", f"{site}?sort=name&dir=desc"),
                      ("name_filter", f"{site}?q=noo"),
                      ("status_filter", f"{site}?status=FAILURE"),
                      ("next_sort", f"{site}?sort=next"),
                      ("sites", "/")):
        size, ms = timed(browser, path)
        result["pages"][key] = {"path": path, "kb": size / 1024, "ms": ms}
    # the refresh naming the rows the browser holds: just read, so that
    # only what changes meanwhile comes back
    size, ms = timed(browser, f"{site}/rows.json?known={known(browser, site)}")
    result["pages"]["refresh"] = {"path": f"{site}/rows.json", "kb": size / 1024, "ms": ms}
    # sorting on a column the indexes do not keep reads every cron: once
    path = f"{site}?sort=status"
    size, ms = timed(browser, path, rounds=1)
    result["pages"]["status_sort"] = {"path": path, "kb": size / 1024, "ms": ms}
    db.close()
    return result
