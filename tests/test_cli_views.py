"""zcron.cli.views: zcron list, show and next."""
from datetime import datetime, timedelta

from cli_support import (UTC, Zcron, cli_env, database, json_crontab, pending,  # noqa: F401
                         populated, snapshot, uri, zcron, zeo_storages)


class TestList:

    def test_table(self, zcron, populated):
        lines = zcron("list").stdout.splitlines()
        assert lines[0].split() == ["NAME", "STATE", "SCHEDULE", "NEXT", "RUN", "LAST",
                                    "RUN", "STATUS", "DURATION", "UID"]
        hello = lines[1]
        assert hello.startswith("hello  on     */5 * * * * (Europe/Zurich)")
        assert " ago  2026-01-05 09:03 CET (+01:00)  OK      4.50s" in hello
        assert hello.endswith("  " + populated["hello"][:8])       # the short uid
        off = lines[4]
        assert off.split()[:2] == ["off", "off"]
        assert " -  " in off                   # no next run, no last run

    def test_utc(self, zcron, populated):
        line = zcron("list", "--utc").stdout.splitlines()[1]
        assert "2026-01-05 08:03 UTC (+00:00)" in line

    def test_json(self, zcron, populated):
        crons = zcron.json("list")
        assert [c["name"] for c in crons] == ["hello", "twin", "twin", "off"]
        hello = crons[0]
        assert "logs" not in hello
        assert (hello["state"], hello["last_status"], hello["last_duration"]) == (
            "on", "OK", 4.5)
        assert hello["last_run"] == "2026-01-05T09:03:00+01:00"
        assert datetime.fromisoformat(hello["next_run"]).utcoffset() in (
            timedelta(hours=1), timedelta(hours=2))
        assert crons[3]["next_run"] is None and crons[3]["last_run"] is None
        utc = zcron.json("list", "--utc")[0]
        assert utc["last_run"] == "2026-01-05T08:03:00+00:00"

    def test_filter_by_name(self, zcron, populated):
        assert [c["uid"] for c in zcron.json("list", "--name", "twin")] == [
            populated["twin1"], populated["twin2"]]
        assert zcron.json("list", "--name", "nobody") == []

    def test_paused_with_note_and_disabled_crontab(self, zcron, populated):
        zcron("pause", "hello", "--note", "db upgrade")
        assert zcron.json("list")[0]["next_run"] is None
        zcron("crontab", "disable")
        result = zcron("list")
        assert "hello  paused (db upgrade)" in result.stdout
        assert result.stderr == ("note: the crontab of site 'default' is disabled: "
                                 "no cron runs (zcron crontab enable)\n")
        assert all(c["next_run"] is None for c in zcron.json("list"))

    def test_next_run_from_the_schedule_when_nothing_is_queued(self, zcron, uri,
                                                               populated):
        """A json site's crons before any worker synchronised it, say."""
        from zcron.components import queue_for
        with database(uri) as root:
            queue_for(root).clear_site("ro")
        [report] = zcron.json("list", "--site", "ro")
        assert report["next_run"].endswith(("T06:00:00+01:00", "T06:00:00+02:00"))

    def test_more_than_a_page_streams_every_cron_in_order(self, zcron, uri):
        from zcron.cli.output import PAGE
        from zcron.components import load_crontab
        from zcron.model import Cron
        zcron("site", "add", "default")
        with database(uri) as root:
            crontab = load_crontab(root.get_site("default"))
            uids = [crontab.add_cron(Cron(f"c{n:03d}", "@daily")).uid
                    for n in range(PAGE + 20)]
            crontab.save()
        assert [c["uid"] for c in zcron.json("list")] == uids
        lines = zcron("list").stdout.splitlines()
        assert len(lines) == PAGE + 21 and lines[-1].startswith(f"c{PAGE + 19:03d}  on")

    def test_empty(self, zcron):
        zcron("site", "add", "default")
        assert zcron("list").stdout == (
            "(no crons in site 'default'; add one with: zcron add NAME --cron EXPR)\n")
        assert zcron.json("list") == []


class TestShow:

    def test_text(self, zcron, uri, populated):
        zcron("edit", "hello", "--jitter", "30", "--environ", '{"days": 7}')
        zcron("run", "hello")
        out = zcron("show", "hello").stdout
        lines = out.splitlines()
        assert lines[0] == "name:              hello"
        assert lines[1] == f"uid:               {populated['hello']}"
        assert "state:             on" in lines
        assert "schedule:          */5 * * * *  (every 5 minutes)" in lines
        assert "time zone:         Europe/Zurich" in lines
        assert 'environ:           {"days": 7}' in lines
        assert "retries:           0 (backoff 60)" in lines
        assert any(line.startswith("jitter:            30 (this cron: +") for line in lines)
        assert "timeout:           -" in lines
        assert "retry interrupted: no" in lines
        queued = [line for line in lines if "(manual)" in line or "(schedule)" in line]
        assert len(queued) == 2
        next_runs = lines.index(next(line for line in lines if line.startswith("next runs:")))
        assert all("(+0" in line for line in lines[next_runs:next_runs + 5])
        assert lines[next_runs + 5].startswith("last runs:")
        assert lines[next_runs + 6].split() == ["DATE", "STATUS", "DURATION", "MESSAGE"]
        assert lines[next_runs + 7].startswith("  ")
        assert " ago  2026-01-05 09:03 CET (+01:00)  OK" in lines[next_runs + 7]
        assert lines[next_runs + 7].endswith("ok 3 (+1 more)")
        assert len(lines) == next_runs + 11

    def test_text_utc_paused_and_off(self, zcron, populated):
        zcron("pause", "hello", "--until", "2099-01-01T00:00", "--note", "why")
        zcron("crontab", "disable")
        out = zcron("show", "hello", "--utc").stdout
        assert ("state:             paused until 2098-12-31 23:00 UTC (+00:00) (why); "
                "the site's crontab is off: no run") in out
        assert "queued:            nothing" in out
        assert "next runs:         none" in out
        zcron("pause", "off")
        assert "state:             off" in zcron("show", "off").stdout
        zcron("crontab", "enable")
        zcron("pause", "hello")
        assert "state:             paused until resumed (why)" not in zcron("show",
                                                                          "hello").stdout
        assert "state:             paused until resumed\n" in zcron("show", "hello").stdout

    def test_no_logs(self, zcron, populated):
        out = zcron("show", "off").stdout
        assert out.endswith("last runs:         none\n")

    def test_json(self, zcron, populated):
        data = zcron.json("show", populated["hello"])
        for key in ("uid", "name", "periodicity", "timezone", "environ", "logs",
                    "missed", "overlap", "timeout", "paused_until"):
            assert key in data
        assert (data["site"], data["state"], data["description"]) == (
            "default", "on", "every 5 minutes")
        assert len(data["next_runs"]) == 5 and len(data["queued"]) == 1
        assert data["queued"][0]["kind"] == "schedule"
        assert [log["status"] for log in data["logs"]] == ["OK", "WARN", "FAILURE", "OK"]
        utc = zcron.json("show", "hello", "--utc")
        assert all(t.endswith("+00:00") for t in utc["next_runs"])

    def test_unknown_and_ambiguous(self, zcron, uri, populated):
        before = snapshot(uri)
        assert "invalid cron 'nope': no such cron in site 'default'" in zcron.bad(
            "show", "nope")
        assert "2 crons have this name; give the uid" in zcron.bad("show", "twin")
        assert "no such site" in zcron.bad("show", "hello", "--site", "nope")
        assert snapshot(uri) == before


class TestNext:

    def test_expression(self):
        out = Zcron()("next", "--cron", "30 2 * * *", "--tz", "Europe/Zurich",
                      "--after", "2026-03-28", "-n", "3").stdout
        assert out == ("2026-03-28 02:30 CET (+01:00)\n"
                       "2026-03-29 03:00 CEST (+02:00)\n"          # the DST gap
                       "2026-03-30 02:30 CEST (+02:00)\n")

    def test_expression_json_utc_and_seconds(self):
        z = Zcron()
        assert z.json("next", "--cron", "*/20 * * * * *", "--after",
                      "2026-01-01T00:00:00Z", "-n", "2") == [
            "2026-01-01T00:00:20+00:00", "2026-01-01T00:00:40+00:00"]
        out = z("next", "--cron", "*/20 * * * * *", "--after", "2026-01-01T00:00:00Z",
                "-n", "1").stdout
        assert out == "2026-01-01 00:00:20 UTC (+00:00)\n"
        assert z.json("next", "--cron", "0 8 * * *", "--tz", "Asia/Kolkata",
                      "--after", "2026-01-01T00:00+05:30", "-n", "1", "--utc") == [
            "2026-01-01T02:30:00+00:00"]

    def test_default_now(self):
        [first] = Zcron().json("next", "--cron", "* * * * *", "-n", "1")
        delta = datetime.fromisoformat(first) - datetime.now(UTC)
        assert timedelta(0) < delta <= timedelta(minutes=1)

    def test_saved_cron_with_jitter_and_pause(self, zcron, populated):
        zcron("edit", "hello", "--jitter", "60")
        times = zcron.json("next", "hello", "--after", "2099-01-01T00:00", "-n", "3")
        starts = [datetime.fromisoformat(t) for t in times]
        assert [t.minute // 5 for t in starts] == [1, 2, 3]
        assert len({t.second + t.microsecond / 1e6 for t in starts}) == 1   # same jitter
        zcron("pause", "hello", "--until", "2099-01-01T10:00")
        [first] = zcron.json("next", "hello", "--after", "2099-01-01T00:00", "-n", "1")
        assert first.startswith("2099-01-01T10:05:")
        out = zcron("next", "hello", "--after", "2099-01-01T00:00", "-n", "1", "--utc")
        assert out.stdout.startswith("2099-01-01 09:05")

    def test_saved_cron_off(self, zcron, populated):
        result = zcron("next", "off", "-n", "2")
        assert len(result.stdout.splitlines()) == 2
        assert result.stderr.startswith("note: this cron is off")

    def test_no_fire_time(self, zcron, populated):
        zcron("pause", "hello")
        assert zcron("next", "hello").stdout == "(no fire time)\n"
        assert zcron.json("next", "hello") == []

    def test_bad_input(self, zcron, uri, populated):
        before = snapshot(uri)
        assert "give either a CRON or --cron" in zcron.bad("next")
        assert "give either a CRON or --cron" in zcron.bad("next", "hello", "--cron", "@daily")
        assert "--tz goes with --cron" in zcron.bad("next", "hello", "--tz", "UTC")
        assert "invalid cron expression" in zcron.bad("next", "--cron", "* * *")
        assert "invalid time zone" in zcron.bad("next", "--cron", "@daily", "--tz", "Nope")
        assert "invalid after" in zcron.bad("next", "--cron", "@daily", "--after", "x")
        assert "invalid after" in zcron.bad("next", "hello", "--after", "x")
        assert "not in the range" in zcron.bad("next", "--cron", "@daily", "-n", "0")
        assert snapshot(uri) == before


class TestBoundsAndCalendars:
    def test_schedule_is_the_new_name_of_cron(self):
        z = Zcron()
        args = ("--after", "2026-01-01T00:00Z", "-n", "2", "--json")
        assert z("next", "--schedule", "@daily", *args).stdout == \
            z("next", "--cron", "@daily", *args).stdout

    def test_saved_cron_applies_bounds_calendars_and_max_runs(self, zcron, populated):
        zcron("calendar", "add", "xmas", "--date", "2099-12-25")
        zcron("edit", "hello", "--start", "2099-12-24T23:50", "--end", "2099-12-26T00:10",
              "--exclude", "xmas", "--max-runs", "7")      # 4 runs logged: 3 left
        times = zcron.json("next", "hello", "--after", "2099-12-01", "-n", "5")
        assert times == ["2099-12-24T23:50:00+01:00", "2099-12-24T23:55:00+01:00",
                         "2099-12-26T00:00:00+01:00"]

    def test_show_excluded_marks_what_calendars_remove(self, zcron, populated):
        zcron("calendar", "add", "xmas", "--date", "2099-12-25")
        zcron("edit", "hello", "--start", "2099-12-24T23:55", "--exclude", "xmas")
        args = ("next", "hello", "--after", "2099-12-01", "-n", "3", "--show-excluded")
        assert zcron.json(*args) == [
            {"time": "2099-12-24T23:55:00+01:00", "excluded_by": []},
            {"time": "2099-12-25T00:00:00+01:00", "excluded_by": ["xmas"]},
            {"time": "2099-12-25T00:05:00+01:00", "excluded_by": ["xmas"]}]
        lines = zcron(*args).stdout.splitlines()
        assert lines[1] == "2099-12-25 00:00 CET (+01:00)  excluded by xmas"
        assert "--show-excluded with a saved CRON" in zcron.bad(
            "next", "--schedule", "@daily", "--show-excluded")

    def test_done_in_list_show_next_and_run(self, zcron, uri, populated):
        zcron("edit", "hello", "--max-runs", "4")       # it has 4 runs logged
        [row] = [c for c in zcron.json("list") if c["name"] == "hello"]
        assert (row["state"], row["next_run"], row["max_runs"]) == ("done", None, 4)
        assert ["hello", "done"] in [line.split()[:2] for line in zcron("list").stdout.splitlines()]
        show = zcron("show", "hello").stdout
        assert "state:             done" in show and "4 (4 run so far)" in show
        result = zcron("next", "hello")
        assert result.stdout == "(no fire time)\n" and "this cron is done" in result.stderr
        assert "it is done" in zcron.bad("run", "hello")
        assert pending(uri, uid=populated["hello"]) == []
        zcron("edit", "hello", "--max-runs", "none")
        assert zcron.json("show", "hello")["state"] == "on"
        assert len(pending(uri, uid=populated["hello"])) == 1
