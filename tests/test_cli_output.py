"""zcron.cli.output: times, durations, plurals and tables as the commands
print them.
"""
from datetime import datetime

import pytest

from cli_support import UTC, cli_env  # noqa: F401


class TestOutput:

    def test_times(self):
        from zcron.cli.output import format_time, iso_time, zone
        winter = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
        assert format_time(winter, "Europe/Zurich") == "2026-11-22 08:00 CET (+01:00)"
        assert format_time(winter, "Europe/Zurich", utc=True) == (
            "2026-11-22 07:00 UTC (+00:00)")
        assert format_time(winter.replace(second=5), "America/St_Johns") == (
            "2026-11-22 03:30:05 NST (-03:30)")
        assert format_time(None) == "-"
        assert iso_time(winter, "Asia/Kolkata") == "2026-11-22T12:30:00+05:30"
        assert iso_time(None) is None
        assert zone("No/Such_Zone") is UTC        # a zone gone from the tz database

    @pytest.mark.parametrize("seconds,text", [
        (None, "-"), (0.001234, "0.00s"), (9.994, "9.99s"), (10, "10.0s"),
        (119.94, "119.9s"), (120, "2m00s"), (3599, "59m59s"), (7199, "119m59s"),
        (7200, "2h00m"), (90061, "25h01m")])
    def test_durations(self, seconds, text):
        from zcron.cli.output import format_duration
        assert format_duration(seconds) == text

    def test_seconds_and_plurals(self):
        from zcron.cli.output import format_seconds, plural
        assert [format_seconds(v) for v in (None, 3600, 3600.0, 1.5)] == [
            "-", "3600", "3600", "1.5"]
        assert [plural(n, "cron") for n in (0, 1, 2)] == ["0 crons", "1 cron", "2 crons"]

    def test_table(self):
        from zcron.cli.output import table
        assert table(["A", "LONG HEADER", "C"], [["xx", None, "last column"]]) == (
            "A   LONG HEADER  C\n"
            "xx  -            last column")


class TestStreaming:
    """``zcron list`` prints its rows as they come: a million crons' first
    line shows at once."""

    HEADERS = ["NAME", "UID"]

    def rows(self, count, late=None):
        rows = [[f"c{n % 10}", f"{n:04d}"] for n in range(count)]
        if late is not None:
            rows[late][0] = "a-much-longer-name"
        return rows

    def test_rows_print_like_a_table(self, capsys, monkeypatch):
        from zcron.cli.output import PAGE, echo_rows, table
        monkeypatch.delenv("COLUMNS", raising=False)
        echo_rows(self.HEADERS, iter(self.rows(PAGE)))
        assert capsys.readouterr().out == table(self.HEADERS, self.rows(PAGE)) + "\n"
        echo_rows(self.HEADERS, iter([]), empty="none here")
        assert capsys.readouterr().out == "(none here)\n"

    def test_columns_are_measured_on_the_first_page(self, capsys, monkeypatch):
        from zcron.cli.output import PAGE, echo_rows
        monkeypatch.delenv("COLUMNS", raising=False)        # piped: nothing is cut
        echo_rows(self.HEADERS, iter(self.rows(2 * PAGE + 5, late=PAGE + 3)))
        lines = capsys.readouterr().out.splitlines()
        assert len(lines) == 2 * PAGE + 6
        assert lines[1] == "c0    0000"
        assert lines[PAGE + 4] == f"a-much-longer-name  {PAGE + 3:04d}"
        monkeypatch.setenv("COLUMNS", "40")                  # a terminal: cut to the header
        echo_rows(self.HEADERS, iter(self.rows(2 * PAGE, late=PAGE + 3)))
        assert capsys.readouterr().out.splitlines()[PAGE + 4] == f"a-m…  {PAGE + 3:04d}"

    @pytest.mark.parametrize("items", [[], [{"a": 1}], [{"é": [1, {"b": None}]}, 2, "x"]])
    def test_a_json_list_item_by_item_is_the_same_text(self, capsys, items):
        import json
        from zcron.cli.output import echo_json_list
        echo_json_list(iter(items))
        assert capsys.readouterr().out == json.dumps(items, ensure_ascii=False, indent=2) + "\n"
