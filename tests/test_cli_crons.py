"""zcron.cli.crons: zcron add, edit, remove, enable, disable, pause, resume
and run.
"""
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cli_support import (UTC, Zcron, cli_env, database, json_crontab, pending,  # noqa: F401
                         populated, snapshot, uri, zcron, zeo_storages)


class TestAdd:

    def test_add_prints_the_uid(self, zcron, uri):
        zcron("site", "add", "default")
        uid = zcron("add", "hello", "--cron", "*/5 * * * *").stdout.strip()
        assert len(uid) == 32
        [job] = pending(uri, uid=uid)
        assert job.kind == "schedule"
        crontab = snapshot(uri)["sites"]["default"][2]
        assert crontab["crons"][0]["uid"] == uid

    def test_every_option(self, zcron):
        zcron("site", "add", "shop")
        data = zcron.json(
            "add", "report", "--cron", "0 8 * * MON-FRI", "--tz", "Europe/Zurich",
            "--environ", '{"days": 7, "to": ["a@b.c"]}', "--inactive", "--site", "shop",
            "--missed", "all", "--catchup-window", "2h", "--overlap", "queue-one",
            "--timeout", "5m", "--warn-after", "90", "--retries", "3",
            "--retry-backoff", "1.5", "--jitter", "30s", "--retry-interrupted",
            "--logs-limit", "50", "--isolation", "process", "--max-memory", "512",
            "--alert-no-success", "1d", "--alert-running", "1h",
            "--pause-after-failures", "4", "--keep-ok-for", "7d",
            "--keep-failures-for", "90d")
        assert data == {
            "uid": data["uid"], "name": "report", "user": "", "activated": False,
            "periodicity": "0 8 * * MON-FRI", "timezone": "Europe/Zurich",
            "logs_limit": 50, "environ": {"days": 7, "to": ["a@b.c"]}, "missed": "all",
            "catchup_window": 7200, "overlap": "queue-one", "timeout": 300,
            "warn_after": 90, "retries": 3, "retry_backoff": 1.5, "jitter": 30,
            "retry_interrupted": True, "paused_until": None, "pause_note": "",
            "start": None, "end": None, "max_runs": None, "exclude": [], "declared": "",
            "isolation": "process", "max_memory": 512, "alert_no_success": 86400,
            "alert_running": 3600, "pause_after_failures": 4, "keep_ok_for": 604800,
            "keep_failures_for": 7776000, "logs": []}

    def test_defaults(self, zcron):
        zcron("site", "add", "default")
        data = zcron.json("add", "x", "--cron", "@daily")
        assert (data["timezone"], data["activated"], data["environ"]) == ("UTC", True, {})
        assert (data["missed"], data["overlap"], data["timeout"]) == ("once", "skip", None)

    @pytest.mark.parametrize("text,seconds", [
        ("90", 90), ("1.5", 1.5), ("30s", 30), ("5m", 300), ("2min", 120),
        ("2h", 7200), ("1d", 86400), ("0.5M", 30), ("1e2", 100)])
    def test_durations(self, zcron, text, seconds):
        zcron("site", "add", "default")
        assert zcron.json("add", "x", "--cron", "@daily", "--jitter", text)["jitter"] \
            == seconds

    def test_bad_durations(self, zcron, uri):
        zcron("site", "add", "default")
        before = snapshot(uri)
        for text in ("abc", "-5", "1e400", "5 weeks", "none"):
            err = zcron.bad("add", "x", "--cron", "@daily", "--jitter", text)
            assert "is not a duration" in err
        assert "'none' for no limit" in zcron.bad("add", "x", "--cron", "@daily",
                                                  "--timeout", "forever")
        assert "invalid timeout 0" in zcron.bad("add", "x", "--cron", "@daily",
                                               "--timeout", "0")
        assert "not in the range" in zcron.bad("add", "x", "--cron", "@daily",
                                              "--logs-limit", "0")
        assert "'sometimes' is not one of" in zcron.bad(
            "add", "x", "--cron", "@daily", "--missed", "sometimes")
        assert snapshot(uri) == before


class TestEdit:

    def test_edit_fields(self, zcron, uri, populated):
        uid = populated["hello"]
        [before] = pending(uri, uid=uid)
        out = zcron("edit", "hello", "--cron", "0 9 * * *", "--tz", "America/New_York",
                    "--environ", '{"a": 1}', "--timeout", "1m", "--jitter", "0").stdout
        assert out == (f"edited hello ({uid}): environ, jitter, periodicity, "
                       "timeout, timezone\n")
        data = zcron.json("show", uid)
        assert (data["periodicity"], data["timezone"], data["environ"], data["timeout"]) \
            == ("0 9 * * *", "America/New_York", {"a": 1}, 60)
        [after] = pending(uri, uid=uid)
        # 9:00 in New York (from 13:55 to 14:00 UTC the old */5 had it too)
        local = after.fire_time.astimezone(ZoneInfo("America/New_York"))
        assert (local.hour, local.minute) == (9, 0)
        assert after.fire_time >= before.fire_time      # no earlier than */5's next
        assert len(data["logs"]) == 4                   # logs are kept

    def test_rename_and_clear(self, zcron, populated):
        uid = populated["hello"]
        zcron("edit", uid, "--timeout", "10", "--warn-after", "5")
        data = zcron.json("edit", uid, "--name", "renamed", "--timeout", "none",
                          "--warn-after", "off", "--no-retry-interrupted")
        assert (data["name"], data["timeout"], data["warn_after"]) == ("renamed", None, None)
        assert data["retry_interrupted"] is False
        assert zcron.json("show", "renamed")["uid"] == uid
        zcron.bad("show", "hello")

    def test_nothing_is_changed_unless_all_is_valid(self, zcron, uri, populated):
        before = snapshot(uri)
        assert "invalid time zone" in zcron.bad(
            "edit", "hello", "--cron", "0 9 * * *", "--tz", "Mars/Olympus_Mons")
        assert "invalid cron expression" in zcron.bad(
            "edit", "hello", "--cron", "61 * * * *", "--name", "new")
        assert "invalid environ" in zcron.bad("edit", "hello", "--environ", '"text"')
        assert "invalid name" in zcron.bad("edit", "hello", "--name", "  ")
        assert "nothing to change" in zcron.bad("edit", "hello")
        assert "read-only" in zcron.bad("edit", "a" * 32, "--site", "ro", "--jitter", "1")
        assert snapshot(uri) == before


class TestRemoveAndSwitches:

    def test_remove(self, zcron, uri, populated):
        uid = populated["hello"]
        assert zcron("remove", "hello").stdout == f"removed hello ({uid})\n"
        assert pending(uri, uid=uid) == []
        twin = zcron.json("remove", populated["twin1"])
        assert twin["uid"] == populated["twin1"]
        assert twin["periodicity"] in ("@daily", "0 0 * * *")
        assert [c["name"] for c in zcron.json("list")] == ["twin", "off"]

    def test_remove_then_load_back(self, zcron, uri, populated, tmp_path):
        data = zcron.json("remove", "hello")
        assert len(data["logs"]) == 4
        (tmp_path / "one.json").write_text(json.dumps([data]))
        zcron("load", tmp_path / "one.json")
        assert zcron.json("show", "hello")["logs"] == data["logs"]

    def test_disable_enable(self, zcron, uri, populated):
        uid = populated["hello"]
        assert zcron("disable", "hello").stdout == f"disabled hello ({uid})\n"
        assert pending(uri, uid=uid) == []
        assert zcron.json("show", "hello")["state"] == "off"
        assert zcron.json("enable", uid)["activated"] is True
        assert len(pending(uri, uid=uid)) == 1
        assert zcron("enable", "off").stdout.startswith("enabled off")

    def test_pause_forever_and_resume(self, zcron, uri, populated):
        uid = populated["hello"]
        out = zcron("pause", "hello", "--note", "migration").stdout
        assert out == f"paused hello ({uid}) until resumed\n"
        assert pending(uri, uid=uid) == []
        data = zcron.json("show", "hello")
        assert (data["state"], data["pause_note"]) == ("paused", "migration")
        assert data["next_runs"] == []
        assert zcron("resume", "hello").stdout == f"resumed hello ({uid})\n"
        assert len(pending(uri, uid=uid)) == 1
        assert zcron.json("resume", "hello")["paused_until"] is None

    def test_pause_until_in_the_crons_zone(self, zcron, uri, populated):
        """A time without offset is read on the cron's wall clock."""
        out = zcron("pause", "hello", "--until", "2099-07-01T08:00").stdout
        assert out.endswith("until 2099-07-01 08:00 CEST (+02:00)\n")
        data = zcron.json("show", "hello")
        assert data["paused_until"] == "2099-07-01T06:00:00+00:00"
        assert data["next_runs"][0].startswith("2099-07-01T08:05:00")
        [job] = pending(uri, uid=populated["hello"])
        assert job.fire_time == datetime(2099, 7, 1, 6, 5, tzinfo=UTC)
        zcron("pause", "hello", "--until", "2099-07-01T08:00Z")
        assert zcron.json("show", "hello")["paused_until"] == "2099-07-01T08:00:00+00:00"
        zcron("pause", "hello", "--until", "2099-07-01T08:00-05:00")
        assert zcron.json("show", "hello")["paused_until"] == "2099-07-01T13:00:00+00:00"

    def test_pause_relative(self, zcron, populated):
        from zcron.cli.params import parse_time
        data = zcron.json("pause", "hello", "--until", "+2h")
        until = datetime.fromisoformat(data["paused_until"])
        expected = datetime.now(UTC) + timedelta(hours=2)
        assert abs((until - expected).total_seconds()) < 60
        assert parse_time("+1d", "until", "UTC", relative=True) > expected

    def test_pause_bad_input(self, zcron, uri, populated):
        before = snapshot(uri)
        assert "expected an ISO 8601" in zcron.bad("pause", "hello", "--until", "soon")
        assert "+2h" in zcron.bad("pause", "hello", "--until", "")
        assert "is in the past" in zcron.bad("pause", "hello", "--until", "2020-01-01")
        assert "expected +DURATION" in zcron.bad("pause", "hello", "--until", "+2x")
        assert "2 crons have this name" in zcron.bad("pause", "twin")
        assert snapshot(uri) == before


class TestRun:

    def test_run_queues_a_manual_job(self, zcron, uri, populated):
        uid = populated["hello"]
        out = zcron("run", "hello").stdout
        assert out.startswith(f"queued a run of hello ({uid}) due now (")
        assert out.endswith("); a worker will run it\n")
        assert "CET (+01:00)" in out or "CEST (+02:00)" in out
        kinds = sorted(job.kind for job in pending(uri, uid=uid))
        assert kinds == ["manual", "schedule"]
        data = zcron.json("run", populated["twin1"])
        assert (data["kind"], data["name"], data["site"]) == ("manual", "twin", "default")
        datetime.fromisoformat(data["due"])

    def test_refused_when_it_would_not_run(self, zcron, uri, populated):
        before = snapshot(uri)
        assert "it is disabled" in zcron.bad("run", "off")
        assert snapshot(uri) == before
        zcron("pause", "hello")
        zcron("crontab", "disable")
        off = snapshot(uri)
        assert "the crontab of site 'default' is disabled" in zcron.bad("run", "hello")
        assert snapshot(uri) == off
        zcron("crontab", "enable")
        paused = snapshot(uri)
        assert "it is paused" in zcron.bad("run", "hello")
        assert snapshot(uri) == paused
        assert before != paused

    def test_run_on_a_read_only_site(self, zcron, uri, populated):
        """Running a cron changes the queue, not the crontab: allowed."""
        assert zcron.json("run", "report", "--site", "ro")["kind"] == "manual"


class TestSchedule:

    def test_schedule_and_its_old_name(self, zcron, uri):
        zcron("site", "add", "default")
        uid = zcron("add", "hello", "--schedule", "*/5 * * * *").stdout.strip()
        assert zcron.json("show", uid)["periodicity"] == "*/5 * * * *"
        zcron("edit", "hello", "--schedule", "@daily")
        assert zcron.json("show", uid)["periodicity"] == "@daily"
        zcron("edit", "hello", "--cron", "@hourly")
        assert zcron.json("show", uid)["periodicity"] == "@hourly"
        zcron("add", "other", "--cron", "@daily")
        assert "any kind of schedule" in zcron("add", "--help").stdout

    def test_bad_schedule(self, zcron, uri):
        zcron("site", "add", "default")
        before = snapshot(uri)
        assert "'bad'" in zcron.bad("add", "x", "--schedule", "bad")
        assert snapshot(uri) == before

    def test_the_kind_next_to_the_text(self, zcron, populated):
        [hello] = [c for c in zcron.json("list") if c["name"] == "hello"]
        keys = list(hello)
        assert keys[keys.index("periodicity") + 1] == "kind"
        assert hello["kind"] == "cron"
        shown = zcron.json("show", "hello")
        keys = list(shown)
        assert keys[keys.index("periodicity") + 1] == "kind"
        assert shown["kind"] == "cron"
        assert "kind:" in zcron("show", "hello").stdout.split("\n")[5]


class TestBounds:
    def test_add_with_bounds_read_in_the_crons_zone(self, zcron, uri):
        zcron("site", "add", "default")
        zcron("calendar", "add", "quiet", "--yearly", "12-25")
        data = zcron.json("add", "job", "--cron", "@daily", "--tz", "Europe/Zurich",
                          "--start", "2099-01-01T08:00", "--end", "2099-02-01T00:00Z",
                          "--max-runs", "5", "--exclude", "quiet")
        assert (data["start"], data["end"]) == ("2099-01-01T07:00:00+00:00",
                                                "2099-02-01T00:00:00+00:00")
        assert (data["max_runs"], data["exclude"]) == (5, ["quiet"])
        [job] = pending(uri, uid=data["uid"])
        assert job.fire_time == datetime(2099, 1, 1, 23, tzinfo=UTC)   # midnight in Zurich

    def test_edit_sets_and_clears(self, zcron, populated):
        zcron("calendar", "add", "quiet", "--date", "2099-01-01")
        data = zcron.json("edit", "hello", "--end", "2099-01-01T00:00", "--max-runs", "9",
                          "--exclude", "quiet")
        assert (data["end"], data["max_runs"], data["exclude"]) == \
            ("2098-12-31T23:00:00+00:00", 9, ["quiet"])
        data = zcron.json("edit", "hello", "--end", "none", "--max-runs", "none", "--no-exclude")
        assert (data["end"], data["max_runs"], data["exclude"]) == (None, None, [])
        out = zcron("edit", "hello", "--start", "2099-01-01T00:00").stdout
        assert out.startswith("edited hello") and out.strip().endswith(": start")

    @pytest.mark.parametrize("args, message", [
        (["add", "x", "--cron", "@daily", "--start", "2099-02-01", "--end", "2099-01-01"],
         "invalid end '2099-01-01T00:00:00+00:00': is before the start"),
        (["edit", "hello", "--end", "2000-01-01T00:00Z", "--start", "2001-01-01T00:00Z"],
         "invalid end"),
        (["add", "x", "--cron", "@daily", "--max-runs", "0"], "invalid max_runs 0"),
        (["edit", "hello", "--max-runs", "many"], "invalid max_runs 'many'"),
        (["add", "x", "--cron", "@daily", "--start", "soon"], "invalid start 'soon'"),
        (["edit", "hello", "--end", "2099-13-01"], "invalid end '2099-13-01'"),
        (["add", "x", "--cron", "@daily", "--exclude", "nope"], "invalid calendar 'nope'"),
    ])
    def test_bad_input_exit_2_nothing_written(self, zcron, uri, populated, args, message):
        before = snapshot(uri)
        assert message in zcron.bad(*args)
        assert snapshot(uri) == before
