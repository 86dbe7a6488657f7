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
