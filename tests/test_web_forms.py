"""zcron.web.forms through Pyramid's router: the add and edit forms and the
/validate.json preview.
"""
import re
from datetime import datetime

import pytest

from zcron.components import load_crontab, queue_for
from zcron.db import get_root

from web_support import (UTC, XSS, alice, app, components, cron_of, db, flashes,  # noqa: F401
                         ini, pending, read, shared_app, uids)

VALID = {"name": "hello", "periodicity": "0 8 * * 1-5", "timezone": "Europe/Zurich",
         "activated": "on", "user": "", "environ": '{"days": 7}', "logs_limit": "20",
         "missed": "skip", "catchup_window": "600", "overlap": "queue-one",
         "timeout": "30.5", "warn_after": "", "retries": "2", "retry_backoff": "10",
         "jitter": "0", "retry_interrupted": "on"}


class TestForm:
    def test_add_form(self, alice):
        page = alice.get("/sites/default/add").text
        assert '<select id="f-name" name="name"' in page            # the runners known
        assert '<option value="hello">hello</option>' in page
        assert 'id="f-user"' not in page                            # no legacy user
        assert '<option value="Europe/Zurich"></option>' in page  # zones
        assert 'value="3600"' in page and 'value="once" selected="selected"' in page
        assert 'data-validate="http://localhost/validate.json"' in page
        assert 'id="preview" aria-live="polite" hidden="hidden"' in page

    def test_the_runner_and_user_fields_of_an_edited_cron(self, alice, db):
        with db.transaction() as conn:
            crontab = load_crontab(get_root(conn).sites["default"])
            crontab.get("b" * 32).edit(name="gone", user="zope-admin")
            crontab.save()
        page = alice.get("/sites/default/crons/" + "b" * 32 + "/edit").text
        assert '<option value="gone" selected>gone (not registered)</option>' in page
        assert 'id="f-user" name="user" value="zope-admin"' in page

    def test_add(self, alice, db):
        res = alice.post("/sites/default/add", VALID)
        assert res.status_int == 303 and "hello is added." in flashes(alice)
        new = [u for u in uids(db) if u not in ("a" * 32, "b" * 32)]
        cron = cron_of(db, new[0])
        assert cron["periodicity"] == "0 8 * * 1-5" and cron["environ"] == {"days": 7}
        assert (cron["missed"], cron["overlap"], cron["retries"]) == ("skip", "queue-one", 2)
        assert cron["timeout"] == 30.5 and cron["warn_after"] is None
        assert cron["catchup_window"] == 600 and isinstance(cron["catchup_window"], int)
        assert cron["retry_interrupted"] and cron["activated"]
        assert pending(db, new[0]) == [("schedule", datetime(2026, 3, 3, 7, 0, tzinfo=UTC))]

    def test_add_unticked_boxes(self, alice, db):
        data = dict(VALID, environ="")
        del data["activated"], data["retry_interrupted"]
        alice.post("/sites/default/add", data)
        new = [u for u in uids(db) if u not in ("a" * 32, "b" * 32)][0]
        cron = cron_of(db, new)
        assert not cron["activated"] and not cron["retry_interrupted"] and cron["environ"] == {}
        assert pending(db, new) == []

    @pytest.mark.parametrize("field, value, reason", [
        ("periodicity", "61 * * * *", "outside 0-59"),
        ("periodicity", "", "empty"),
        ("timezone", "Mars/Base", "not an IANA time zone name"),
        ("name", " ", "expected a runner name"),
        ("name", "x" * 201, "at most 200 characters"),
        ("user", "u" * 201, "at most 200 characters"),
        ("environ", "{bad json", "not valid JSON"),
        ("environ", "[1, 2]", "must be a JSON object"),
        ("environ", '{"x": NaN}', "JSON-serialisable"),
        ("environ", "{" + " " * (64 * 1024) + "}", "at most 65536 characters"),
        ("logs_limit", "0", "expected a whole number &gt;= 1"),
        ("logs_limit", "2.5", "expected a whole number"),
        ("retries", "", "required"),
        ("timeout", "abc", "expected a number of seconds"),
        ("timeout", "inf", "expected a finite number"),
        ("jitter", "-1", "expected a number of seconds &gt;= 0"),
        ("missed", "sometimes", "expected one of skip, once, all"),
        ("overlap", "", "expected one of skip, queue-one, allow")])
    def test_add_refused_inline(self, alice, db, field, value, reason):
        before = read(db, lambda root: (uids(db), len(queue_for(root))))
        res = alice.post("/sites/default/add", dict(VALID, **{field: value}))
        assert res.status_int == 422
        assert "Nothing was saved" in res.text
        error = re.search(rf'data-error-for="{field}">(.*?)</small>', res.text).group(1)
        assert reason in error
        assert 'class="field invalid"' in res.text
        assert read(db, lambda root: (uids(db), len(queue_for(root)))) == before

    def test_a_bad_zone_still_checks_the_expression(self):
        from zcron.web.schedule_fields import check_schedule
        errors = check_schedule("61 * * * *", "Mars/Base")
        assert set(errors) == {"periodicity", "timezone"}

    def test_refused_form_keeps_the_values(self, alice):
        res = alice.post("/sites/default/add", dict(VALID, periodicity="bad", name=XSS))
        assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in res.text
        assert XSS not in res.text
        assert 'value="bad"' in res.text

    def test_edit_form(self, alice):
        page = alice.get("/sites/default/crons/" + "a" * 32 + "/edit").text
        assert "Edit hello" in page and 'value="*/5 * * * *"' in page
        assert "every 5 minutes" in page
        # the saved cron's next runs, in its zone
        assert page.count("<li><time") == 5 and "2026-03-02 10:05:00 CET +01:00" in page
        assert 'data-uid="' + "a" * 32 + '"' in page

    def test_edit_form_shows_the_policies(self, alice, db):
        with db.transaction() as conn:
            load_crontab(get_root(conn).sites["default"]).get("a" * 32).edit(
                timeout=5, environ={"k": "<v>"})
        page = alice.get("/sites/default/crons/" + "a" * 32 + "/edit").text
        assert 'name="timeout" inputmode="decimal" value="5"' in page
        assert '"k": "&lt;v&gt;"' in page

    def test_edit(self, alice, db):
        res = alice.post("/sites/default/crons/" + "a" * 32 + "/edit",
                         dict(VALID, name="renamed", allow_unknown_runner="on"))
        assert res.status_int == 303 and "renamed is saved." in flashes(alice)
        cron = cron_of(db)
        assert cron["name"] == "renamed" and cron["periodicity"] == "0 8 * * 1-5"
        assert pending(db) == [("schedule", datetime(2026, 3, 3, 7, 0, tzinfo=UTC))]
        assert len(read(db, lambda r: load_crontab(r.sites["default"]).get("a" * 32).logs)) == 7

    def test_edit_refused(self, alice, db):
        before = cron_of(db)
        res = alice.post("/sites/default/crons/" + "a" * 32 + "/edit",
                         dict(VALID, periodicity="* * *", name="renamed"))
        assert res.status_int == 422 and "Edit hello" in res.text
        assert cron_of(db) == before

    def test_unknown_runner_is_refused_naming_the_closest(self, alice, db):
        before = uids(db)
        res = alice.post("/sites/default/add", dict(VALID, name="helo"))
        assert res.status_int == 422
        assert "no runner is registered under this name (closest: hello); tick " \
               '"Allow an unregistered runner name" to use it anyway' in res.text
        assert "No runner is registered under this name" in res.text     # the warning
        assert uids(db) == before

    def test_the_escape_hatch(self, alice, db):
        page = alice.get("/sites/default/add").text
        assert 'id="f-allow-unknown" name="allow_unknown_runner"' in page
        assert 'class="runner-free" id="f-unknown-name" name="unknown_name"' in page
        res = alice.post("/sites/default/add", dict(VALID, name="hello", unknown_name="later",
                                                    allow_unknown_runner="on"))
        assert res.status_int == 303
        res = alice.post("/sites/default/add", dict(VALID, name="nobody",
                                                    allow_unknown_runner="on"))
        assert res.status_int == 303
        names = sorted(cron_of(db, uid)["name"] for uid in uids(db)
                       if uid not in ("a" * 32, "b" * 32))
        assert names == ["later", "nobody"]

    def test_an_edited_cron_keeps_its_unregistered_name(self, alice, db):
        with db.transaction() as conn:
            crontab = load_crontab(get_root(conn).sites["default"])
            crontab.get("b" * 32).edit(name="gone")
            crontab.save()
        url = "/sites/default/crons/" + "b" * 32 + "/edit"
        assert alice.post(url, dict(VALID, name="gone", retries="3")).status_int == 303
        assert alice.post(url, dict(VALID, name="gone2")).status_int == 422
        assert (cron_of(db, "b" * 32)["name"], cron_of(db, "b" * 32)["retries"]) == ("gone", 3)


class TestValidate:
    def test_ok(self, alice):
        res = alice.get("/validate.json?periodicity=*/15+*+*+*+*&timezone=Europe/Zurich&name=hello")
        data = res.json
        assert res.content_type == "application/json"
        assert data["ok"] and data["errors"] == {} and data["runner_known"] is True
        assert data["description"] == "every 15 minutes"
        assert [t["text"] for t in data["next"]][:2] == [
            "2026-03-02 10:15:00 CET +01:00", "2026-03-02 10:30:00 CET +01:00"]
        assert data["next"][0]["utc"] == "2026-03-02 09:15:00 UTC"
        assert data["next"][0]["relative"] == "in 15 min"

    def test_errors(self, alice):
        data = alice.get("/validate.json?periodicity=61+*+*+*+*&timezone=Nope&name=nobody").json
        assert not data["ok"] and set(data["errors"]) == {"periodicity", "timezone"}
        assert data["next"] == [] and data["runner_known"] is False
        data = alice.get("/validate.json").json
        assert data["errors"] == {"periodicity": "required"} and data["runner_known"] is None

    def test_saved_cron_preview_uses_its_schedule(self, alice, db, tmp_path):
        (tmp_path / "ro.json").write_text("{broken")
        with db.transaction() as conn:
            load_crontab(get_root(conn).sites["default"]).get("a" * 32).edit(jitter=60)
        base = "/validate.json?site=default&uid=" + "a" * 32 + "&timezone=Europe/Zurich"
        saved = alice.get(base + "&periodicity=*/5+*+*+*+*").json["next"]
        assert saved[0]["iso"] != "2026-03-02T09:05:00+00:00"     # jitter applied
        draft = alice.get(base + "&periodicity=*/10+*+*+*+*").json["next"]
        assert draft[0]["iso"] == "2026-03-02T09:10:00+00:00"
        for query in ["site=nope&uid=x", "site=default&uid=nope", "site=default",
                      "site=ro&uid=" + "f" * 32]:
            data = alice.get("/validate.json?periodicity=*/5+*+*+*+*&" + query).json
            assert data["next"][0]["iso"] == "2026-03-02T09:05:00+00:00"


def add_holidays(db, *dates):
    """A calendar 'holidays' in the default site."""
    from zcron.model.calendar import Calendar
    with db.transaction() as conn:
        load_crontab(get_root(conn).sites["default"]).set_calendar(Calendar("holidays", dates))


def new_cron(db):
    return cron_of(db, [u for u in uids(db) if u not in ("a" * 32, "b" * 32)][0])


class TestKindsAndBounds:
    def test_any_kind_with_its_words_and_kind(self, alice, db):
        page = alice.get("/sites/default/add").text
        assert 'id="builder"' in page and "<code title=\"monthly schedule\">" in page
        data = dict(VALID, periodicity="monthly on the last friday at 17:00")
        res = alice.post("/sites/default/add", dict(data, name="x" * 201))      # shown again
        assert "on the last Friday of each month at 17:00" in res.text
        assert '<small class="muted kind" id="kind">monthly schedule</small>' in res.text
        assert alice.post("/sites/default/add", data).status_int == 303
        assert new_cron(db)["periodicity"] == "monthly on the last friday at 17:00"

    def test_bounds_and_calendars_saved(self, alice, db):
        add_holidays(db, "2026-03-03")
        data = dict(VALID, start="2026-03-03T08:00", end="2026-06-30T18:00:30", max_runs="3",
                    exclude="holidays")
        assert alice.post("/sites/default/add", data).status_int == 303
        cron = new_cron(db)
        # read on the cron's wall clock (Europe/Zurich, CET then CEST)
        assert cron["start"] == "2026-03-03T07:00:00+00:00"
        assert cron["end"] == "2026-06-30T16:00:30+00:00"
        assert cron["max_runs"] == 3 and cron["exclude"] == ["holidays"]
        # 8:00 on Tuesday the 3rd is a holiday: Wednesday the 4th first
        assert pending(db, cron["uid"]) == [("schedule", datetime(2026, 3, 4, 7, 0, tzinfo=UTC))]
        page = alice.get(f"/sites/default/crons/{cron['uid']}/edit").text
        assert 'value="2026-03-03T08:00"' in page and 'value="2026-06-30T18:00:30"' in page
        assert 'value="holidays"\n               checked="checked"' in page
        # the preview of the saved cron greys the holiday, naming its calendar
        assert re.search(r'<li class="excluded"><time datetime="2026-03-03T07:00:00\+00:00".*?'
                         r'excluded by holidays</small>', page, re.S)

    @pytest.mark.parametrize("field, value, reason", [
        ("start", "someday", "expected a date and time"),
        ("end", "2026-01-01T00:00", "is before the start 2026-03-03T08:00:00+01:00"),
        ("max_runs", "0", "expected a whole number &gt;= 1"),
        ("max_runs", "1.5", "expected a whole number"),
        ("exclude", "nope", "'nope': no such calendar in site 'default'"),
    ])
    def test_bad_bounds_refused_inline(self, alice, db, field, value, reason):
        data = {**VALID, "start": "2026-03-03T08:00", field: value}
        res = alice.post("/sites/default/add", data)
        assert res.status_int == 422
        error = re.search(rf'data-error-for="{field}">([^<]*)<', res.text).group(1)
        assert reason in error
        assert uids(db) == ["a" * 32, "b" * 32]

    def test_edit_bounds_refused_keeps_the_cron(self, alice, db):
        before = cron_of(db)
        res = alice.post("/sites/default/crons/" + "a" * 32 + "/edit",
                         dict(VALID, start="2026-05-01T00:00", end="2026-04-01T00:00"))
        assert res.status_int == 422 and cron_of(db) == before


class TestLivePreview:
    def test_a_new_kind(self, alice):
        data = alice.get("/validate.json?periodicity=every+weekday+at+09:00&timezone=UTC").json
        assert data["ok"] and data["description"] == "every weekday at 09:00"
        assert data["kind"] == "weekly schedule"
        assert [t["iso"] for t in data["next"]][:2] == [     # now: Monday 09:00
            "2026-03-03T09:00:00+00:00", "2026-03-04T09:00:00+00:00"]
        assert data["next"][0]["excluded"] == []

    def test_excluded_times_are_marked(self, alice, db):
        add_holidays(db, "2026-03-03")
        base = "/validate.json?site=default&periodicity=every+day+at+10:00&timezone=UTC"
        data = alice.get(base + "&exclude=holidays").json
        assert [(t["iso"][:10], t["excluded"]) for t in data["next"]][:3] == [
            ("2026-03-02", []), ("2026-03-03", ["holidays"]), ("2026-03-04", [])]
        assert all(t["excluded"] == [] for t in alice.get(base).json["next"])

    def test_bounds_in_the_preview(self, alice):
        base = "/validate.json?periodicity=every+day+at+10:00&timezone=Europe/Zurich"
        data = alice.get(base + "&start=2026-03-05T00:00&max_runs=2").json
        assert [t["iso"] for t in data["next"]] == [
            "2026-03-05T09:00:00+00:00", "2026-03-06T09:00:00+00:00"]
        data = alice.get(base + "&end=2026-03-01T00:00").json
        assert data["ok"] and data["next"] == []
        data = alice.get(base + "&start=2026-03-05T00:00&end=2026-03-04T00:00&exclude=nope").json
        assert set(data["errors"]) == {"end", "exclude"} and data["next"] == []


class TestDeclaredForm:
    def test_declared_fields_are_read_only(self, alice, db):
        from test_web_views import declare_hello
        declare_hello(db)
        page = alice.get("/sites/default/crons/" + "a" * 32 + "/edit").text
        assert "Declared at <code>configure.zcml:3</code>: change its runner, schedule, " \
               "time zone, environ, timeout there" in page
        for field in ("name", "periodicity", "timezone", "timeout"):
            assert re.search(f'name="{field}"[^>]*disabled="disabled"', page), field
        assert not re.search('name="retries"[^>]*disabled', page)
        assert not re.search('name="activated"[^>]*disabled', page)

    def test_saving_keeps_the_declared_fields(self, alice, db):
        from test_web_views import declare_hello
        declare_hello(db)
        posted = {k: v for k, v in VALID.items()
                  if k not in ("name", "periodicity", "timeout", "activated")}
        res = alice.post("/sites/default/crons/" + "a" * 32 + "/edit",
                         dict(posted, timezone="UTC", environ='{"x": 1}', retries="5"))
        assert res.status_int == 303, res.text
        cron = cron_of(db)
        assert (cron["name"], cron["periodicity"], cron["timezone"], cron["timeout"]) == \
            ("hello", "*/5 * * * *", "Europe/Zurich", 30)
        assert cron["environ"] == {} and cron["declared"] == "zcml:hello"
        assert (cron["retries"], cron["activated"]) == (5, False)     # the operator's
