"""Alerts on the command line: the fields on add/edit/show, site defaults
(set, shown, dumped, loaded), ``zcron status`` and its exit statuses (a
cron a real worker's circuit breaker paused among them), and bad input
(exit 2, nothing written)."""
from datetime import datetime, timedelta

from cli_support import (UTC, Zcron, add_logs, cli_env, database, snapshot,  # noqa: F401
                         uri, zcron, zeo_storages)
from zcron import Runner, add_runner
from zcron.components import load_crontab

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


class Breaks(Runner):
    def run(self):
        raise RuntimeError("disk full")


def test_status_lists_a_cron_the_breaker_paused(zcron, uri, fake_clock):
    from zcron.db import open_db
    from zcron.worker import Worker
    from zcron.worker.breaker import is_auto_paused, note
    fake_clock.set(T0)
    zcron("site", "add", "default")
    uid = zcron("add", "breaks", "--cron", "0 0 1 1 *", "--pause-after-failures", "2",
                "--allow-unknown-runner").stdout.strip()
    add_runner("breaks", Breaks)
    for _ in range(2):
        zcron("run", "breaks")
        db = open_db(uri)
        try:
            Worker(db).run(until_idle=True, max_seconds=30)
        finally:
            db.close()
    with database(uri, commit=False) as root:
        cron = load_crontab(root.sites["default"]).get(uid)
        assert is_auto_paused(cron, fake_clock.now())
        assert cron.pause_note == note(2, fake_clock.now())
    result = zcron("status", status=1)          # its last run failed, too
    rows = [line.split(None, 2) for line in result.stdout.splitlines()]
    assert ["AUTO-PAUSED", "default/breaks"] in [row[:2] for row in rows]
    found = zcron.json("status", status=1)
    assert [e["text"] for e in found["auto_paused"]] == [note(2, fake_clock.now())]


def test_a_pause_by_hand_is_not_auto_paused(zcron, fake_clock):
    fake_clock.set(T0)
    zcron("site", "add", "default")
    zcron("add", "flaky", "--cron", "@hourly")
    zcron("pause", "flaky", "--note", "deploying")
    assert zcron.json("status")["auto_paused"] == []
