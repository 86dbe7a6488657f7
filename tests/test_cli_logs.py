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
