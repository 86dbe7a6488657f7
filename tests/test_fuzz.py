"""Property-based fuzz of every input door: schedule texts, zones, environ
JSON, site names, JSON dumps (CLI); the dashboard's add and edit forms,
pause, JSON import, calendars, login and URL paths of any bytes. Each
input is accepted or refused in one line (a 4xx), never a traceback or a
5xx, and nothing is committed when refused."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_support import Zcron, assert_one_error_line, cli_env, snapshot  # noqa: F401 (fixture)
from web_support import (alice, app, components, db, flashes, ini, read,  # noqa: F401
                         shared_app, uids)

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

DUMP = st.one_of(
    JSONISH,
    st.fixed_dictionaries({"crons": st.lists(st.fixed_dictionaries(
        {"name": st.text(max_size=6), "periodicity": SCHEDULE},
        optional={"timezone": ZONE, "environ": JSONISH, "uid": st.text(max_size=33),
                  "active": JSONISH})
        , max_size=2)}, optional={"site": st.text(max_size=6), "activated": JSONISH}))


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
    @given(dump=DUMP)
    def test_load_and_check_dumps(self, uri, tmp_path, dump):
        path = tmp_path / "dump.json"
        path.write_text(json.dumps(dump))
        accepted_or_one_line(uri, "check", path)
        accepted_or_one_line(uri, "load", path)


FORM_FIELDS = ["name", "periodicity", "timezone", "environ", "logs_limit", "missed",
               "catchup_window", "overlap", "timeout", "warn_after", "retries",
               "retry_backoff", "jitter"]


def database_dump(db):
    """Every site's crontab as committed, in a fresh connection."""
    from zcron.components import load_crontab
    return read(db, lambda root: {name: load_crontab(site).dump()
                                  for name, site in root.sites.items()})


class Committed:
    """What the database holds now: its last transaction and every dump."""

    def __init__(self, db):
        self.db = db
        self.last, self.dump = db.lastTransaction(), database_dump(db)

    def unchanged(self):
        return self.db.lastTransaction() == self.last and database_dump(self.db) == self.dump


def answered(client, db, path, form=None, accepted=(303,)):
    """POST ``form`` to ``path`` (GET without one): never a 5xx; an answer
    not ``accepted`` is a 4xx and leaves the database as it was."""
    before = Committed(db)
    res = client.get(path) if form is None else client.post(path, form)
    assert res.status_int < 500, (path, form, res.status_int, res.text[-2000:])
    if res.status_int not in accepted:
        assert 400 <= res.status_int < 500, (path, form, res.status_int)
        assert before.unchanged(), (path, form)
    return res


LINES = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(
    ["2026-03-02", "2026-02-30", "12-25", "2026-03-01..2026-03-05", "2026-03-05..2026-03-01",
     "mon 08:00-09:00", "25:00-26:00", "*", ""])), max_size=3).map("\n".join)
URL_BYTES = st.tuples(st.sampled_from(["/", "/sites/", "/sites/default/", "/sites/default/crons/",
                                       "/sites/default/crons/" + "a" * 32 + "/"]),
                      st.binary(max_size=12), st.sampled_from(["", "/logs", "/edit", "?page=%ff"]))
WEB_FUZZ = settings(FUZZ, max_examples=60)
EDIT = "/sites/default/crons/" + "a" * 32


class TestDashboard:
    FORM = {"name": "fuzz", "periodicity": "@daily", "timezone": "UTC",
            "activated": "on", "environ": "{}", "logs_limit": "10"}

    @FUZZ
    @given(field=st.sampled_from(FORM_FIELDS),
           value=st.one_of(SCHEDULE, ZONE, JSONISH.map(json.dumps)))
    def test_add_form_field(self, alice, db, field, value):
        answered(alice, db, "/sites/default/add", dict(self.FORM, **{field: value}))

    @WEB_FUZZ
    @given(field=st.sampled_from(FORM_FIELDS),
           value=st.one_of(SCHEDULE, ZONE, JSONISH.map(json.dumps)))
    def test_edit_form_field(self, alice, db, field, value):
        answered(alice, db, EDIT + "/edit", dict(self.FORM, **{field: value}))

    @WEB_FUZZ
    @given(until=st.one_of(st.text(max_size=20), st.sampled_from(
        ["", "2026-03-03 10:00", "2020-01-01 00:00", "2026-13-01 25:00", "tomorrow"])),
           note=st.text(max_size=30))
    def test_pause_until_and_note(self, alice, db, until, note):
        """A refused pause is a redirect with its reason flashed: nothing saved."""
        before = Committed(db)
        answered(alice, db, EDIT + "/pause", {"until": until, "note": note})
        if "Not paused: " in flashes(alice):
            assert before.unchanged(), (until, note)

    @WEB_FUZZ
    @given(dump=st.one_of(DUMP.map(json.dumps), st.text(max_size=40)),
           keep=st.booleans())
    def test_json_import(self, alice, db, dump, keep):
        form = {"dump": dump, "action": "apply"}
        answered(alice, db, "/sites/default/import", dict(form, keep="on") if keep else form)

    @WEB_FUZZ
    @given(name=st.one_of(st.text(max_size=12), st.sampled_from(["holidays", "", " "])),
           dates=LINES, ranges=LINES, yearly=LINES, blackouts=LINES)
    def test_calendars_form(self, alice, db, name, dates, ranges, yearly, blackouts):
        answered(alice, db, "/sites/default/calendars", {
            "name": name, "dates": dates, "ranges": ranges, "yearly": yearly,
            "blackouts": blackouts})

    @WEB_FUZZ
    @given(login=st.one_of(st.text(max_size=12), st.just("alice")),
           password=st.one_of(st.text(max_size=12), st.just("alice-pw")),
           came_from=st.one_of(st.text(max_size=20), st.sampled_from(
               ["/", "//evil.example", "https://evil.example/", "/sites/%ff"])))
    def test_login(self, app, db, login, password, came_from):
        from web_support import Client
        answered(Client(app), db, "/login",
                 {"login": login, "password": password, "came_from": came_from})

    @WEB_FUZZ
    @given(url=URL_BYTES)
    def test_url_paths_of_any_bytes(self, alice, db, url):
        from urllib.parse import quote
        prefix, raw, suffix = url
        answered(alice, db, prefix + quote(raw, safe="") + suffix, accepted=range(200, 400))
