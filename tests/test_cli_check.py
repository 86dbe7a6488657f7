"""zcron.cli.check: zcron check, of a site's crontab or of a dump file."""
import json

from cli_support import (Zcron, add_logs, cli_env, database, host_package,  # noqa: F401
                         json_crontab, pending, populated, snapshot, uri, zcron,
                         zeo_storages)


class TestCheck:

    def test_site_ok(self, zcron, populated):
        assert zcron("check").stdout == (
            "note: runners not checked: no host ZCML loaded (give --zcml)\n"
            "ok: 4 crons checked in site 'default'\n")

    def test_site_runners(self, zcron, host_package, populated):
        result = zcron("--zcml", host_package.zcml, "check", status=1)
        lines = result.stdout.splitlines()
        assert lines == [
            f"twin ({populated['twin1']}): no job runner is registered under the name 'twin'",
            f"twin ({populated['twin2']}): no job runner is registered under the name 'twin'",
            f"off ({populated['off']}): no job runner is registered under the name 'off'",
            "3 problems in site 'default' (4 crons)",
        ]
        data = zcron.json("--zcml", host_package.zcml, "check", status=1)
        assert data["ok"] is False and data["crons"] == 4 and data["notes"] == []
        assert data["problems"][0] == {
            "where": f"twin ({populated['twin1']})",
            "problem": "no job runner is registered under the name 'twin'"}

    def test_disabled_crontab_is_a_note(self, zcron, populated):
        zcron("crontab", "disable")
        data = zcron.json("check")
        assert data["ok"] is True
        assert "the crontab is disabled: no cron runs" in data["notes"]

    def test_json_site_with_broken_file(self, zcron, populated, json_crontab):
        json_crontab.write_text("{")
        result = zcron("check", "--site", "ro", status=1)
        assert result.stdout.startswith("site 'ro': invalid dump")
        assert result.stdout.endswith("1 problem in site 'ro' (0 crons)\n")

    def test_unknown_site_is_bad_input(self, zcron, populated):
        zcron.bad("check", "--site", "nope")

    def test_file_ok(self, zcron, tmp_path):
        path = tmp_path / "ok.json"
        path.write_text(json.dumps([{"name": "a", "periodicity": "@daily"}]))
        out = Zcron()("check", path).stdout
        assert out.endswith(f"ok: 1 cron checked in {path}\n")
        assert not (tmp_path / "var").exists()          # no database needed

    def test_file_problems(self, host_package, tmp_path):
        crons = [
            {"uid": "e" * 32, "name": "hello", "periodicity": "@daily"},
            {"uid": "e" * 32, "name": "hello", "periodicity": "0 0 31 2 *",
             "timezone": "Mars/Base", "missed": "maybe", "retries": -1},
            {"name": "unknown", "periodicity": "61 * * * *", "overlap": "never"},
            {"name": "hello"},
            {"name": "hello", "periodicity": "@daily", "timezone": None,
             "logs": "not a list", "uid": ""},
            "{broken",
            ["a", "list"],
            json.dumps({"name": "other", "periodicity": "@hourly", "uid": "xyz"}),
            {"name": "other", "periodicity": "@daily", "logs": "not a list"},
        ]
        path = tmp_path / "crontab.json"
        path.write_text(json.dumps({"crons": crons}))
        result = Zcron()("--zcml", host_package.zcml, "check", path, status=1)
        lines = result.stdout.splitlines()
        assert lines[-1] == f"14 problems in {path} (9 crons)"
        joined = "\n".join(lines)
        hello2 = f"crons[1] hello ({'e' * 32})"
        for expected in [
            f"{hello2}: invalid missed 'maybe'",
            f"{hello2}: invalid retries -1",
            f"{hello2}: invalid time zone 'Mars/Base'",
            f"{hello2}: uid {'e' * 32!r} appears twice",
            "crons[2]: invalid overlap 'never'",
            "crons[2]: invalid cron expression '61 * * * *'",
            "crons[2]: no job runner is registered under the name 'unknown'",
            "crons[3]: no cron expression ('periodicity')",
            "crons[4]: invalid time zone None: must be a string",
            "crons[5]: invalid dump '{broken': malformed JSON",
            "crons[6]: a cron must be a JSON object",
            "crons[7] other (xyz): invalid uid 'xyz'",
            "crons[8]: invalid dump 'not a list': a cron's logs must be a list",
        ]:
            assert expected in joined, expected
        assert f"crons[1] hello ({'e' * 32}): invalid cron expression" in joined

    def test_never_fires_again(self, tmp_path, monkeypatch):
        from zcron.periodicity.cron import CronPeriodicity
        monkeypatch.setattr(CronPeriodicity, "next_fire_time", lambda self, after: None)
        path = tmp_path / "c.json"
        path.write_text(json.dumps([{"name": "a", "periodicity": "0 0 1 1 *"}]))
        out = Zcron()("check", path, status=1).stdout
        assert "crons[0]: '0 0 1 1 *' never fires again" in out

    def test_bounds_and_calendars(self, tmp_path):
        path = tmp_path / "c.json"
        path.write_text(json.dumps({"calendars": [{"name": "quiet", "dates": ["2099-01-01"]}],
                                    "crons": [
            {"name": "a", "periodicity": "@daily", "exclude": ["quiet", "nope"]},
            {"name": "b", "periodicity": "@daily", "start": "2099-02-01T00:00Z",
             "end": "2099-01-01T00:00Z", "max_runs": 0},
            {"name": "c", "periodicity": "@daily", "start": "2099-02-01T00:00Z",
             "end": "2099-01-01T00:00Z"}]}))
        out = Zcron()("check", path, status=1).stdout
        assert "crons[0]: invalid calendar 'nope': no such calendar in the crontab" in out
        assert "crons[1]: invalid max_runs 0" in out
        assert "crons[2]: invalid end '2099-01-01T00:00:00+00:00': is before the start" in out
        assert "'quiet'" not in out

    def test_malformed_file_is_a_problem(self, tmp_path):
        path = tmp_path / "bad.json"
        path.write_text("{")
        data = Zcron().json("check", path, status=1)
        assert data["crons"] == 0 and data["source"] == str(path)
        assert "malformed JSON" in data["problems"][0]["problem"]
        assert data["notes"] == ["runners not checked: no host ZCML loaded (give --zcml)"]

    def test_stdin(self):
        out = Zcron()("check", "-", input='[{"name": "a", "periodicity": "@daily"}]').stdout
        assert out.endswith("ok: 1 cron checked in stdin\n")

    def test_missing_file_is_bad_input(self, tmp_path):
        assert "does not exist" in Zcron().bad("check", tmp_path / "nope.json")


class TestCheckUids:
    """A given uid that is not one is a problem, never a traceback (issue 15)."""

    def test_bad_uids_are_problems(self, tmp_path):
        crons = [{"uid": uid, "name": "a", "periodicity": "@daily"}
                 for uid in ([], 0, {}, ["x"], "xyz")]
        crons += [{"name": "b", "periodicity": "@daily"},
                  {"uid": None, "name": "c", "periodicity": "@daily"},
                  {"uid": "", "name": "d", "periodicity": "@daily"}]
        path = tmp_path / "uids.json"
        path.write_text(json.dumps({"crons": crons}))
        result = Zcron()("check", path, status=1)
        assert "Traceback" not in result.stdout + result.stderr
        lines = result.stdout.splitlines()
        for index, uid in enumerate(([], 0, {})):
            assert f"crons[{index}]: invalid uid {uid!r}: expected 32 hexadecimal " \
                   "characters" in lines
        assert "crons[3] a (['x']): invalid uid ['x']: expected 32 hexadecimal " \
               "characters" in lines
        assert any(line.startswith("crons[4] a (xyz): invalid uid 'xyz'") for line in lines)
        assert lines[-1] == f"5 problems in {path} (8 crons)"
