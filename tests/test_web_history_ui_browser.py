"""History at a glance in a real browser (the stack of test_web_browser:
Chromium, the dashboard and a worker on ZEO): crons imported with their
logs show their strip on the crontab, their chart on the logs page, and
their failures on the site's Recent failures page, filtered through its
form. Screenshots under artifacts/screenshots/ (history-*.png)."""
import json
from datetime import datetime, timedelta, timezone

import pytest

from test_web_browser import alice, chromium, stack  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

STATUSES = ["OK", "OK", "WARN", "OK", "FAILURE", "OK", "OK", "NOTRUN", "OK", "OK",
            "FAILURE", "OK", "WARN", "OK", "OK", "OK"]


def entry(now, hours_ago, status, i):
    fire = now - timedelta(hours=hours_ago)
    return {"date": (fire + timedelta(seconds=(i % 5) * 3)).isoformat(), "status": status,
            "fire_time": fire.isoformat(), "duration": None if status == "NOTRUN" else 2.0 + i,
            "messages": [f"{status.lower()} run {i}"],
            "traceback": "Traceback...\nOSError: disk full" if status == "FAILURE" else None}


def dump(now):
    nightly = [entry(now, 16 - i, s, i) for i, s in enumerate(STATUSES)]
    flaky = [entry(now, 30 - i, "FAILURE" if i % 2 else "OK", i) for i in range(6)]
    return {"crons": [
        {"uid": "d" * 32, "name": "nightly", "periodicity": "@yearly",
         "logs": list(reversed(nightly))},
        {"uid": "e" * 32, "name": "flaky", "periodicity": "@yearly",
         "logs": list(reversed(flaky))}]}


def test_strip_chart_and_recent_failures(alice, stack):
    page = alice.page
    alice.login()
    alice.goto("/sites/default/import")
    page.fill("#dump", json.dumps(dump(datetime.now(timezone.utc))))
    page.click("#preview-button")
    page.click("#apply")
    page.wait_for_url(alice.url + "/sites/default")

    marks = alice.row("nightly").locator(".strip-marks .mark")
    assert marks.count() == 16
    assert "st-ok" in marks.last.get_attribute("class")           # newest right
    assert marks.nth(4).get_attribute("title").startswith("FAILURE ")
    alice.shot("history-crontab-strip")

    alice.row("nightly").locator("a.cron-name").click()
    chart = page.locator("#timing-chart svg")
    chart.wait_for()
    assert chart.get_attribute("aria-label") == "Duration and lateness of the last 16 entries"
    assert page.locator("#timing-chart .series.duration circle").count() == 15
    alice.shot("history-logs-chart")

    page.click("a:text-is('Recent failures')")
    rows = page.locator("#failures tbody tr")
    assert rows.count() == 5                      # 2 of nightly, 3 of flaky
    page.fill("#failures-filter input[name=name]", "flaky")
    page.click("#failures-filter button[type=submit]")
    page.wait_for_url("**name=flaky**")
    assert rows.count() == 3
    assert page.locator("#failures a.cron-name").all_inner_texts() == ["flaky"] * 3
    alice.shot("history-recent-failures")
    assert alice.errors == []
