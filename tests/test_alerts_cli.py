"""Alerts on the command line: the fields on add/edit/show, site defaults
(set, shown, dumped, loaded), ``zcron status`` and its exit statuses, and
bad input (exit 2, nothing written)."""
from datetime import datetime, timedelta

from cli_support import (UTC, Zcron, add_logs, cli_env, snapshot, uri,  # noqa: F401
                         zcron, zeo_storages)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_fields_on_add_edit_show(zcron):
    zcron("site", "add", "default")
    uid = zcron("add", "backup", "--cron", "@daily", "--alert-no-success", "1d",
                "--alert-running", "30m").stdout.strip()
    shown = zcron.json("show", uid)
    assert (shown["alert_no_success"], shown["alert_running"]) == (86400, 1800)
    zcron("edit", uid, "--alert-running", "none")
    zcron("site", "defaults", "default", "--alert-running", "2h")
    text = zcron("show", uid).stdout
    assert "alert no success:  86400\n" in text
    assert "alert running:     7200 (site default)\n" in text
    assert "last success:      -" in text


def test_site_defaults_set_shown_dumped_loaded(zcron, tmp_path):
    zcron("site", "add", "default")
    zcron("site", "add", "copy")
    assert zcron.json("site", "defaults", "default") == {}
    zcron("site", "defaults", "default", "--alert-no-success", "1d")
    assert zcron("site", "defaults", "default").stdout == \
        "alert_no_success: 86400\nalert_running: -\nkeep_ok_for: -\nkeep_failures_for: -\n"
    zcron("add", "x", "--cron", "@daily")
    dump = zcron("dump").stdout
    zcron("load", "-", "--site", "copy", "--replace", input=dump)
    assert zcron.json("site", "defaults", "copy") == {"alert_no_success": 86400}
    zcron("site", "defaults", "default", "--alert-no-success", "none")
    assert zcron.json("site", "defaults", "default") == {}


def test_bad_input_writes_nothing(zcron, uri):
    zcron("site", "add", "default")
    uid = zcron("add", "x", "--cron", "@daily").stdout.strip()
    before = snapshot(uri)
    assert "'-5' is not a duration" in zcron.bad("edit", uid, "--alert-no-success", "-5")
    zcron.bad("add", "y", "--cron", "@daily", "--alert-running", "-1m")
    zcron.bad("site", "defaults", "default", "--alert-running", "-1d")
    zcron.bad("site", "defaults", "nowhere", "--alert-running", "1d")
    zcron.bad("status", "--site", "nowhere")
    assert snapshot(uri) == before


def test_status_exit_codes(zcron, uri, fake_clock):
    fake_clock.set(T0)
    zcron("site", "add", "default")
    zcron("site", "add", "shop")
    assert zcron("status").stdout == "all well: 0 crons in 2 sites checked\n"
    late = zcron("add", "late", "--cron", "@yearly", "--alert-no-success", "1h")
    zcron("add", "calm", "--cron", "@yearly", "--site", "shop")
    fake_clock.set(T0 + timedelta(minutes=30))
    assert zcron.json("status")["ok"] is True
    fake_clock.set(T0 + timedelta(hours=2))
    result = zcron("status", status=1)
    assert "OVERDUE" in result.stdout and "default/late" in result.stdout
    assert result.stdout.endswith("NOT WELL: 2 crons in 2 sites checked\n")
    assert zcron("status", "--site", "shop").stdout.startswith("all well: 1 cron ")
    found = zcron.json("status", status=1)
    assert [(e["cron"], e["since"]) for e in found["overdue"]] == \
        [("late", T0.isoformat())]
    assert late.stdout.strip() == found["overdue"][0]["uid"]
    add_logs(uri, found["overdue"][0]["uid"], "FAILURE")
    failing = zcron.json("status", status=1)["failing"]
    assert [e["cron"] for e in failing] == ["late"]
    zcron("disable", "late")             # switched off: nobody expects it to run
    assert zcron("status").stdout.startswith("all well")


def test_status_lists_auto_paused_without_failing(zcron, fake_clock):
    fake_clock.set(T0)
    zcron("site", "add", "default")
    zcron("add", "flaky", "--cron", "@hourly")
    zcron("pause", "flaky", "--note", "paused after 3 consecutive failures at "
          "2026-03-01 12:00 UTC")
    result = zcron("status")
    assert "AUTO-PAUSED" in result.stdout and "default/flaky" in result.stdout
    assert zcron.json("status")["auto_paused"][0]["text"].startswith("paused after 3")
