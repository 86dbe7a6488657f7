"""The dashboard in a real browser: Debian's Chromium driven by Playwright,
against ``zcron.web.serve`` and a real worker process, both on a ZEO server.

What a user does is checked as a user sees it: logging in, adding a cron (a
bad expression refused inline, nothing saved), running it and watching its
log entry arrive without reloading, pausing with a note and resuming,
editing, importing, bulk changes, deleting; a viewer sees no buttons and a
forged POST is refused; a POST without the CSRF token is refused; a cron
named ``<script>alert(1)</script>`` renders as text; the operator's side:
overdue badges, the pause form's "lifts itself", backfill (preview count,
queue, cancel), the log marks, the History tabs and undo. Each page is
saved as a screenshot under ``artifacts/screenshots/``.

No browser is ever downloaded: without /usr/bin/chromium these tests are
skipped, except in CI (``$CI`` set), where that is a failure.
"""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from zcron.db import get_root, open_db
from zcron.model import CronSite
from zcron.testing import ZEOServer, free_port
from zcron.users import add_user

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
XSS = "<script>alert(1)</script>"
WAIT = 20_000          # ms: a run lands within a few seconds; slow CI machines


def _browser_missing():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def chromium():
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


# -- the stack: ZEO, the dashboard, a worker ---------------------------------------------

HOST_JOBS = '''
import time
import zcron


class Hello(zcron.Runner):
    def run(self):
        time.sleep(0.2)
'''

HOST_ZCML = '''<configure xmlns="http://namespaces.zope.org/zope">
  <include package="zcron" />
  <adapter factory="hostpkg.jobs.Hello" name="hello" />
</configure>
'''


class Process:
    """A Python subprocess whose output goes to a log file."""

    def __init__(self, name, code, directory, env):
        self.log = Path(directory) / f"{name}.log"
        self.handle = open(self.log, "w")
        self.popen = subprocess.Popen([sys.executable, "-c", code], env=env,
                                      stdout=self.handle, stderr=subprocess.STDOUT)

    def output(self):
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self, sig):
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.handle.close()


def wait_for_http(url, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(f"the dashboard exited:\n{process.output()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the dashboard did not answer in {seconds} s:\n{process.output()}")


@pytest.fixture(scope="module")
def stack(tmp_path_factory, chromium):
    base = tmp_path_factory.mktemp("browser")
    package = base / "hostpkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "jobs.py").write_text(HOST_JOBS)
    zcml = package / "configure.zcml"
    zcml.write_text(HOST_ZCML)
    config = base / "zcron.ini"
    add_user(str(config), "alice", "manager", "alice-secret", iterations=10_000)
    add_user(str(config), "victor", "viewer", "victor-secret", iterations=10_000)

    zeo = ZEOServer(base / "zeo").start()
    db = open_db(zeo.uri)
    with db.transaction() as conn:
        get_root(conn).add_site(CronSite("default"))
    db.close()

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(base), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        PYTHONWARNINGS="ignore")
    port = free_port()
    server = Process("server", textwrap.dedent(f"""
        from zcron.web import serve
        serve({zeo.uri!r}, {str(zcml)!r}, host="127.0.0.1", port={port},
              config={str(config)!r})
        """), base, env)
    worker = Process("worker", textwrap.dedent(f"""
        import zcron.config
        from zcron.db import open_db
        from zcron.worker import Worker
        zcron.config.configure({str(zcml)!r})
        try:
            Worker(open_db({zeo.uri!r}), concurrency=2, poll=0.2, lease=15).run()
        except KeyboardInterrupt:
            pass
        """), base, env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/login", server)
        SHOTS.mkdir(parents=True, exist_ok=True)
        yield {"url": url, "server": server, "worker": worker}
    finally:
        server.stop(signal.SIGTERM)
        worker.stop(signal.SIGINT)
        zeo.stop()
        print("--- dashboard ---\n" + server.output())
        print("--- worker ---\n" + worker.output())


class User:
    """One browser context (its own cookies) logged in as one user."""

    def __init__(self, chromium, url, name, password, **context):
        self.url = url
        context.setdefault("viewport", {"width": 1400, "height": 900})
        self.context = chromium.new_context(**context)
        self.context.set_default_timeout(WAIT)
        self.page = self.context.new_page()
        self.dialogs = []
        self.page.on("dialog", self._dialog)
        self.errors = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.name, self.password = name, password

    def _dialog(self, dialog):
        self.dialogs.append((dialog.type, dialog.message))
        dialog.accept()

    def login(self, shot=None):
        page = self.page
        page.goto(self.url + "/")
        assert page.url.startswith(self.url + "/login?came_from=")
        if shot:
            self.shot(shot)
        page.fill("input[name=login]", self.name)
        page.fill("input[name=password]", self.password)
        page.click("form.stack button[type=submit]")
        page.wait_for_url(self.url + "/")

    def shot(self, name):
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def goto(self, path):
        self.page.goto(self.url + path)

    def row(self, name):
        return self.page.locator("#crons tbody tr", has=self.page.locator(
            "a.cron-name", has_text=name))

    def mark(self):
        """Set a marker in the page: it survives anything but a reload."""
        self.page.evaluate("window.__zcronMarker = 'kept'")

    def marked(self):
        return self.page.evaluate("window.__zcronMarker") == "kept"

    def wait_for_refresh(self):
        """Until the page has fetched itself once more."""
        stamp = self.page.get_attribute("#live-time", "datetime")
        self.page.wait_for_function(
            "stamp => document.getElementById('live-time').getAttribute('datetime') !== stamp",
            arg=stamp)

    def export(self):
        response = self.page.request.get(self.url + "/sites/default/export.json")
        assert response.ok
        return response.json()

    def close(self):
        self.context.close()


@pytest.fixture
def alice(chromium, stack):
    user = User(chromium, stack["url"], "alice", "alice-secret")
    yield user
    user.close()


@pytest.fixture
def victor(chromium, stack):
    user = User(chromium, stack["url"], "victor", "victor-secret")
    yield user
    user.close()


def act(row, label):
    """Click one of a row's actions: open its menu first."""
    row.locator("details.menu > summary").click()
    row.locator(f"details.menu :is(button, a, summary):text-is('{label}')").click()


def add_cron(user, name, expression, zone="UTC"):
    page = user.page
    user.goto("/sites/default/add")
    if page.locator(f"select#f-name option[value='{name}']").count():
        page.select_option("#f-name", name)
    elif page.locator("select#f-name").count():
        # the runners are known and the select offers only them: a name no
        # runner has goes through the escape hatch
        page.check("#f-allow-unknown")
        page.fill("#f-unknown-name", name)
    else:
        page.fill("#f-name", name)
    page.fill("#f-periodicity", expression)
    page.fill("#f-timezone", zone)
    page.click("#cron-form button[type=submit]")
    page.wait_for_url(user.url + "/sites/default")


# -- the scenarios -------------------------------------------------------------------------

def test_manager_works_with_crons(alice, stack):
    page = alice.page

    # a wrong password is refused; the right one lands on the sites overview
    page.goto(alice.url + "/login")
    page.fill("input[name=login]", "alice")
    page.fill("input[name=password]", "wrong")
    page.click("form.stack button[type=submit]")
    assert page.locator("p.error").inner_text() == "Wrong user name or password."
    alice.login(shot="01-login")
    assert page.locator("tr[data-site=default]").is_visible()
    alice.shot("02-sites")

    page.click("a:text-is('default')")
    page.wait_for_url(alice.url + "/sites/default")
    assert page.locator("p.empty").inner_text() == "No cron yet."
    alice.shot("03-crontab-empty")

    # the form: a bad expression is refused inline, live, then by the server
    page.click("a:text-is('Add cron')")
    page.select_option("#f-name", "hello")
    page.fill("#f-timezone", "Europe/Zurich")
    page.fill("#f-periodicity", "61 * * * *")
    error = page.locator("[data-error-for=periodicity]")
    error.filter(has_text="outside 0-59").wait_for()
    alice.shot("04-form-invalid-live")
    page.click("#cron-form button[type=submit]")
    page.locator("#form-errors").wait_for()
    assert "outside 0-59" in error.inner_text()
    assert page.input_value("#f-periodicity") == "61 * * * *"
    alice.shot("05-form-refused")
    assert alice.export()["crons"] == []                   # nothing saved

    page.fill("#f-periodicity", "*/5 * * * *")
    page.locator("#describe", has_text="every 5 minutes").wait_for()
    page.locator("#next-times li").nth(4).wait_for()
    assert page.locator("#next-times li").count() == 5
    assert "CET +01:00" in page.locator("#next-times li").first.inner_text() or \
        "CEST +02:00" in page.locator("#next-times li").first.inner_text()
    assert error.inner_text() == ""
    alice.shot("06-form-valid")
    page.click("#cron-form button[type=submit]")
    page.wait_for_url(alice.url + "/sites/default")
    row = alice.row("hello")
    assert "every 5 minutes" in row.inner_text() and "Europe/Zurich" in row.inner_text()
    assert row.locator("time").first.get_attribute("title").endswith(" UTC")
    assert page.locator(".flash-info").inner_text() == "hello is added."
    alice.shot("07-crontab")

    # run now: the run lands in the table without a reload
    act(row, "Run now")
    page.wait_for_url(alice.url + "/sites/default")
    alice.mark()
    row.locator(".last-status", has_text="OK").wait_for()
    assert alice.marked()
    assert row.locator("td").nth(7).inner_text().endswith(" s")     # last duration

    # the logs page: another run now, and its entry appears without a reload
    # (plus an entry for any fire time of "*/5" that passes meanwhile)
    row.locator("a.cron-name").click()
    page.locator("tr.log").first.wait_for()
    runs = page.locator("tr.log").count()
    page.click("button:text-is('Run now')")
    page.wait_for_url("**/logs")
    alice.mark()
    page.locator("tr.log").nth(runs).wait_for()
    assert alice.marked()
    assert page.locator("tr.log .badge").first.inner_text() == "OK"
    alice.shot("08-logs")

    # pause with a note, then resume
    alice.goto("/sites/default")
    row = alice.row("hello")
    act(row, "Pause…")
    row.locator("input[name=note]").fill("maintenance window")
    row.locator("button:text-is('Pause')").click()
    page.wait_for_url(alice.url + "/sites/default")
    row = alice.row("hello")
    assert row.get_attribute("data-state") == "paused"
    assert row.locator(".pause-note").inner_text() == "maintenance window"
    assert row.locator("button:text-is('Run now')").count() == 0
    alice.shot("09-paused")
    act(row, "Resume")
    page.wait_for_url(alice.url + "/sites/default")
    assert alice.row("hello").get_attribute("data-state") == "on"

    # edit
    act(alice.row("hello"), "Edit")
    page.locator("#describe", has_text="every 5 minutes").wait_for()
    page.fill("#f-periodicity", "0 8 * * 1-5")
    page.locator("#describe", has_text="at 08:00 on weekdays").wait_for()
    page.click("#cron-form button[type=submit]")
    page.wait_for_url(alice.url + "/sites/default")
    assert "at 08:00 on weekdays" in alice.row("hello").inner_text()
    alice.shot("10-edited")

    # the worker, its lease
    page.click("nav a:text-is('Workers')")
    worker = page.locator("section.worker").first
    assert "alive" in worker.inner_text() and "lease until" in worker.inner_text()
    alice.shot("11-workers")

    # import a collective.cron dump: a dry-run diff first
    alice.goto("/sites/default/import")
    legacy = [json.dumps({"uid": "c" * 32, "name": "hello", "periodicity": "@hourly",
                          "activated": True})]
    page.fill("#dump", json.dumps(legacy))
    assert not page.is_checked("input[name=replace]")      # the others are kept
    page.click("#preview-button")
    diff = page.locator("#diff")
    assert "+ 1 added" in diff.inner_text() and "@hourly" in diff.inner_text()
    assert len(alice.export()["crons"]) == 1                 # not applied yet
    alice.shot("12-import-preview")
    page.click("#apply")
    page.wait_for_url(alice.url + "/sites/default")
    assert page.locator("#crons tbody tr").count() == 2

    # sort and filter on the server, the query in the URL
    rows = page.locator("#crons tbody tr")
    page.click("th[data-sort=next] a")
    page.wait_for_url("**/sites/default?sort=next")
    assert rows.first.get_attribute("id") == "cron-" + "c" * 32      # @hourly: sooner
    assert "sorted-asc" in page.locator("th[data-sort=next]").get_attribute("class")
    page.click("th[data-sort=next] a")
    page.wait_for_url("**/sites/default?sort=next&dir=desc")
    assert rows.last.get_attribute("id") == "cron-" + "c" * 32
    alice.goto("/sites/default")
    page.select_option("#status-filter", "never")
    page.wait_for_url("**status=never**")
    assert rows.count() == 1
    page.select_option("#status-filter", "")
    page.wait_for_url("**/sites/default")
    page.fill("#name-filter", "nomatch")                 # asked as one types
    page.wait_for_function("() => document.querySelectorAll('#crons tbody tr').length === 0")
    assert "q=nomatch" in page.url and page.locator("#no-match").is_visible()
    page.fill("#name-filter", "")
    page.wait_for_function("() => document.querySelectorAll('#crons tbody tr').length === 2")

    # a refresh keeps what the user ticked
    box = rows.first.locator("input[name=uid]")
    box.check()
    alice.wait_for_refresh()
    assert box.is_checked() and page.locator("#bulk-count").inner_text() == "Selected: 1"
    box.uncheck()

    # bulk: select all, disable, then enable
    page.check("#select-all")
    assert page.locator("#bulk-count").inner_text() == "Selected: 2"
    page.click("#bulk button[value=disable]")
    page.wait_for_url(alice.url + "/sites/default")
    states = page.locator("#crons tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.state)")
    assert states == ["off", "off"]
    page.check("#select-all")
    page.click("#bulk button[value=enable]")
    page.wait_for_url(alice.url + "/sites/default")

    # delete the imported cron: a confirmation first
    imported = page.locator("#cron-" + "c" * 32)
    act(imported, "Delete")
    page.wait_for_url(alice.url + "/sites/default")
    assert alice.dialogs[-1] == ("confirm", "Delete this cron?")
    assert page.locator("#cron-" + "c" * 32).count() == 0
    assert [c["uid"] for c in alice.export()["crons"]] != ["c" * 32]

    metrics = page.request.get(alice.url + "/metrics").text()
    # the two runs now, plus any fire time of "*/5" that passed meanwhile
    ok = sum(log["status"] == "OK" for cron in alice.export()["crons"] for log in cron["logs"])
    assert ok >= 2
    assert f'zcron_runs_total{{site="default",status="OK"}} {ok}' in metrics

    page.click("button:text-is('Log out')")
    page.wait_for_url(alice.url + "/login")
    page.goto(alice.url + "/sites/default")
    assert "/login" in page.url
    assert alice.errors == []


def test_a_script_name_renders_as_text(alice, stack):
    page = alice.page
    alice.login()
    add_cron(alice, XSS, "@hourly")
    row = alice.row(XSS)
    row.wait_for()
    assert row.locator("a.cron-name").inner_text() == XSS
    assert page.get_by_text(XSS, exact=True).first.is_visible()
    # no runner is called that: the worker logs NOTRUN naming it
    act(row, "Run now")
    page.wait_for_url(alice.url + "/sites/default")
    alice.row(XSS).locator(".last-status", has_text="NOTRUN").wait_for()
    alice.shot("13-xss-crontab")
    alice.row(XSS).locator("a.cron-name").click()
    page.locator("tr.log details summary").first.click()
    message = page.locator("tr.log pre.message").first.inner_text()
    assert XSS in message
    alice.shot("14-xss-logs")
    inline = page.evaluate("document.querySelectorAll('script:not([src])').length")
    assert inline == 0
    assert [d for d in alice.dialogs if d[0] == "alert"] == []
    assert alice.errors == []
    # tidy up for the other tests
    uid = alice.export()["crons"][-1]["uid"]
    alice.goto("/sites/default")
    act(page.locator(f"#cron-{uid}"), "Delete")
    page.wait_for_url(alice.url + "/sites/default")


def test_a_viewer_cannot_change_anything(victor, alice, stack):
    alice.login()
    add_cron(alice, "hello", "*/30 * * * *")
    before = alice.export()
    uid = before["crons"][-1]["uid"]

    page = victor.page
    victor.login()
    victor.goto("/sites/default")
    assert page.locator("#crons tbody tr").count() == len(before["crons"])
    assert page.locator("#crons button").count() == 0
    assert page.locator("#crons input[type=checkbox]").count() == 0
    for text in ["Add cron", "Import", "Turn crontab off"]:
        assert page.get_by_text(text, exact=True).count() == 0
    assert page.locator("#crons a:text-is('Logs')").count() == len(before["crons"])
    victor.shot("15-viewer")

    # what a manager adds appears on the viewer's page without a reload
    victor.mark()
    add_cron(alice, "hello", "*/45 * * * *")
    page.locator("#crons tbody tr").nth(len(before["crons"])).wait_for()
    assert victor.marked()

    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    for action in ("delete", "toggle", "run"):
        response = page.request.post(f"{victor.url}/sites/default/crons/{uid}/{action}",
                                     form={"csrf_token": token, "activated": "0"})
        assert response.status == 403, (action, stack["server"].output())
    response = page.request.post(victor.url + "/sites/default/switch",
                                 form={"csrf_token": token, "activated": "0"})
    # a 500 here was seen twice in full runs and never alone: the server's
    # log says why, next time
    assert response.status == 403, stack["server"].output()
    after = alice.export()
    assert [(c["uid"], c["activated"]) for c in after["crons"]][:-1] == \
        [(c["uid"], c["activated"]) for c in before["crons"]]
    assert after["activated"]


def test_a_post_without_the_csrf_token_is_refused(alice, stack):
    page = alice.page
    alice.login()
    add_cron(alice, "hello", "*/20 * * * *")
    before = alice.export()
    uid = before["crons"][-1]["uid"]
    url = f"{alice.url}/sites/default/crons/{uid}/delete"
    assert page.request.post(url, form={}).status == 403
    assert page.request.post(url, form={"csrf_token": "forged"}).status == 403
    alice.goto("/sites/default")
    status = page.evaluate(
        """url => fetch(url, {method: 'POST', body: new URLSearchParams({activated: '0'})})
                 .then(r => r.status)""", alice.url + "/sites/default/switch")
    assert status == 403
    after = alice.export()
    assert [c["uid"] for c in after["crons"]] == [c["uid"] for c in before["crons"]]
    assert after["activated"]
    page.goto(url)                       # a GET changes nothing either
    assert "Not found" in page.content()
    assert [c["uid"] for c in alice.export()["crons"]] == [c["uid"] for c in before["crons"]]


def test_every_way_to_say_when(alice, stack):
    """A calendar added on its page, a new kind typed (its plain words and
    preview follow), one built with the helper, a calendar's date greyed in
    the preview; the kind and the calendar shown on the crontab page."""
    from datetime import datetime, timedelta, timezone
    page = alice.page
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).date().isoformat()
    alice.login()
    alice.goto("/sites/default")
    page.click("a:text-is('Calendars')")
    page.fill("#c-name", "holidays")
    page.fill("#c-dates", tomorrow)
    page.fill("#c-yearly", "13-01")                    # refused, beside its field
    page.click("#calendar-form button[type=submit]")
    page.locator("[data-error-for=yearly]", has_text="invalid yearly '13-01'").wait_for()
    page.screenshot(path="/tmp/zcron-dash-calendar-refused.png", full_page=True)
    page.fill("#c-yearly", "")
    page.click("#calendar-form button[type=submit]")
    page.locator("#calendar-holidays").wait_for()
    page.screenshot(path="/tmp/zcron-dash-calendars.png", full_page=True)

    page.goto(alice.url + "/sites/default/add")
    page.select_option("#f-name", "hello")
    page.fill("#f-timezone", "UTC")
    page.fill("#f-periodicity", "monthly on the last friday at 17:00")
    page.locator("#describe", has_text="on the last Friday of each month at 17:00").wait_for()
    page.locator("#kind", has_text="monthly schedule").wait_for()
    first = page.locator("#next-times li").first.inner_text()

    page.select_option("#b-kind", "daily")
    page.fill("#b-time", "10:00")
    page.click("#b-fill")
    assert page.input_value("#f-periodicity") == "every day at 10:00"
    page.locator("#describe", has_text="every day at 10:00").wait_for()
    page.wait_for_function(
        "first => document.querySelector('#next-times li').innerText !== first", arg=first)
    assert page.locator("#next-times li.excluded").count() == 0

    page.check("input[name=exclude][value=holidays]")
    excluded = page.locator("#next-times li.excluded")
    excluded.first.wait_for()
    assert excluded.count() == 1 and tomorrow in excluded.inner_text()
    assert "excluded by holidays" in excluded.inner_text()
    page.locator("#preview").screenshot(path="/tmp/zcron-dash-preview.png")
    page.screenshot(path="/tmp/zcron-dash-form.png", full_page=True)
    page.fill("#f-max_runs", "0")                     # refused live
    page.locator("[data-error-for=max_runs]", has_text=">= 1").wait_for()
    page.fill("#f-max_runs", "")
    page.click("#cron-form button[type=submit]")
    page.wait_for_url(alice.url + "/sites/default")
    row = alice.row("hello").last
    assert "every day at 10:00" in row.inner_text() and "skips holidays" in row.inner_text()
    assert row.locator(".kind").inner_text() == "daily schedule"
    page.screenshot(path="/tmp/zcron-dash-crontab.png", full_page=True)
    assert alice.errors == []

    # a calendar in use is not removed
    page.click("a:text-is('Calendars')")
    page.locator("#calendar-holidays button:text-is('Remove')").click()
    page.locator(".flashes", has_text="still excluded by the crons hello").wait_for()
    assert page.locator("#calendar-holidays").count() == 1


SMALL_SHOTS = Path(os.environ.get("ZCRON_SHOTS", "/tmp/zcron-dash-shots"))


def test_a_phone_in_the_dark(chromium, alice, stack):
    """390 px wide, the system's dark theme: the top bar wraps, the rows
    are cards, nothing scrolls sideways; the menu opens from the keyboard."""
    SMALL_SHOTS.mkdir(parents=True, exist_ok=True)
    alice.login()
    add_cron(alice, "hello", "*/10 * * * *", "Europe/Zurich")
    phone = User(chromium, stack["url"], "alice", "alice-secret",
                 viewport={"width": 390, "height": 844}, color_scheme="dark")
    try:
        page = phone.page
        phone.login()
        page.screenshot(path=str(SMALL_SHOTS / "phone-sites.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        phone.goto("/sites/default")
        assert page.evaluate("getComputedStyle(document.documentElement).backgroundColor") \
            == "rgb(17, 21, 27)"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator("header.topbar").bounding_box()["height"] < 100
        row = phone.row("hello").first
        assert page.evaluate("r => getComputedStyle(r).display", row.element_handle()) == "grid"
        page.screenshot(path=str(SMALL_SHOTS / "phone-crontab.png"), full_page=True)
        row.locator("details.menu > summary").focus()
        page.keyboard.press("Enter")
        assert row.locator("details.menu").get_attribute("open") is not None
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") in ("Run now", "Turn off")
        page.screenshot(path=str(SMALL_SHOTS / "phone-menu.png"), full_page=True)
        page.keyboard.press("Escape")                        # closed, the focus back
        assert row.locator("details.menu").get_attribute("open") is None
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
        page.select_option("#time-zone-choice", "utc")
        assert row.locator("td.c-next .abs").inner_text().endswith(" UTC")
        phone.goto("/sites/default")                       # remembered
        assert phone.row("hello").first.locator("td.c-next .abs").inner_text().endswith(" UTC")
        page.select_option("#time-zone-choice", "cron")
        phone.goto("/sites/default/add")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(SMALL_SHOTS / "phone-form.png"), full_page=True)
        assert phone.errors == []
    finally:
        phone.close()


def test_an_unregistered_runner_name(alice, stack):
    """The select offers the registered runners; "Allow an unregistered
    runner name" reveals a text field; without it, a 422 names the
    closest registered names."""
    page = alice.page
    alice.login()
    alice.goto("/sites/default/add")
    assert not page.locator("#f-unknown-name").is_visible()
    page.check("#f-allow-unknown")
    page.fill("#f-unknown-name", "helo")
    page.fill("#f-periodicity", "@daily")
    page.uncheck("#f-allow-unknown")               # the name stays, refused
    assert not page.locator("#f-unknown-name").is_visible()
    page.evaluate("""() => {
        const select = document.getElementById('f-name');
        select.add(new Option('helo', 'helo', true, true));
    }""")                                          # as a forged form would
    page.click("#cron-form button[type=submit]")
    error = page.locator("[data-error-for=name]")
    assert "(closest: hello); tick" in error.inner_text()
    page.check("#f-allow-unknown")
    page.fill("#f-unknown-name", "not-yet-deployed")
    assert page.locator("#f-unknown-name").is_visible()
    alice.shot("runner-escape-hatch")
    page.click("#cron-form button[type=submit]")
    page.wait_for_url(alice.url + "/sites/default")
    assert alice.row("not-yet-deployed").count() == 1


def test_twenty_crons_fit_on_a_screen(alice, stack):
    """Twenty crons of one schedule line each (the earlier tests' crons
    may have longer ones) take less than a 1080 px screen's table area."""
    alice.login()
    for i in range(20):
        add_cron(alice, "fit", f"{i} 3 * * *")
    alice.goto("/sites/default")
    page = alice.page
    rows = alice.row("fit")
    assert rows.count() == 20
    top = rows.nth(0).bounding_box()["y"]
    bottom = rows.nth(19).bounding_box()
    page.screenshot(path=str(SMALL_SHOTS / "desktop-crontab.png"), full_page=True)
    assert bottom["y"] + bottom["height"] - top <= 1080 - 250, "20 rows below a 1080 px screen"


# -- the operator's side: overdue, pause, backfill, log marks, history and undo -----------

def uid_of(user, name):
    user.goto("/sites/default")
    return user.row(name).first.get_attribute("data-uid")


def edit_fields(user, uid, note, **fields):
    page = user.page
    user.goto(f"/sites/default/crons/{uid}/edit")
    for field, value in fields.items():
        page.fill(f"#f-{field}", value)
    page.fill("#f-change_note", note)
    page.click("#cron-form button[type=submit]")
    page.wait_for_url(user.url + "/sites/default")


def test_overdue_badges_and_the_pause_form(alice, stack):
    page = alice.page
    alice.login()
    add_cron(alice, "late", "0 0 1 1 *")          # no runner has its name: never a success
    uid = uid_of(alice, "late")
    edit_fields(alice, uid, "watch it", alert_no_success="1")
    time.sleep(1.5)                                # past its alert_no_success
    alice.goto("/sites/default")
    row = alice.row("late").first
    assert row.locator(".badge.overdue").inner_text() == "overdue"
    alice.shot("30-overdue-crontab")
    alice.goto("/")
    assert page.locator("tr[data-site=default] .badge.overdue").inner_text() == "1 overdue"
    alice.shot("31-overdue-sites")

    alice.goto("/sites/default")
    row = alice.row("late").first
    row.locator("details.menu > summary").click()
    row.locator("details.pause > summary").click()
    lifts = row.locator("details.pause small.muted", has_text="lifts itself")
    assert lifts.is_visible()
    lifts.scroll_into_view_if_needed()     # earlier tests' crons come first on the page
    # seen, not clipped by the table (a one-row crontab hid its open menu)
    assert lifts.evaluate("""e => { const r = e.getBoundingClientRect();
        return e.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)); }""")
    assert page.locator(".table-wrap").evaluate("e => e.scrollTop") == 0
    alice.shot("32-pause-form")
    row.locator("details.pause input[name=note]").fill("holiday")
    row.locator("details.pause button[type=submit]").click()
    page.locator(".flashes").wait_for()
    assert alice.row("late").first.get_attribute("data-state") == "paused"


def wait_for_mark(user, uid, text):
    """Reload the cron's logs page until an entry shows the mark ``text``."""
    deadline = time.monotonic() + 60
    user.goto(f"/sites/default/crons/{uid}/logs")
    while not user.page.locator(".mark", has_text=text).count():
        assert time.monotonic() < deadline, f"no entry marked {text!r}"
        time.sleep(0.5)
        user.goto(f"/sites/default/crons/{uid}/logs")


def test_backfill_and_the_log_marks(alice, stack):
    page = alice.page
    alice.login()
    add_cron(alice, "hello", "0 * * * *")
    uid = page.locator("#crons tbody tr").last.get_attribute("data-uid")
    edit_fields(alice, uid, "", retries="2")
    alice.goto(f"/sites/default/crons/{uid}/logs")
    page.click("button:text-is('Run now')")
    wait_for_mark(alice, uid, "attempt 1 of 3")

    alice.goto(f"/sites/default/crons/{uid}/backfill")
    page.fill("#f-start", "2026-01-01T00:00:00")
    page.fill("#f-end", "2026-01-02T05:00:00")
    page.click("button[value=preview]")
    assert page.locator("#backfill-count").inner_text() == "30"     # both ends included
    alice.shot("33-backfill-preview")
    page.click("#backfill-run")
    page.locator(".flashes", has_text="30 backfill runs of hello are queued").wait_for()
    alice.goto(f"/sites/default/crons/{uid}/backfill")
    alice.shot("34-backfill-going")
    cancel = page.locator("#backfill-left button[value=cancel]")
    assert cancel.count() or "backfill-left" not in page.content()
    if cancel.count():                             # the worker may have run them all
        cancel.click()
        page.locator(".flashes").wait_for()
        alice.shot("35-backfill-cancelled")
    wait_for_mark(alice, uid, "backfill")
    alice.shot("36-logs-marks")


def test_history_and_undo(alice, stack):
    page = alice.page
    alice.login()
    uid = uid_of(alice, "late")
    alice.goto("/sites/default/history")
    assert page.locator("tr.change").count() >= 3
    alice.shot("37-site-history")
    alice.goto(f"/sites/default/crons/{uid}/history")
    changes = page.locator("tr.change")
    assert changes.first.locator("td.what").inner_text().startswith("edit late: pause_note")
    alice.shot("38-cron-history")
    changes.first.locator("button:text-is('Undo')").click()
    page.locator(".flashes", has_text="is undone").wait_for()
    assert page.url.endswith(f"/crons/{uid}/history")
    assert page.locator("tr.change").first.locator("td").nth(4).inner_text().startswith("undo of")
    alice.shot("39-undone")
    page.locator("tr.change[data-kind=add] button:text-is('Undo')").click()
    error = page.locator("#undo-error")
    assert "since: undo it first" in error.inner_text()
    alice.shot("40-undo-refused")
    alice.goto("/sites/default")
    assert alice.row("late").first.get_attribute("data-state") != "paused"
