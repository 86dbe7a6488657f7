"""How the command line shows things to people: tables cut to the
terminal's width, short uids and their prefixes, times relative to now
with one precision per column, colours on a terminal only, and list's
filters."""
import os
import pty
import subprocess
from datetime import datetime, timedelta

import pytest

from cli_support import (UTC, ZCRON_SCRIPT, add_logs, cli_env, database,  # noqa: F401
                         json_crontab, populated, uri, zcron, zeo_storages)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class TestRelativeTimes:

    @pytest.mark.parametrize("seconds, text", [
        (0, "now"), (0.4, "now"), (12, "in 12 s"), (-59, "59 s ago"), (60, "in 1 min"),
        (3 * 60 + 10, "in 3 min"), (-89 * 60, "89 min ago"), (90 * 60, "in 2 h"),
        (-2 * 3600, "2 h ago"), (35 * 3600, "in 35 h"), (36 * 3600, "in 2 d"),
        (-400 * 86400, "400 d ago")])
    def test_relative(self, seconds, text):
        from zcron.cli.output import relative
        assert relative(NOW + timedelta(seconds=seconds), NOW) == text

    def test_one_precision_per_column(self):
        from zcron.cli.output import time_column
        times = [(NOW + timedelta(minutes=3)).isoformat(), None,
                 (NOW - timedelta(hours=2, seconds=-5)).isoformat()]
        assert time_column(times, ["UTC", "UTC", "Europe/Zurich"], False, NOW) == [
            "in 3 min  2026-03-02 09:03:00 UTC (+00:00)", "-",
            "2 h ago   2026-03-02 08:00:05 CET (+01:00)"]
        assert time_column(times[:1], ["UTC"], False, NOW) == [
            "in 3 min  2026-03-02 09:03 UTC (+00:00)"]


class TestWidth:
    HEADERS = ["NAME", "WHEN", "UID"]
    ROWS = [["a-rather-long-runner-name", "in 3 min  2026-03-02 09:03 UTC", "0123abcd"]]

    def test_cut_to_the_width_named_columns_first(self):
        from zcron.cli.output import table
        text = table(self.HEADERS, self.ROWS, width=55, cut_first=[0])
        assert max(len(line) for line in text.splitlines()) == 55
        assert text.splitlines()[1] == ("a-rather-lon…  in 3 min  2026-03-02 09:03 UTC  "
                                        "0123abcd")

    def test_no_column_below_its_floor(self):
        from zcron.cli.output import table
        line = table(self.HEADERS, self.ROWS, width=10).splitlines()[1]
        assert line == "a-rathe…  in 3 mi…  0123abcd"

    def test_columns_env_and_pipes(self, zcron, populated):
        wide = zcron("list").stdout.splitlines()            # piped: no limit
        assert max(len(line) for line in wide) > 120
        narrow = zcron("list", env={"COLUMNS": "90"}).stdout.splitlines()
        assert max(len(line) for line in narrow) <= 90
        assert all(line.rstrip().endswith(uid[:8]) for line, uid in
                   zip(narrow[1:], [populated["hello"], populated["twin1"]]))


class TestShortUids:

    def test_any_unique_prefix_names_a_cron(self, zcron, populated):
        uid = populated["hello"]
        for prefix in (uid[:8], uid[:3].upper(), uid[:12]):
            assert zcron.json("show", prefix)["uid"] == uid
        zcron("pause", uid[:8])
        assert zcron.json("show", uid)["state"] == "paused"

    def test_an_ambiguous_prefix_names_the_candidates(self, zcron, uri):
        zcron("site", "add", "default")
        with database(uri) as root:
            from zcron.components import load_crontab
            from zcron.model import Cron
            crontab = load_crontab(root.get_site("default"))
            for uid, name in (("ab" + "1" * 30, "one"), ("ab" + "2" * 30, "two")):
                crontab.add_cron(Cron(name, "@daily", uid=uid))
            crontab.save()
        error = zcron.bad("show", "ab")
        assert "2 crons have a uid starting so: ab1111 (one), ab2222 (two); " \
               "give more of it" in error
        assert zcron.json("show", "ab2")["name"] == "two"
        assert "no such cron" in zcron.bad("show", "abc")


class TestFilters:

    def test_status_and_state(self, zcron, populated):
        assert [c["name"] for c in zcron.json("list", "--state", "off")] == ["off"]
        assert [c["name"] for c in zcron.json("list", "--status", "ok")] == ["hello"]
        assert zcron.json("list", "--status", "FAILURE") == []
        assert [c["name"] for c in zcron.json("list", "--state", "on")] == [
            "hello", "twin", "twin"]
        assert "'bogus' is not one of" in zcron.bad("list", "--state", "bogus")


def on_a_terminal(args, env=None):
    """``zcron ARGS`` with its stdout on a pseudo-terminal: what it wrote."""
    main, child = pty.openpty()
    proc = subprocess.Popen([str(ZCRON_SCRIPT), *args], stdout=child,
                            stderr=subprocess.PIPE, env=dict(os.environ, **(env or {})))
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:           # the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert proc.wait(60) == 0, proc.stderr.read()
    return b"".join(chunks).decode()


class TestColour:
    RED = "\x1b[31m"

    def test_statuses_in_colour_on_a_terminal_only(self, zcron, uri, populated):
        add_logs(uri, populated["twin1"], "FAILURE")
        args = ["--db", uri, "list"]
        assert self.RED + "FAILURE" in on_a_terminal(args, {"COLUMNS": "300"})
        assert "\x1b[" not in on_a_terminal(args, {"NO_COLOR": "1", "COLUMNS": "300"})
        assert "\x1b[" not in on_a_terminal(["--no-color"] + args, {"COLUMNS": "300"})
        assert "\x1b[" not in zcron("list").stdout             # piped


class TestWorkerLines:

    def test_aligned_in_the_crons_zone(self):
        from zcron.cli.worker import RunPrinter
        from zcron.model import Cron, Log
        printer = RunPrinter()
        zurich = Cron("heartbeat", "@daily", timezone="Europe/Zurich")
        kolkata = Cron("a-much-longer-cron-name", "@daily", timezone="Asia/Kolkata")
        lines = [printer.text_line(cron, Log(NOW, status, ["fine"], duration=0.25),
                                   "default")
                 for cron, status in ((zurich, "OK"), (kolkata, "FAILURE"))]
        assert lines == [
            "10:00:00 CET    heartbeat         OK         0.25s  fine",
            "14:30:00 IST    a-much-longer-cron-name  FAILURE    0.25s  fine"]
        printer.utc = True
        assert printer.text_line(zurich, Log(NOW, "OK", [], duration=1), "shop") == (
            "09:00:00 UTC    shop/heartbeat           OK         1.00s  ")


def test_show_gives_how_far_the_next_runs_are(zcron, populated):
    lines = zcron("show", "hello").stdout.splitlines()
    [first] = [line for line in lines if line.startswith("next runs:")]
    assert first.split()[2] == "in"
    assert first.endswith(("CET (+01:00)", "CEST (+02:00)"))     # Europe/Zurich


def test_only_statuses_and_states_are_painted():
    from zcron.cli.output import table
    text = table(["NAME", "STATE", "STATUS", "MESSAGE"],
                 [["OK", "paused (db)", "FAILURE", "OK then"]], colour=True)
    line = text.splitlines()[1]
    assert line.startswith("OK  ")                       # a name, not a status
    assert "\x1b[33mpaused (db)\x1b[0m" in line and "\x1b[31mFAILURE\x1b[0m" in line
    assert line.endswith("  OK then")
