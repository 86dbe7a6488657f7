"""The zcron command line: logs, dump and load."""
import json

import pytest

from cli_support import (Zcron, add_logs, cli_env, database, host_package,  # noqa: F401
                         json_crontab, pending, populated, snapshot, uri, zcron,
                         zeo_storages)


def absolute(line):
    """A ``logs`` line after the date's "N d ago" (the tests run on any day)."""
    assert " ago  " in line, line
    return line.split(" ago  ", 1)[1]


class TestLogs:

    def test_table_newest_first(self, zcron, populated):
        lines = zcron("logs", "hello").stdout.splitlines()
        assert lines[0].split() == ["DATE", "STATUS", "DURATION", "FIRE", "TIME", "MESSAGE"]
        assert [line.split()[7] for line in lines[1:]] == ["OK", "WARN", "FAILURE", "OK"]
        assert absolute(lines[1]) == ("2026-01-05 09:03 CET (+01:00)  OK       4.50s     "
                                      "2026-01-05 09:03 CET (+01:00)  ok 3 (+1 more)")

    def test_status_and_limit(self, zcron, populated):
        out = zcron("logs", "hello", "--status", "ok", "--limit", "1", "--utc").stdout
        lines = out.splitlines()
        assert len(lines) == 2
        assert absolute(lines[1]).startswith("2026-01-05 08:03 UTC (+00:00)  OK")
        assert zcron("logs", "hello", "--status", "NOTRUN").stdout == "(no log entries)\n"

    def test_json(self, zcron, populated):
        entries = zcron.json("logs", "hello", "--status", "FAILURE")
        assert entries == [{
            "date": "2026-01-05T08:01:00+00:00", "status": "FAILURE",
            "messages": ["failure 1", "second line"],
            "fire_time": "2026-01-05T08:01:00+00:00", "duration": 2.5,
            "execution_id": entries[0]["execution_id"],
            "traceback": "Traceback...\nValueError: x", "output": None,
            "attempt": 1, "attempts": 1, "backfill": False, "due": None}]
        assert zcron.json("logs", "off") == []

    def test_traceback(self, zcron, populated):
        out = zcron("logs", "hello", "--traceback", "--limit", "3").stdout
        lines = out.splitlines()
        assert [absolute(lines[4])] + lines[5:] == [
            "2026-01-05 09:01 CET (+01:00)  FAILURE  2.50s  2026-01-05 09:01 CET (+01:00)"
            "  failure 1 (+1 more)",
            "    second line",
            "    | Traceback...",
            "    | ValueError: x",
        ]
        assert zcron("logs", "off", "--traceback").stdout == "(no log entries)\n"

    def test_logs_without_fire_time(self, zcron, uri, populated):
        from datetime import datetime

        from zcron.components import load_crontab
        from zcron.model import Log
        with database(uri) as root:
            cron = load_crontab(root.sites["default"]).get(populated["off"])
            cron.add_log(Log(datetime(2026, 1, 1), "NOTRUN", []))
        line = zcron("logs", "off").stdout.splitlines()[1]
        assert absolute(line).split()[4:] == ["NOTRUN", "-", "-"]

    def test_clear(self, zcron, uri, populated):
        uid = populated["hello"]
        assert zcron("clear-logs", "hello").stdout == (
            f"cleared 4 log entries of hello ({uid})\n")
        assert zcron.json("logs", "hello") == []
        assert zcron.json("clear-logs", uid) == {"uid": uid, "name": "hello", "cleared": 0}

    def test_clear_on_a_read_only_site(self, zcron, uri, populated):
        """The logs of a json registry's crons are kept in the database."""
        add_logs(uri, "a" * 32, "OK", "OK", site="ro")
        assert len(zcron.json("logs", "report", "--site", "ro")) == 2
        assert zcron.json("clear-logs", "report", "--site", "ro")["cleared"] == 2
        assert zcron.json("logs", "report", "--site", "ro") == []


class TestDump:

    def test_dump(self, zcron, populated):
        data = json.loads(zcron("dump").stdout)
        assert (data["site"], data["activated"]) == ("default", True)
        assert [c["name"] for c in data["crons"]] == ["hello", "twin", "twin", "off"]
        assert len(data["crons"][0]["logs"]) == 4
        bare = json.loads(zcron("dump", "--no-logs").stdout)
        assert all(c["logs"] == [] for c in bare["crons"])
        ro = json.loads(zcron("dump", "--site", "ro").stdout)
        assert ro["crons"][0]["uid"] == "a" * 32

    def test_dump_load_round_trip(self, zcron, uri, populated, tmp_path):
        path = tmp_path / "dump.json"
        path.write_text(zcron("dump").stdout)
        zcron("site", "add", "copy")
        out = zcron("load", path, "--site", "copy").stdout
        assert out.startswith("loaded 4 crons into site 'copy' (4 in all) in ")
        copy = json.loads(zcron("dump", "--site", "copy").stdout)
        original = json.loads(path.read_text())
        assert copy["crons"] == original["crons"]
        assert copy["site"] == "copy"
        assert len(pending(uri, "copy")) == 3         # 'off' has none
        assert "appears twice" not in out


class TestLoad:

    def test_add_to_existing(self, zcron, uri, populated, tmp_path):
        path = tmp_path / "more.json"
        path.write_text(json.dumps({"site": "elsewhere", "activated": False, "crons": [
            {"name": "extra", "periodicity": "0 1 * * *", "timezone": "Asia/Tokyo"}]}))
        result = zcron.json("load", path)
        assert (result["loaded"], result["replaced"], result["crons"]) == (1, 0, 5)
        crontab = snapshot(uri)["sites"]["default"][2]
        assert crontab["activated"] is True            # the site's switch stays
        assert [c["name"] for c in crontab["crons"]][-1] == "extra"

    def test_adding_queues_the_loaded_crons_only(self, zcron, uri, populated, tmp_path):
        """The crons already there are not re-read: a job taken out of the
        queue stays out (a bulk add costs its own crons, not the site's)."""
        from cli_support import database
        from zcron.components import queue_for
        with database(uri) as root:
            queue = queue_for(root)
            [job] = queue.pending("default", populated["hello"])
            queue.remove(job)
        path = tmp_path / "more.json"
        path.write_text(json.dumps([{"name": "extra", "periodicity": "@daily"}]))
        zcron("load", path)
        uids = {job.uid for job in pending(uri)}
        assert populated["hello"] not in uids
        assert zcron.json("show", "extra")["uid"] in uids

    def test_replace(self, zcron, uri, populated, tmp_path):
        path = tmp_path / "new.json"
        path.write_text(json.dumps({"activated": False, "crons": [
            {"uid": populated["hello"], "name": "hello", "periodicity": "@hourly"},
            {"name": "fresh", "periodicity": "@daily"}]}))
        out = zcron("load", path, "--replace").stdout
        assert out.startswith("loaded 2 crons into site 'default', replacing 4 (2 in all)")
        crontab = snapshot(uri)["sites"]["default"][2]
        assert crontab["activated"] is False
        assert [c["name"] for c in crontab["crons"]] == ["hello", "fresh"]
        assert crontab["crons"][0]["logs"] == []
        assert pending(uri) == []                       # the crontab is off
        zcron("crontab", "enable")
        assert {j.uid for j in pending(uri)} == {c["uid"] for c in crontab["crons"]}

    def test_replace_drops_the_jobs_of_gone_crons(self, zcron, uri, populated, tmp_path):
        path = tmp_path / "one.json"
        path.write_text(json.dumps([{"name": "only", "periodicity": "@daily"}]))
        assert zcron.json("load", path, "--replace")["replaced"] == 4
        [job] = pending(uri)
        assert job.uid == zcron.json("list")[0]["uid"]

    def test_stdin(self, zcron, uri, populated):
        dump = zcron("dump", "--site", "ro").stdout
        zcron("site", "add", "copy")
        assert zcron.json("load", "-", "--site", "copy", input=dump)["loaded"] == 1
        assert zcron.json("show", "report", "--site", "copy")["uid"] == "a" * 32

    def test_collective_cron_dump(self, zcron, uri, tmp_path):
        """collective.cron kept its crontab as a list of JSON strings, with
        integer statuses and naive dates (UTC)."""
        legacy = [json.dumps({
            "uid": "b" * 32, "name": "plone-job", "user": None, "activated": True,
            "periodicity": "*/10 * * * *", "logs_limit": 5, "environ": {"x": 1},
            "logs": [{"date": "2014-03-01 10:00:00", "status": 1,
                      "messages": ["fine"]},
                     {"date": "2014-03-01 09:50:00", "status": 0,
                      "messages": ["bad"]}]})]
        path = tmp_path / "legacy.json"
        path.write_text(json.dumps(legacy))
        zcron("site", "add", "plone")
        zcron("load", path, "--site", "plone")
        logs = zcron.json("logs", "plone-job", "--site", "plone")
        assert [(e["status"], e["date"]) for e in logs] == [
            ("OK", "2014-03-01T10:00:00+00:00"), ("FAILURE", "2014-03-01T09:50:00+00:00")]
        cron = zcron.json("show", "plone-job", "--site", "plone")
        assert (cron["user"], cron["logs_limit"], cron["environ"]) == ("", 5, {"x": 1})

    def test_errors_say_where(self, zcron, uri, populated, tmp_path):
        before = snapshot(uri)
        path = tmp_path / "bad.json"
        path.write_text(json.dumps({"crons": [
            {"uid": "c" * 32, "name": "ok", "periodicity": "@daily"},
            {"uid": "d" * 32, "name": "bad", "periodicity": "@daily", "timezone": "X/Y"}]}))
        err = zcron.bad("load", path)
        assert err == (f"zcron: error: crons[1] bad ({'d' * 32}): invalid time zone "
                       "'X/Y': not an IANA time zone name\n")
        path.write_text(json.dumps([["not", "a", "cron"]]))
        assert "crons[0]: invalid dump" in zcron.bad("load", path)
        path.write_text(json.dumps(['{"name": broken']))
        assert "crons[0]: invalid dump" in zcron.bad("load", path)
        path.write_text(json.dumps({"crons": "many"}))
        assert "a crontab must be an object with a 'crons' list" in zcron.bad("load", path)
        path.write_text(json.dumps({"crons": [], "activated": "yes"}))
        assert "invalid activated 'yes'" in zcron.bad("load", path)
        path.write_bytes(b"\xff\xfe{}")
        assert "not UTF-8 text" in zcron.bad("load", path)
        assert "is a directory" in zcron.bad("load", tmp_path)
        assert snapshot(uri) == before

    def test_unreadable_file(self, tmp_path):
        from zcron.cli.dumps import read_text
        from zcron.exceptions import InvalidInput
        with pytest.raises(InvalidInput, match="invalid file"):
            read_text(str(tmp_path / "gone.json"))

    def test_progress_on_a_terminal(self, zcron, uri, populated, tmp_path, monkeypatch):
        from zcron.cli import output
        monkeypatch.setattr(output, "stderr_is_tty", lambda: True)
        path = tmp_path / "many.json"
        path.write_text(json.dumps([{"name": f"n{i}", "periodicity": "@daily"}
                                    for i in range(50)]))
        result = zcron("load", path)
        for phase in ("reading", "checking", "adding", "scheduling", "committing"):
            assert phase in result.stderr
        assert result.stdout.startswith("loaded 50 crons")

    def test_stderr_tty_detection(self, monkeypatch):
        import sys

        from zcron.cli import output

        class Terminal:
            def isatty(self):
                return True
        monkeypatch.setattr(sys, "stderr", Terminal())
        assert output.stderr_is_tty() is True
        assert output.Progress().enabled is True
        monkeypatch.setattr(sys, "stderr", object())
        assert output.stderr_is_tty() is False

    @pytest.mark.timeout(120)
    def test_thousands_of_crons(self, zcron, uri, tmp_path):
        """Big loads are one transaction; a bad cron at the very end leaves
        the database unchanged."""
        zcron("site", "add", "default")
        crons = [{"uid": f"{i:032x}", "name": f"job{i % 10}",
                  "periodicity": f"{i % 60} * * * *", "timezone": "Europe/Zurich"}
                 for i in range(3000)]
        path = tmp_path / "big.json"
        path.write_text(json.dumps(crons + [{"name": "x", "periodicity": "bad"}]))
        before = snapshot(uri)
        assert "crons[3000]" in zcron.bad("load", path)
        assert snapshot(uri) == before
        path.write_text(json.dumps(crons))
        assert zcron.json("load", path)["loaded"] == 3000
        assert len(pending(uri)) == 3000


class TestLoadUids:
    """load refuses a given uid that is not one; an absent one gets a new uid."""

    @pytest.mark.parametrize("uid", [[], 0, False, "xyz"])
    def test_bad_uid_is_bad_input(self, zcron, uri, populated, tmp_path, uid):
        path = tmp_path / "bad.json"
        path.write_text(json.dumps({"crons": [
            {"name": "fine", "periodicity": "@daily"},
            {"uid": uid, "name": "bad", "periodicity": "@daily"}]}))
        before = snapshot(uri)
        stderr = zcron.bad("load", path)
        assert f"invalid uid {uid!r}: expected 32 hexadecimal characters" in stderr
        assert stderr.startswith("zcron: error: crons[1]")
        assert snapshot(uri) == before

    def test_absent_uid_gets_a_new_one(self, zcron, uri, tmp_path):
        zcron("site", "add", "default")
        path = tmp_path / "absent.json"
        path.write_text(json.dumps({"crons": [
            {"name": "a", "periodicity": "@daily"},
            {"uid": None, "name": "b", "periodicity": "@daily"},
            {"uid": "", "name": "c", "periodicity": "@daily"}]}))
        zcron("load", path)
        crons = zcron.json("list")
        assert len({c["uid"] for c in crons}) == 3
        assert all(len(c["uid"]) == 32 for c in crons)


class TestLoadSiteNames:
    def test_slash_in_site_is_bad_input(self, zcron, uri, populated, tmp_path):
        path = tmp_path / "d.json"
        path.write_text('{"crons": []}')
        before = snapshot(uri)
        stderr = zcron.bad("load", path, "--site", "a/b")
        assert "invalid site 'a/b': a site name cannot contain '/'" in stderr
        assert snapshot(uri) == before

    def test_dump_of_a_saved_slash_site_loads_elsewhere(self, zcron, uri, tmp_path):
        zcron("site", "add", "default")
        path = tmp_path / "d.json"
        path.write_text(json.dumps({"site": "a/b", "crons": [
            {"uid": "c" * 32, "name": "hello", "periodicity": "@daily"}]}))
        zcron("load", path)
        assert zcron.json("list")[0]["uid"] == "c" * 32
        assert "ok: 1 cron checked" in zcron("check", path).stdout
