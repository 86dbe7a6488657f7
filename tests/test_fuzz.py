"""Property-based fuzz of every input door: schedule texts, zones, environ
JSON, site names, JSON dumps (CLI) and dashboard forms; each input is
accepted or refused in one line, never a traceback, nothing written."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_support import Zcron, assert_one_error_line, cli_env, snapshot  # noqa: F401 (fixture)
from web_support import (alice, app, components, db, ini, read, shared_app,  # noqa: F401
                         uids)

pytestmark = pytest.mark.slow
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

FIELD = st.one_of(st.sampled_from(["*", "*/0", "*/7", "0", "59", "60", "-1", "L", "5W",
                                   "MON-FRI", "1-5/2", "?", "#3", "JAN", ",", ""]),
                  st.integers(-5, 100).map(str))
CRON = st.lists(FIELD, min_size=1, max_size=7).map(" ".join)
WORDS = st.sampled_from(["every", "day", "days", "2", "0", "weekday", "at", "09:00",
                         "25:61", "on", "mon,thu", "weeks", "monthly", "day", "15",
                         "32", "the", "last", "friday", "from", "2026-03-01",
                         "2026-13-45", "months", "once", "minutes", "seconds", "@daily",
                         "@hourly", "@nope", "in", "-3"])
KINDS = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)
SCHEDULE = st.one_of(CRON, KINDS, st.text(max_size=30))
ZONE = st.one_of(st.sampled_from(["UTC", "Europe/Zurich", "America/New_York",
                                  "Nowhere/City", "utc", "", "../etc/passwd"]),
                 st.text(max_size=20))
JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                       lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                       max_leaves=8)


@pytest.fixture
def uri(tmp_path):
    from zcron.db import open_db
    uri = f"file://{tmp_path}/Data.fs"
    open_db(uri).close()
    Zcron(uri)("site", "add", "default")
    return uri


def accepted_or_one_line(uri, *args):
    """Run ``zcron ARGS``: exit 0/1, or exit 2 with one stderr line and the
    database as it was."""
    before = snapshot(uri)
    result = _run(uri, args)
    if result.exit_code == 2:
        assert_one_error_line(result.stderr)
        assert snapshot(uri) == before, args
    else:
        assert result.exit_code in (0, 1), (args, result.exit_code, result.stderr)
    return result


def _run(uri, args):
    from click.testing import CliRunner
    from zcron.cli import cli
    return CliRunner().invoke(cli, ["--db", uri] + [str(a) for a in args],
                              catch_exceptions=False)


class TestAPI:
    @FUZZ
    @given(text=SCHEDULE, zone=ZONE)
    def test_schedule_text_and_zone(self, zca, text, zone):
        from zcron.exceptions import InvalidInput
        from zcron.periodicity import get_periodicity
        try:
            get_periodicity(text, zone)
        except InvalidInput as e:
            assert "\n" not in str(e), str(e)


class TestCLI:
    @FUZZ
    @given(text=SCHEDULE, zone=ZONE)
    def test_add_schedule_and_zone(self, uri, text, zone):
        accepted_or_one_line(uri, "add", "x", "--cron", text, "--tz", zone)

    @FUZZ
    @given(environ=st.one_of(JSONISH.map(json.dumps), st.text(max_size=20)))
    def test_add_environ(self, uri, environ):
        accepted_or_one_line(uri, "add", "x", "--cron", "@daily", "--environ", environ)

    @FUZZ
    @given(name=st.text(max_size=20))
    def test_site_names(self, uri, name):
        accepted_or_one_line(uri, "site", "add", name)

    @FUZZ
    @given(dump=st.one_of(
        JSONISH,
        st.fixed_dictionaries({"crons": st.lists(st.fixed_dictionaries(
            {"name": st.text(max_size=6), "periodicity": SCHEDULE},
            optional={"timezone": ZONE, "environ": JSONISH, "uid": st.text(max_size=33),
                      "active": JSONISH})
            , max_size=2)}, optional={"site": st.text(max_size=6), "activated": JSONISH})))
    def test_load_and_check_dumps(self, uri, tmp_path, dump):
        path = tmp_path / "dump.json"
        path.write_text(json.dumps(dump))
        accepted_or_one_line(uri, "check", path)
        accepted_or_one_line(uri, "load", path)


FORM_FIELDS = ["name", "periodicity", "timezone", "environ", "logs_limit", "missed",
               "catchup_window", "overlap", "timeout", "warn_after", "retries",
               "retry_backoff", "jitter"]


def crontab_dump(db):
    from zcron.components import load_crontab
    return read(db, lambda root: load_crontab(root.sites["default"]).dump())


class TestDashboard:
    @FUZZ
    @given(field=st.sampled_from(FORM_FIELDS),
           value=st.one_of(SCHEDULE, ZONE, JSONISH.map(json.dumps)))
    def test_add_form_field(self, alice, db, field, value):
        form = {"name": "fuzz", "periodicity": "@daily", "timezone": "UTC",
                "activated": "on", "environ": "{}", "logs_limit": "10"}
        before = crontab_dump(db)
        res = alice.post("/sites/default/add", dict(form, **{field: value}))
        assert res.status_int < 500, (field, value, res.text[-2000:])
        if res.status_int != 303:             # not added: refused, nothing saved
            assert 400 <= res.status_int < 500, (field, value, res.status_int)
            assert crontab_dump(db) == before, (field, value)
