"""``zcron logs --site`` (every cron of a site, newest first, named) and
``zcron logs CRON --follow`` (a real worker process appending meanwhile)."""
import json

import pytest

from cli_support import cli_env, host_package, uri, zcron, zeo_storages  # noqa: F401
from test_backfill_cli import console, interrupt
from test_cli_worker import environ, process_env  # noqa: F401


@pytest.fixture
def two(zcron):
    """Crons 'a' (Zurich) and 'b' (UTC) with interleaved entries."""
    zcron("site", "add", "default")
    a = zcron("add", "a", "--schedule", "0 0 1 1 *", "--tz", "Europe/Zurich").stdout.strip()
    b = zcron("add", "b", "--schedule", "0 0 1 1 *").stdout.strip()
    return a, b


def add_entries(uri, uid, *minutes):
    from datetime import datetime, timedelta, timezone
    from cli_support import database
    from zcron.components import load_crontab
    from zcron.model import Log
    start = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
    with database(uri) as root:
        cron = load_crontab(root.sites["default"]).get(uid)
        for minute in minutes:
            when = start + timedelta(minutes=minute)
            cron.add_log(Log(when, "FAILURE" if minute == 3 else "OK", [f"at {minute}"],
                             fire_time=when, duration=1.0))


class TestSite:
    def test_every_cron_newest_first_with_its_name(self, zcron, uri, two):
        a, b = two
        add_entries(uri, a, 0, 2, 4)
        add_entries(uri, b, 1, 3)
        out = zcron("logs", "--utc").stdout.splitlines()
        assert out[0].split()[:4] == ["DATE", "CRON", "UID", "STATUS"]
        short = {"a": a[:8], "b": b[:8]}
        assert [(line.split()[7], line.split()[8], line.split()[-1]) for line in out[1:]] == [
            (name, short[name], minute) for name, minute in
            (("a", "4"), ("b", "3"), ("a", "2"), ("b", "1"), ("a", "0"))]
        entries = zcron.json("logs", "--site", "default", "--status", "failure")
        assert [(e["cron"], e["uid"], e["messages"]) for e in entries] == [
            ("b", b, ["at 3"])]
        assert len(zcron.json("logs", "--limit", "2")) == 2

    def test_times_in_each_crons_zone(self, zcron, uri, two):
        a, b = two
        add_entries(uri, a, 0)
        add_entries(uri, b, 1)
        out = zcron("logs").stdout.splitlines()
        assert "UTC" in out[1] and "CET" in out[2]

    def test_an_unknown_site_is_bad_input(self, zcron, two):
        assert "site" in zcron.bad("logs", "--site", "nowhere")


class TestFollow:
    @pytest.mark.timeout(120)
    @pytest.mark.parametrize("uri", ["zeo"], indirect=True)
    def test_new_entries_as_a_worker_appends_them(self, zcron, uri, tmp_path, host_package,
                                                  process_env):
        zcron("site", "add", "default")
        uid = zcron("add", "hello", "--schedule", "0 0 1 1 *", "--environ",
                    environ(tmp_path)).stdout.strip()
        add_entries(uri, uid, 0)
        with console(uri, "logs", "hello", "--follow", "--json", env=process_env) as follower:
            assert json.loads(follower.stdout.readline())["messages"] == ["at 0"]
            zcron("edit", "hello", "--schedule", "* * * * * *")    # a run each second
            with console(uri, "--zcml", host_package.zcml, "worker", "--max-seconds", "60",
                         env=process_env) as worker:
                landed = [json.loads(follower.stdout.readline()) for _ in range(3)]
                assert interrupt(worker)[0] == 0
            assert interrupt(follower)[0] == 0
        dates = [entry["date"] for entry in landed]
        assert dates == sorted(dates)                               # oldest first
        assert len({entry["execution_id"] for entry in landed}) == 3    # each once
        assert "OK" in {entry["status"] for entry in landed}
