"""JSON in and out: zcron's dumps round-trip exactly, collective.cron's dumps
load, and bad dumps raise InvalidInput subclasses naming what is wrong.
(zcron.model.log / cron / crontab dump and load, jsonio, timeutil.)"""
import json
from datetime import datetime, timedelta, timezone

import pytest

UTC = timezone.utc
T0 = datetime(2026, 3, 1, 12, 0, 30, 123456, tzinfo=UTC)
UID1 = "1" * 32
UID2 = "2" * 32


def _full_log(status="FAILURE", minutes=0, **kw):
    from zoneinfo import ZoneInfo
    from zcron.model import Log
    fields = dict(
        messages=["first", "ünïcode ✓"],
        fire_time=datetime(2026, 3, 1, 13, 0, tzinfo=ZoneInfo("Europe/Zurich")),
        duration=1.25, execution_id=f"exec-{status}-{minutes}",
        traceback="Traceback (most recent call last):\n  boom\nValueError: x")
    fields.update(kw)
    return Log(T0 + timedelta(minutes=minutes), status, **fields)


def _full_cron(uid=UID1, name="report"):
    """A cron with every field away from its default, and logs of every status."""
    from zcron.model import Cron
    cron = Cron(name, "30 8 * * MON-FRI", uid=uid, user="admin", activated=False,
                timezone="America/New_York", logs_limit=7,
                environ={"list": [1, 2.5, None, True], "nested": {"deep": {"k": "v"}},
                         "text": "é"},
                missed="all", catchup_window=600, overlap="allow", timeout=90.5,
                warn_after=30, retries=3, retry_backoff=15.5, jitter=12,
                retry_interrupted=True,
                paused_until=datetime(2026, 5, 1, 6, 30, tzinfo=UTC),
                pause_note="holidays")
    for minutes, status in enumerate(["NOTRUN", "OK", "WARN", "FAILURE"]):
        cron.add_log(_full_log(status, minutes))
    return cron


def _through_json(data):
    """What a dump becomes once written as JSON text and read back."""
    return json.loads(json.dumps(data, allow_nan=False))


class TestLogJSON:
    def _getTargetClass(self):
        from zcron.model import Log
        return Log

    def test_dump(self):
        dump = _full_log().dump()
        assert dump == {
            "date": "2026-03-01T12:00:30.123456+00:00",
            "status": "FAILURE",
            "messages": ["first", "ünïcode ✓"],
            "fire_time": "2026-03-01T12:00:00+00:00",
            "duration": 1.25,
            "execution_id": "exec-FAILURE-0",
            "traceback": "Traceback (most recent call last):\n  boom\nValueError: x",
            "output": None, "attempt": 1, "attempts": 1, "backfill": False, "due": None,
        }

    def test_dump_minimal(self):
        log = self._getTargetClass()(T0, "OK", execution_id="e")
        assert log.dump() == {"date": "2026-03-01T12:00:30.123456+00:00",
                              "status": "OK", "messages": [], "fire_time": None,
                              "duration": None, "execution_id": "e", "traceback": None,
                              "output": None, "attempt": 1, "attempts": 1,
                              "backfill": False, "due": None}

    @pytest.mark.parametrize("status", ["OK", "WARN", "FAILURE", "NOTRUN"])
    def test_round_trip(self, status):
        log = _full_log(status)
        loaded = self._getTargetClass().load(_through_json(log.dump()))
        assert loaded == log
        for field in ("date", "status", "messages", "fire_time", "duration",
                      "execution_id", "traceback"):
            assert getattr(loaded, field) == getattr(log, field), field
        assert loaded.date.tzinfo is UTC

    def test_round_trip_minimal(self):
        log = self._getTargetClass()(T0, "OK")
        assert self._getTargetClass().load(_through_json(log.dump())) == log

    def test_collective_cron_log(self):
        loaded = self._getTargetClass().load(
            {"date": "2012-05-06 07:08:09", "status": 2, "messages": ["careful"]})
        assert loaded.date == datetime(2012, 5, 6, 7, 8, 9, tzinfo=UTC)
        assert loaded.status == "WARN" and loaded.messages == ["careful"]
        assert loaded.fire_time is None and loaded.duration is None
        assert loaded.traceback is None and len(loaded.execution_id) == 32

    @pytest.mark.parametrize("status,name", [(0, "FAILURE"), (1, "OK"), (2, "WARN"),
                                             (3, "NOTRUN")])
    def test_collective_cron_statuses(self, status, name):
        loaded = self._getTargetClass().load({"date": "2012-05-06 07:08:09",
                                              "status": status})
        assert loaded.status == name and loaded.dump()["status"] == name

    def test_collective_cron_message_as_text(self):
        loaded = self._getTargetClass().load({"date": "2012-05-06 07:08:09",
                                              "status": 1, "messages": "one"})
        assert loaded.messages == ["one"]

    @pytest.mark.parametrize("data,error,needle", [
        ({"date": "2026-01-01T00:00:00+00:00", "status": "MAYBE"}, "UnknownStatus", "MAYBE"),
        ({"date": "2026-01-01T00:00:00+00:00", "status": 7}, "UnknownStatus", "7"),
        ({"date": "yesterday", "status": "OK"}, "InvalidInput", "yesterday"),
        ({"date": 1700000000, "status": "OK"}, "InvalidInput", "1700000000"),
        ({"date": "", "status": "OK"}, "InvalidInput", "date"),
        ({"date": "2026-01-01", "status": "OK", "fire_time": "noon"}, "InvalidInput", "noon"),
        ({"date": "2026-01-01", "status": "OK", "duration": "long"}, "InvalidInput", "long"),
        ({"date": "2026-01-01", "status": "OK", "messages": {"a": 1}}, "InvalidInput",
         "messages"),
        ({"status": "OK"}, "InvalidDump", "'date' and 'status'"),
        ({"date": "2026-01-01"}, "InvalidDump", "'date' and 'status'"),
        (["2026-01-01", "OK"], "InvalidDump", "JSON object"),
    ])
    def test_bad(self, data, error, needle):
        from zcron import exceptions
        with pytest.raises(getattr(exceptions, error)) as info:
            self._getTargetClass().load(data)
        assert isinstance(info.value, exceptions.InvalidInput)
        assert needle in str(info.value)


class TestCronJSON:
    def _getTargetClass(self):
        from zcron.model import Cron
        return Cron

    def test_dump_keys_are_collective_crons_plus_ours(self):
        dump = _full_cron().dump()
        legacy = {"uid", "name", "user", "activated", "periodicity", "logs_limit",
                  "logs", "environ"}
        ours = {"timezone", "missed", "catchup_window", "overlap", "timeout",
                "warn_after", "retries", "retry_backoff", "jitter",
                "retry_interrupted", "paused_until", "pause_note",
                "start", "end", "max_runs", "exclude", "declared", "isolation",
                "max_memory", "alert_no_success", "alert_running", "pause_after_failures",
                "keep_ok_for", "keep_failures_for"}
        assert set(dump) == legacy | ours

    def test_dump_is_json(self):
        dump = _full_cron().dump()
        assert _through_json(dump) == dump
        assert dump["paused_until"] == "2026-05-01T06:30:00+00:00"
        assert [log["status"] for log in dump["logs"]] == \
            ["FAILURE", "WARN", "OK", "NOTRUN"]
        assert all(log["date"].endswith("+00:00") for log in dump["logs"])

    def test_round_trip_every_field(self):
        cron = _full_cron()
        loaded = self._getTargetClass().load(_through_json(cron.dump()))
        from zcron.model.fields import FIELDS
        for field in FIELDS:
            assert getattr(loaded, field) == getattr(cron, field), field
        assert list(loaded.logs) == list(cron.logs)
        assert loaded.dump() == cron.dump()

    def test_round_trip_from_text(self):
        cron = _full_cron()
        assert self._getTargetClass().load(json.dumps(cron.dump())).dump() == cron.dump()

    def test_round_trip_defaults(self):
        cron = self._getTargetClass()("plain", "@daily")
        assert self._getTargetClass().load(_through_json(cron.dump())).dump() == cron.dump()

    def test_round_trip_paused_forever(self):
        cron = self._getTargetClass()("plain", "@daily")
        cron.pause(note="why")
        loaded = self._getTargetClass().load(_through_json(cron.dump()))
        from zcron.model import FOREVER
        assert loaded.paused_until == FOREVER and loaded.pause_note == "why"

    def test_paused_until_in_another_zone_round_trips(self):
        cron = self._getTargetClass().load(
            {"name": "x", "periodicity": "@daily",
             "paused_until": "2026-05-01T08:30:00+02:00"})
        assert cron.dump()["paused_until"] == "2026-05-01T06:30:00+00:00"
        again = self._getTargetClass().load(_through_json(cron.dump()))
        assert again.dump() == cron.dump()

    def test_dump_without_logs(self):
        assert _full_cron().dump(with_logs=False)["logs"] == []

    def test_loaded_logs_bounded(self):
        data = _full_cron().dump()
        data["logs_limit"] = 2
        loaded = self._getTargetClass().load(data)
        # the newest two, and the newest FAILURE is among them
        assert [l.status for l in loaded.logs] == ["FAILURE", "WARN"]

    def test_log_record_only_for_logs(self):
        """A crontab loaded from a dump writes a log record per cron with logs only."""
        cls = self._getTargetClass()
        assert cls.load(_full_cron().dump()).has_log_record
        assert not cls.load(_full_cron().dump(with_logs=False)).has_log_record

    def test_loaded_logs_are_recorded_like_others(self):
        cron = self._getTargetClass().load(_full_cron().dump())
        newest = cron.add_log(_full_log("OK", 9))
        assert cron.logs[0] is newest and len(cron.logs) == 5

    def test_unknown_keys_ignored(self):
        cron = self._getTargetClass().load({"name": "x", "periodicity": "@daily",
                                            "crontab": None, "from_the_future": 1})
        assert cron.name == "x"

    def test_collective_cron_dump(self):
        legacy = {
            "uid": "b8a7b6ab4bd411e1b2e00021cc6c4b1d",
            "name": "mycronjob",
            "user": None,
            "activated": True,
            "periodicity": "*/1 * * * *",
            "logs_limit": 25,
            "environ": {"foo": "bar"},
            "logs": [{"date": "2012-02-03 04:05:06", "status": 0,
                      "messages": ["ZeroDivisionError"]},
                     {"date": "2012-02-03 04:04:06", "status": 1, "messages": []}],
        }
        cron = self._getTargetClass().load(json.dumps(legacy))
        assert cron.uid == legacy["uid"] and cron.name == "mycronjob"
        assert cron.user == "" and cron.activated is True
        assert cron.periodicity == "*/1 * * * *" and cron.timezone == "UTC"
        assert cron.logs_limit == 25 and cron.environ == {"foo": "bar"}
        assert [(l.status, l.date, l.messages) for l in cron.logs] == [
            ("FAILURE", datetime(2012, 2, 3, 4, 5, 6, tzinfo=UTC), ["ZeroDivisionError"]),
            ("OK", datetime(2012, 2, 3, 4, 4, 6, tzinfo=UTC), [])]
        assert cron.missed == "once" and cron.overlap == "skip"

    def test_collective_cron_dump_without_logs_or_environ(self):
        cron = self._getTargetClass().load({"name": "x", "periodicity": "@hourly",
                                            "logs": None, "environ": None})
        assert cron.logs == () and cron.environ == {}

    @pytest.mark.parametrize("data,error,needle", [
        ("{not json", "InvalidDump", "malformed JSON"),
        (b"\xff\xfe", "InvalidDump", "malformed JSON"),
        ("[1, 2]", "InvalidDump", "a cron must be a JSON object"),
        (5, "InvalidDump", "a cron must be a JSON object"),
        ({"periodicity": "@daily"}, "InvalidDump", "a cron needs a 'name'"),
        ({"name": "", "periodicity": "@daily"}, "InvalidDump", "a cron needs a 'name'"),
        ({"name": "x"}, "InvalidDump", "a cron needs a 'periodicity'"),
        ({"uid": UID1, "name": "x"}, "InvalidDump", UID1),
        ({"name": "x", "periodicity": "@daily", "logs": {"a": 1}}, "InvalidDump",
         "logs must be a list"),
        ({"name": "x", "periodicity": "@daily", "logs": [{"date": "2026-01-01",
                                                         "status": "??"}]},
         "UnknownStatus", "'??'"),
        ({"name": "x", "periodicity": "bad"}, "InvalidCronExpression", "'bad'"),
        ({"name": "x", "periodicity": "@daily", "timezone": "Moon/Base"},
         "UnknownTimezone", "Moon/Base"),
        ({"name": "x", "periodicity": "@daily", "environ": [1]}, "InvalidEnviron", "[1]"),
        ({"name": "x", "periodicity": "@daily", "uid": "short"}, "InvalidInput", "short"),
        ({"name": "x", "periodicity": "@daily", "paused_until": "soon"}, "InvalidInput",
         "soon"),
    ])
    def test_bad(self, data, error, needle):
        from zcron import exceptions
        with pytest.raises(getattr(exceptions, error)) as info:
            self._getTargetClass().load(data)
        assert isinstance(info.value, exceptions.InvalidInput)
        assert needle in str(info.value)


class TestCrontabJSON:
    def _getTargetClass(self):
        from zcron.model import Crontab
        return Crontab

    def _full(self):
        crontab = self._getTargetClass()(site="shop", activated=False)
        crontab.add_cron(_full_cron(UID2, "second-added-first"))
        crontab.add_cron(_full_cron(UID1, "first-added-second"))
        return crontab

    def test_dump(self):
        dump = self._full().dump()
        assert set(dump) == {"site", "activated", "calendars", "crons"}
        assert dump["site"] == "shop" and dump["activated"] is False
        assert [c["uid"] for c in dump["crons"]] == [UID2, UID1]
        assert _through_json(dump) == dump

    def test_dump_without_logs(self):
        assert all(c["logs"] == [] for c in self._full().dump(with_logs=False)["crons"])

    def test_round_trip(self):
        crontab = self._full()
        loaded = self._getTargetClass().load(_through_json(crontab.dump()))
        assert loaded.dump() == crontab.dump()
        assert [c.uid for c in loaded] == [UID2, UID1]
        assert all(c.__parent__ is loaded for c in loaded)
        assert loaded.resolve("second-added-first").uid == UID2

    def test_round_trip_from_text(self):
        crontab = self._full()
        text = json.dumps(crontab.dump())
        assert self._getTargetClass().load(text).dump() == crontab.dump()
        assert self._getTargetClass().load(text.encode()).dump() == crontab.dump()

    def test_site_given_wins(self):
        loaded = self._getTargetClass().load(self._full().dump(), site="elsewhere")
        assert loaded.site == "elsewhere"

    def test_defaults(self):
        loaded = self._getTargetClass().load({})
        assert (loaded.site, loaded.activated, len(loaded)) == ("default", True, 0)

    def test_collective_cron_list_of_dicts(self):
        crons = [{"uid": UID1, "name": "a", "periodicity": "@daily", "activated": True},
                 {"uid": UID2, "name": "b", "periodicity": "@hourly", "activated": False}]
        loaded = self._getTargetClass().load(crons, site="plone")
        assert [(c.uid, c.name, c.activated) for c in loaded] == \
            [(UID1, "a", True), (UID2, "b", False)]
        assert loaded.site == "plone" and loaded.activated is True

    def test_collective_cron_list_of_json_strings(self):
        # plone.registry kept collective.cron's crontab as a tuple of JSON strings
        crons = [json.dumps({"uid": UID1, "name": "a", "periodicity": "@daily",
                             "logs": [{"date": "2012-01-01 00:00:00", "status": 3,
                                       "messages": []}]}),
                 json.dumps({"uid": UID2, "name": "b", "periodicity": "@hourly"})]
        loaded = self._getTargetClass().load(json.dumps(crons))
        assert [c.uid for c in loaded] == [UID1, UID2]
        assert loaded.get(UID1).last_status == "NOTRUN"

    @pytest.mark.parametrize("data,error,needle", [
        ("{", "InvalidDump", "malformed JSON"),
        ('"text"', "InvalidDump", "an object with a 'crons' list"),
        (5, "InvalidDump", "an object with a 'crons' list"),
        ({"crons": {"a": 1}}, "InvalidDump", "an object with a 'crons' list"),
        ({"crons": [5]}, "InvalidDump", "a cron must be a JSON object"),
        ({"crons": ["{broken"]}, "InvalidDump", "malformed JSON"),
        ({"crons": [{"name": "x", "periodicity": "@daily", "uid": UID1},
                    {"name": "y", "periodicity": "@daily", "uid": UID1}]},
         "DuplicateUid", UID1),
        ({"activated": "yes"}, "InvalidInput", "'yes'"),
        ({"site": 7}, "InvalidInput", "site"),
        ({"crons": [{"name": "x", "periodicity": "@daily",
                     "logs": [{"date": "2026-01-01", "status": "SO-SO"}]}]},
         "UnknownStatus", "SO-SO"),
    ])
    def test_bad(self, data, error, needle):
        from zcron import exceptions
        with pytest.raises(getattr(exceptions, error)) as info:
            self._getTargetClass().load(data)
        assert isinstance(info.value, exceptions.InvalidInput)
        assert needle in str(info.value)


class TestBoundsJSON:
    """start, end, max_runs, exclude and a crontab's calendars, through JSON."""

    CALENDAR = {"name": "holidays", "dates": ["2026-12-25"],
                "ranges": ["2026-12-24..2027-01-02"], "yearly": ["01-01"],
                "blackouts": ["0 12 * * 1-5 for 1h"]}

    def _crontab(self):
        from zcron.model import Cron, Crontab
        from zcron.model.calendar import Calendar
        crontab = Crontab(site="shop")
        crontab.set_calendar(Calendar.load(self.CALENDAR))
        crontab.add_cron(Cron("report", "0 9 * * *", uid=UID1, timezone="Europe/Zurich",
                              start=T0, end=T0 + timedelta(days=30), max_runs=12,
                              exclude=["holidays"]))
        return crontab

    def test_cron_fields_dump_as_json(self):
        dump = self._crontab().get(UID1).dump()
        assert dump["periodicity"] == "0 9 * * *"
        assert dump["start"] == "2026-03-01T12:00:30.123456+00:00"
        assert dump["end"] == "2026-03-31T12:00:30.123456+00:00"
        assert (dump["max_runs"], dump["exclude"]) == (12, ["holidays"])
        assert _through_json(dump) == dump

    def test_crontab_with_calendars_round_trips(self):
        from zcron.model import Crontab
        dump = self._crontab().dump()
        assert dump["calendars"] == [self.CALENDAR]
        loaded = Crontab.load(_through_json(dump))
        assert loaded.dump() == dump
        cron = loaded.get(UID1)
        assert cron.end == T0 + timedelta(days=30) and cron.calendars()[0].name == "holidays"

    def test_a_cron_naming_a_calendar_the_dump_lacks_is_refused(self):
        from zcron.exceptions import InvalidInput
        from zcron.model import Crontab
        dump = self._crontab().dump()
        dump["calendars"] = []
        with pytest.raises(InvalidInput, match="invalid calendar 'holidays'"):
            Crontab.load(dump)

    @pytest.mark.parametrize("calendars, needle", [
        ({"holidays": {}}, "calendars must be a list"),
        ([{"dates": []}], "a calendar must be an object with a 'name'"),
        ([{"name": "x", "dates": ["2026-02-30"]}], "invalid date '2026-02-30'"),
        ([{"name": "x"}, {"name": "x"}], "a calendar name appears twice"),
    ])
    def test_bad_calendars(self, calendars, needle):
        from zcron.exceptions import InvalidInput
        from zcron.model import Crontab
        with pytest.raises(InvalidInput) as info:
            Crontab.load({"calendars": calendars, "crons": []})
        assert needle in str(info.value)

    def test_old_dumps_get_the_defaults(self):
        from zcron.model import Crontab
        loaded = Crontab.load({"crons": [{"uid": UID1, "name": "a", "periodicity": "@daily"}]})
        cron = loaded.get(UID1)
        assert (cron.start, cron.end, cron.max_runs, cron.exclude) == (None, None, None, ())
        assert loaded.dump()["calendars"] == []

    def test_the_json_registry_reads_calendars(self, session, tmp_path):
        from zcron.components import load_crontab
        from zcron.model import CronSite
        path = tmp_path / "crontab.json"
        path.write_text(json.dumps(self._crontab().dump()))
        site = session.root.add_site(CronSite("ro", registry="json",
                                              registry_options={"path": str(path)}))
        crontab = load_crontab(site)
        assert crontab.read_only and crontab.dump()["calendars"] == [self.CALENDAR]
        assert crontab.get(UID1).exclude == ("holidays",)


class TestParseJSON:
    def _callFUT(self, data):
        from zcron.model.jsonio import parse_json
        return parse_json(data)

    def test_text_and_bytes(self):
        assert self._callFUT('{"a": [1]}') == {"a": [1]}
        assert self._callFUT(b'[1]') == [1]

    def test_parsed_passes_through(self):
        data = {"a": 1}
        assert self._callFUT(data) is data

    def test_malformed_quotes_the_start(self):
        from zcron.exceptions import InvalidDump
        with pytest.raises(InvalidDump) as info:
            self._callFUT("x" * 100)
        assert info.value.value == "x" * 60 and "malformed JSON" in str(info.value)


class TestTimes:
    def test_to_utc(self):
        from zoneinfo import ZoneInfo
        from zcron.model.timeutil import to_utc
        assert to_utc(datetime(2026, 1, 1)) == datetime(2026, 1, 1, tzinfo=UTC)
        tokyo = datetime(2026, 1, 1, 9, tzinfo=ZoneInfo("Asia/Tokyo"))
        assert to_utc(tokyo).tzinfo is UTC and to_utc(tokyo).hour == 0

    def test_dump_time(self):
        from zcron.model.timeutil import dump_time
        assert dump_time(None) is None
        assert dump_time(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00+00:00"

    @pytest.mark.parametrize("value,expected", [
        (None, None), ("", None),
        ("2026-01-01T10:00:00+02:00", datetime(2026, 1, 1, 8, tzinfo=UTC)),
        ("2026-01-01T10:00:00Z", datetime(2026, 1, 1, 10, tzinfo=UTC)),
        ("2012-01-02 03:04:05", datetime(2012, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (" 2012-01-02 ", datetime(2012, 1, 2, tzinfo=UTC)),
        (datetime(2012, 1, 2), datetime(2012, 1, 2, tzinfo=UTC)),
    ])
    def test_load_time(self, value, expected):
        from zcron.model.timeutil import load_time
        loaded = load_time(value, "when")
        assert loaded == expected
        assert loaded is None or loaded.tzinfo is UTC

    @pytest.mark.parametrize("value", ["tomorrow", "2026-13-01", 12, ["2026-01-01"]])
    def test_load_time_bad(self, value):
        from zcron.exceptions import InvalidInput
        from zcron.model.timeutil import load_time
        with pytest.raises(InvalidInput) as info:
            load_time(value, "when")
        assert info.value.field == "when" and repr(value) in str(info.value)
