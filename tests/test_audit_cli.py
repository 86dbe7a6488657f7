"""zcron.cli.history: every changing command records who (--as, else
USER@HOST) and why (--note); zcron history and zcron undo; bad input
exits 2 with the database unchanged.
"""
import getpass
import json
import socket

import pytest

from cli_support import (cli_env, database, snapshot, uri, zcron,  # noqa: F401
                         zeo_storages)

ME = f"{getpass.getuser()}@{socket.gethostname()}"


def history(zcron, *args):
    return list(reversed(zcron.json("history", *args)))


def brief(zcron, *args):
    return [(c["id"], c["kind"], c["name"], c["who"], c["note"], c["fields"])
            for c in history(zcron, *args)]


@pytest.fixture
def site(zcron):
    zcron("site", "add", "default")


def test_every_changing_command_records(zcron, site):
    uid = zcron("add", "backup", "--schedule", "@daily", "--as", "alice",
                "--note", "new").stdout.strip()
    zcron("edit", "backup", "--timeout", "5m", "--note", "slow disk")
    zcron("pause", "backup", "--note", "disk full", "--as", "bob")
    zcron("resume", "backup", "--as", "bob")
    zcron("disable", "backup", "--note", "off for now")
    zcron("enable", uid)
    zcron("remove", "backup", "--as", "carol", "--note", "not needed")
    zcron("crontab", "disable", "--note", "freeze")
    paused = "9999-12-31T23:59:59+00:00"
    assert brief(zcron) == [
        (1, "add", "backup", "alice", "new", {}),
        (2, "edit", "backup", ME, "slow disk", {"timeout": [None, 300]}),
        (3, "edit", "backup", "bob", "disk full",
         {"paused_until": [None, paused], "pause_note": ["", "disk full"]}),
        (4, "edit", "backup", "bob", "",
         {"paused_until": [paused, None], "pause_note": ["disk full", ""]}),
        (5, "edit", "backup", ME, "off for now", {"activated": [True, False]}),
        (6, "edit", "backup", ME, "", {"activated": [False, True]}),
        (7, "remove", "backup", "carol", "not needed", {}),
        (8, "edit", "crontab", ME, "freeze", {"activated": [True, False]})]


def test_zodb_tells_the_same_story(zcron, uri, site):
    zcron("add", "backup", "--schedule", "@daily", "--as", "alice", "--note", "new")
    with database(uri, commit=False) as root:
        [last] = root._p_jar.db().undoLog(0, 1)
    assert last["user_name"] == "alice"
    assert last["description"] == ("zcron add backup --site default\n"
                                   "zcron changes 1 by alice: add backup; note: new")


def test_load_records_each_cron(zcron, site, tmp_path):
    zcron("add", "kept", "--schedule", "@daily")
    dump = json.loads(zcron("dump").stdout)
    dump["crons"][0]["timeout"] = 9
    dump["crons"].append({"name": "more", "periodicity": "@hourly"})
    path = tmp_path / "dump.json"
    path.write_text(json.dumps(dump))
    zcron("load", path, "--replace", "--as", "deploy", "--note", "release 7")
    assert [c[1:5] for c in brief(zcron)] == [
        ("add", "kept", ME, ""), ("edit", "kept", "deploy", "release 7"),
        ("add", "more", "deploy", "release 7")]
    assert history(zcron)[1]["fields"] == {"timeout": [None, 9]}


def test_history_table_and_filters(zcron, site):
    zcron("add", "backup", "--schedule", "@daily", "--as", "alice", "--note", "new")
    zcron("add", "report", "--schedule", "@hourly")
    zcron("edit", "backup", "--retries", "2")
    zcron("remove", "report")
    lines = zcron("history").stdout.splitlines()
    assert lines[0].split() == ["ID", "WHEN", "WHO", "WHAT", "NOTE"]
    assert lines[1].split()[0] == "4" and "remove report" in lines[1]
    assert "edit backup: retries 0 -> 2" in lines[2]
    assert "UTC (+00:00)" in lines[-1] and "alice" in lines[-1] and lines[-1].endswith("new")
    assert [c["id"] for c in history(zcron, "backup")] == [1, 3]
    assert [c["id"] for c in history(zcron, "report")] == [2, 4]    # a removed cron too
    assert [c["id"] for c in history(zcron, "--limit", "2")] == [3, 4]
    assert zcron("history", "--site", "default", "nothing").stdout.strip() \
        == "(no change recorded)"


def test_undo_each_kind(zcron, site):
    uid = zcron("add", "backup", "--schedule", "@daily", "--timeout", "5").stdout.strip()
    zcron("edit", "backup", "--timeout", "60")
    assert zcron("undo", "2", "--as", "alice", "--note", "too long").stdout.strip() \
        == "undone change 2 (edit backup)"
    assert zcron.json("show", "backup")["timeout"] == 5
    zcron("remove", "backup")
    zcron("undo", "4")
    assert zcron.json("show", uid)["timeout"] == 5       # back, with its uid and settings
    zcron("undo", "5")                                   # the undo's own add
    assert "backup" not in zcron("list").stdout
    assert [c[1:5] for c in brief(zcron)][2:] == [
        ("edit", "backup", "alice", "undo of change 2: too long"),
        ("remove", "backup", ME, ""), ("add", "backup", ME, "undo of change 4"),
        ("remove", "backup", ME, "undo of change 5")]


def test_undo_refused_after_an_overlapping_change(zcron, uri, site):
    zcron("add", "backup", "--schedule", "@daily")
    zcron("edit", "backup", "--timeout", "60")
    zcron("edit", "backup", "--timeout", "90", "--as", "dave")
    before = snapshot(uri)
    error = zcron.bad("undo", "2")
    assert error.strip() == ("zcron: error: invalid change 2: change 3 (edit of backup "
                             "by dave) changed timeout since: undo it first")
    assert snapshot(uri) == before


@pytest.mark.parametrize("args", [("undo", "99"), ("undo", "x"), ("undo", "1", "--site", "no"),
                                  ("history", "--site", "no"), ("history", "--limit", "0")])
def test_bad_input(zcron, uri, site, args):
    zcron("add", "backup", "--schedule", "@daily")
    before = snapshot(uri)
    zcron.bad(*args)
    assert snapshot(uri) == before



def test_calendar_changes_are_recorded_and_undone(zcron, site):
    zcron("calendar", "add", "holidays", "--date", "2026-12-25", "--as", "alice",
          "--note", "xmas")
    zcron("calendar", "add", "holidays", "--replace", "--date", "2026-12-26",
          "--yearly", "01-01", "--note", "boxing day")
    found = history(zcron)
    assert found[0]["uid"] == "calendar:holidays" and found[0]["dump"]["dates"] == ["2026-12-25"]
    assert found[1]["fields"] == {"dates": [["2026-12-25"], ["2026-12-26"]],
                                  "yearly": [[], ["01-01"]]}
    assert "edit calendar holidays: dates" in zcron("history").stdout
    zcron("undo", "2", "--note", "boxing day is open")       # the edit: the old rules
    shown = zcron.json("calendar", "show", "holidays")
    assert (shown["dates"], shown["yearly"]) == (["2026-12-25"], [])
    zcron("calendar", "remove", "holidays", "--note", "open all year")
    zcron("undo", "4")                    # the removal: back with its rules
    assert zcron.json("calendar", "show", "holidays")["dates"] == ["2026-12-25"]
    assert [c[:5] for c in brief(zcron)] == [
        (1, "add", "calendar holidays", "alice", "xmas"),
        (2, "edit", "calendar holidays", ME, "boxing day"),
        (3, "edit", "calendar holidays", ME, "undo of change 2: boxing day is open"),
        (4, "remove", "calendar holidays", ME, "open all year"),
        (5, "add", "calendar holidays", ME, "undo of change 4")]
    assert zcron.bad("undo", "4").endswith("changed the calendar since: undo it first\n")


def test_calendar_undo_refused(zcron, uri, site):
    zcron("calendar", "add", "holidays", "--date", "2026-12-25")
    zcron("calendar", "add", "holidays", "--replace", "--date", "2026-12-26")
    zcron("calendar", "add", "lunch", "--blackout", "0 12 * * * for 1h")
    zcron("add", "report", "--schedule", "@daily", "--exclude", "lunch")
    before = snapshot(uri)
    assert zcron.bad("undo", "1").endswith(
        f"change 2 (edit of calendar holidays by {ME}) changed dates since: undo it first\n")
    assert "still excluded by the crons report" in zcron.bad("undo", "3")
    assert snapshot(uri) == before
