"""``zcron logs``: a runner's output (a zcron.Result's), shown on demand."""
from datetime import datetime

from cli_support import (cli_env, database, populated, json_crontab,  # noqa: F401
                         uri, zcron, zeo_storages)


def add_output(uri, uid):
    from zcron.components import load_crontab
    from zcron.model import Log
    with database(uri) as root:
        cron = load_crontab(root.sites["default"]).get(uid)
        cron.add_log(Log(datetime(2026, 2, 1), "WARN", ["3 reports"],
                         output="line 1\nline 2"))


class TestOutput:
    def test_shown_with_output_only(self, zcron, uri, populated):
        add_output(uri, populated["hello"])
        plain = zcron("logs", "hello", "--limit", "1").stdout
        assert "3 reports" in plain and "line 1" not in plain
        lines = zcron("logs", "hello", "--limit", "1", "--output").stdout.splitlines()
        assert "3 reports" in lines[0]
        assert lines[1:] == ["    > line 1", "    > line 2"]

    def test_with_tracebacks_too(self, zcron, uri, populated):
        add_output(uri, populated["hello"])
        out = zcron("logs", "hello", "--output", "--traceback").stdout
        assert "    > line 1" in out and "    | ValueError: x" in out
        assert "> line" not in zcron("logs", "hello", "--traceback").stdout

    def test_in_json(self, zcron, uri, populated):
        add_output(uri, populated["hello"])
        assert zcron.json("logs", "hello", "--limit", "1")[0]["output"] == "line 1\nline 2"


class TestTable:
    """The table reads like ``list``'s: one precision per column, how far
    each date is, statuses in colour on a terminal."""

    def test_one_precision_per_column(self, zcron, uri, populated):
        from zcron.components import load_crontab
        from zcron.model import Log
        with database(uri) as root:
            cron = load_crontab(root.sites["default"]).get(populated["hello"])
            cron.add_log(Log(datetime(2026, 1, 6, 7, 0, 30), "OK", ["late"],
                             fire_time=datetime(2026, 1, 6, 7, 0), duration=0.5))
        lines = zcron("logs", "hello", "--utc").stdout.splitlines()[1:]
        assert all(" d ago  2026-01-0" in line for line in lines)
        assert [line.split()[4] for line in lines[:2]] == ["07:00:30", "08:03:00"]
        assert [line.split()[10] for line in lines[:2]] == ["07:00", "08:03"]

    def test_statuses_in_colour_on_a_terminal(self, zcron, uri, populated):
        from test_cli_display import on_a_terminal
        args = ["--db", uri, "logs", "hello"]
        assert "\x1b[31mFAILURE" in on_a_terminal(args, {"COLUMNS": "300"})
        assert "\x1b[" not in on_a_terminal(["--no-color"] + args, {"COLUMNS": "300"})
        assert "\x1b[" not in zcron("logs", "hello").stdout

    def test_the_message_is_cut_first(self, zcron, populated):
        lines = zcron("logs", "hello", env={"COLUMNS": "100"}).stdout.splitlines()
        assert max(len(line) for line in lines) <= 100
        assert lines[1].endswith("…") and "CET (+01:00)  ok" in lines[1]
