"""zcron.cli.calendars: zcron calendar add, list, show and remove; a cron's
--exclude; bad input refused with nothing written."""
import pytest

from cli_support import (Zcron, cli_env, json_crontab, pending, snapshot,  # noqa: F401
                         uri, zcron, zeo_storages)


@pytest.fixture
def holidays(zcron):
    zcron("site", "add", "default")
    zcron("calendar", "add", "holidays", "--date", "2026-12-25",
          "--range", "2026-12-28..2026-12-30", "--yearly", "01-01")
    zcron("calendar", "add", "lunch", "--blackout", "0 12 * * * for 1h")
    return zcron


class TestCalendarCommands:
    def test_add_list_show(self, holidays):
        data = holidays.json("calendar", "show", "holidays")
        assert data == {"name": "holidays", "dates": ["2026-12-25"],
                        "ranges": ["2026-12-28..2026-12-30"], "yearly": ["01-01"],
                        "blackouts": [], "used_by": []}
        names = [c["name"] for c in holidays.json("calendar", "list")]
        assert names == ["holidays", "lunch"]
        text = holidays("calendar", "list").stdout
        assert "blackout 0 12 * * * for 1h" in text and "yearly 01-01" in text
        assert "used by: no cron" in holidays("calendar", "show", "lunch").stdout

    def test_replace_reschedules_the_crons_using_it(self, holidays, uri):
        uid = holidays("add", "job", "--cron", "0 12 * * *", "--exclude", "lunch").stdout.strip()
        assert pending(uri, uid=uid) == []          # every noon is excluded: never fires
        out = holidays("calendar", "add", "lunch", "--replace", "--date", "2099-01-01").stdout
        assert out.strip() == "replaced calendar lunch; re-scheduled job"
        [job] = pending(uri, uid=uid)
        assert (job.fire_time.hour, job.fire_time.minute) == (12, 0)

    def test_remove(self, holidays):
        assert holidays("calendar", "remove", "lunch").stdout.strip() == "removed calendar lunch"
        assert [c["name"] for c in holidays.json("calendar", "list")] == ["holidays"]

    def test_the_crontab_dump_carries_calendars_and_loads_back(self, holidays, tmp_path):
        holidays("add", "job", "--cron", "@daily", "--exclude", "holidays")
        path = tmp_path / "dump.json"
        path.write_text(holidays("dump", "--site", "default").stdout)
        holidays("load", str(path), "--replace")
        assert holidays.json("calendar", "show", "holidays")["used_by"] == ["job"]


class TestBadInput:
    @pytest.mark.parametrize("args, message", [
        (["calendar", "add", "x", "--date", "2026-13-01"], "invalid date '2026-13-01'"),
        (["calendar", "add", "x", "--range", "2026-12-31..2026-12-01"],
         "invalid range '2026-12-31..2026-12-01'"),
        (["calendar", "add", "x", "--yearly", "13-01"], "invalid yearly '13-01'"),
        (["calendar", "add", "x", "--blackout", "0 12 * * *"], "invalid blackout '0 12 * * *'"),
        (["calendar", "add", "x", "--blackout", "@daily for ever"], "invalid blackout 'ever'"),
        (["calendar", "add", "two words"], "invalid calendar 'two words'"),
        (["calendar", "add", "holidays"], "invalid calendar 'holidays': already exists"),
        (["calendar", "add", "nope", "--replace"], "invalid calendar 'nope': does not exist"),
        (["calendar", "show", "nope"], "invalid calendar 'nope': no such calendar"),
        (["calendar", "remove", "nope"], "invalid calendar 'nope': no such calendar"),
        (["calendar", "remove", "lunch"], "invalid calendar 'lunch': still excluded by the crons a, b"),
        (["add", "c", "--cron", "@daily", "--exclude", "nope"], "invalid calendar 'nope'"),
        (["edit", "a", "--exclude", "holidays", "--exclude", "nope"], "invalid calendar 'nope'"),
        (["edit", "a", "--exclude", "lunch", "--no-exclude"], "invalid exclude ['lunch']"),
    ])
    def test_exit_2_one_line_nothing_written(self, holidays, uri, args, message):
        holidays("add", "a", "--cron", "@daily", "--exclude", "lunch")
        holidays("add", "b", "--cron", "@hourly", "--exclude", "lunch")
        before = snapshot(uri)
        assert message in holidays.bad(*args)
        assert snapshot(uri) == before
