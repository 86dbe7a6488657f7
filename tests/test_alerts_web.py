"""Alerts on the dashboard: the fields in the form (bad ones refused, 422,
nothing saved), the overdue badges on the crontab and sites pages, and
the per-cron gauges in /metrics; the import applies a dump's site defaults
(and adds its calendars)."""
import json
import re

from zcron.components import load_crontab
from zcron.db import get_root
from zcron.model.defaults import site_defaults

from web_support import (NOW, alice, app, components, cron_of, db, ini,  # noqa: F401
                         read, shared_app)
from test_web_forms import VALID
from test_web_metrics import exposition

HELLO = "a" * 32


def set_limit(db, seconds):
    with db.transaction() as conn:
        crontab = load_crontab(get_root(conn).sites["default"])
        crontab.get(HELLO).edit(alert_no_success=seconds)
        crontab.save()


def test_form_fields(alice, db):
    edit = f"/sites/default/crons/{HELLO}/edit"
    assert 'name="alert_no_success"' in alice.get(edit).text
    res = alice.post(edit, dict(VALID, alert_no_success="86400", alert_running="600"))
    assert res.status_int == 303
    assert (cron_of(db)["alert_no_success"], cron_of(db)["alert_running"]) == (86400, 600)
    before = cron_of(db)
    res = alice.post(edit, dict(VALID, alert_no_success="-5"))
    assert res.status_int == 422 and "Nothing was saved" in res.text
    error = re.search(r'data-error-for="alert_no_success">(.*?)</small>', res.text).group(1)
    assert "expected a number of seconds" in error
    assert cron_of(db) == before


def test_overdue_badges_and_metrics(alice, db):
    # hello's last success (a WARN) was 30 minutes ago
    set_limit(db, 3600)
    assert "overdue</span>" not in alice.get("/sites/default").text
    assert "1 overdue" not in alice.get("/").text
    lines = exposition(alice.get("/metrics").text)
    labels = f'site="default",cron="hello",uid="{HELLO}"'
    assert f"zcron_cron_overdue{{{labels}}} 0" in lines
    stamp = read(db, lambda root: load_crontab(root.sites["default"]).get(HELLO)
                 .last_success.timestamp())
    assert f"zcron_cron_last_success_timestamp_seconds{{{labels}}} {stamp!r}" in lines
    assert stamp == (NOW.timestamp() - 30 * 60 + 0.5)
    set_limit(db, 600)
    page = alice.get("/sites/default").text
    assert 'class="badge st-failure overdue"' in page and ">overdue</span>" in page
    assert "1 overdue</span>" in alice.get("/").text
    assert f"zcron_cron_overdue{{{labels}}} 1" in exposition(alice.get("/metrics").text)


def test_import_applies_the_dumps_site_defaults(alice, db):
    def defaults():
        return read(db, lambda root: site_defaults(root.sites["default"]))
    before = defaults()
    dump = {"crons": [], "defaults": {"alert_no_success": 86400, "alert_running": 600}}
    form = {"dump": json.dumps(dump), "keep": "1"}
    preview = alice.post("/sites/default/import", form)
    assert 'id="import-defaults"' in preview.text and "<code>alert_running</code>" in preview.text
    assert "Nothing: the crontab already matches" not in preview.text
    assert defaults() == before                   # a preview writes nothing
    res = alice.post("/sites/default/import", dict(form, action="apply"))
    assert res.status_int == 303
    assert defaults() == dict(before, alert_no_success=86400, alert_running=600)
    again = alice.post("/sites/default/import", form).text
    assert "Nothing: the crontab already matches" in again and "import-defaults" not in again


def test_import_adds_the_dumps_calendars(alice, db):
    def calendars():
        return read(db, lambda root: {name: c.dump()["dates"] for name, c in
                                      load_crontab(root.sites["default"]).calendars().items()})
    dump = {"calendars": [{"name": "hol", "dates": ["2026-12-25"]}],
            "crons": [{"name": "new", "periodicity": "@daily", "exclude": ["hol"]}]}
    form = {"dump": json.dumps(dump), "keep": "1"}
    assert "Calendars added:" in alice.post("/sites/default/import", form).text
    assert alice.post("/sites/default/import", dict(form, action="apply")).status_int == 303
    assert calendars()["hol"] == ["2026-12-25"]
    other = dict(dump, calendars=[{"name": "hol", "dates": ["2026-12-26"]}], crons=[])
    res = alice.post("/sites/default/import", {"dump": json.dumps(other), "action": "apply"})
    assert res.status_int == 422
    assert re.search(r"id=\"import-error\">([^<]*)<", res.text).group(1) == \
        "invalid calendar 'hol': the site has other rules under that name"
    assert calendars()["hol"] == ["2026-12-25"]
