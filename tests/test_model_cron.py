"""zcron.model.cron: a cron's fields, validation, logs, time and pausing."""
from datetime import datetime, timedelta, timezone

import pytest

UTC = timezone.utc
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
UID = "0123456789abcdef0123456789abcdef"

# A non-default, valid value for every field but uid/name/periodicity.
GOOD = {
    "user": "admin",
    "activated": False,
    "timezone": "Europe/Zurich",
    "logs_limit": 3,
    "environ": {"a": [1, {"b": None}], "c": "d"},
    "missed": "all",
    "catchup_window": 120.5,
    "overlap": "queue-one",
    "timeout": 30,
    "warn_after": 5.5,
    "retries": 2,
    "retry_backoff": 10,
    "jitter": 15,
    "retry_interrupted": True,
    "paused_until": datetime(2026, 4, 1, tzinfo=UTC),
    "pause_note": "maintenance",
}

# (field, bad value, the field the error names)
BAD = [
    ("uid", "xyz", "uid"), ("uid", 123, "uid"), ("uid", "a" * 31, "uid"),
    ("uid", "g" * 32, "uid"),
    ("name", "", "name"), ("name", "   ", "name"), ("name", 5, "name"),
    ("name", None, "name"),
    ("user", 5, "user"),
    ("activated", "yes", "activated"), ("activated", 1, "activated"),
    ("activated", None, "activated"),
    ("periodicity", "fortnightly", "cron expression"),
    ("periodicity", "every fortnight", "periodicity"),
    ("periodicity", "61 * * * *", "cron expression"),
    ("periodicity", None, "periodicity"), ("periodicity", 5, "periodicity"),
    ("timezone", "Mars/Olympus", "time zone"), ("timezone", 5, "timezone"),
    ("logs_limit", 0, "logs_limit"), ("logs_limit", 1.5, "logs_limit"),
    ("logs_limit", "10", "logs_limit"), ("logs_limit", True, "logs_limit"),
    ("environ", [], "environ"), ("environ", "{}", "environ"),
    ("environ", {"x": object()}, "environ"), ("environ", {"x": {1, 2}}, "environ"),
    ("environ", {"x": float("nan")}, "environ"),
    ("missed", "never", "missed"), ("overlap", "no", "overlap"),
    ("catchup_window", -1, "catchup_window"), ("catchup_window", "1", "catchup_window"),
    ("timeout", 0, "timeout"), ("timeout", -5, "timeout"), ("timeout", "1", "timeout"),
    ("warn_after", 0, "warn_after"),
    ("retries", -1, "retries"), ("retries", 1.5, "retries"),
    ("retry_backoff", -1, "retry_backoff"), ("jitter", None, "jitter"),
    ("jitter", -0.5, "jitter"),
    ("retry_interrupted", "true", "retry_interrupted"),
    ("paused_until", datetime(2026, 4, 1), "paused_until"),
    ("paused_until", "not a date", "paused_until"), ("paused_until", 5, "paused_until"),
    ("pause_note", 5, "pause_note"),
    ("start", datetime(2026, 4, 1), "start"), ("start", "soon", "start"),
    ("end", 5, "end"),
    ("max_runs", 0, "max_runs"), ("max_runs", 1.5, "max_runs"),
    ("max_runs", True, "max_runs"), ("max_runs", "3", "max_runs"),
    ("exclude", "holidays", "exclude"), ("exclude", ["two words"], "exclude"),
    ("colour", "red", "field"),
]


class TestCron:
    def _getTargetClass(self):
        from zcron.model import Cron
        return Cron

    def _makeOne(self, name="job", periodicity="*/5 * * * *", **kw):
        return self._getTargetClass()(name, periodicity, **kw)

    def _log(self, minutes=0, status="OK", **kw):
        from zcron.model import Log
        return Log(T0 + timedelta(minutes=minutes), status, **kw)

    def test_verify(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import ICron
        assert verifyObject(ICron, self._makeOne())

    def test_defaults(self):
        cron = self._makeOne()
        assert (cron.name, cron.periodicity) == ("job", "*/5 * * * *")
        assert cron.user == "" and cron.activated is True
        assert cron.timezone == "UTC" and cron.environ == {}
        assert cron.logs_limit == 50 and cron.logs == ()
        assert (cron.missed, cron.catchup_window, cron.overlap) == ("once", 3600, "skip")
        assert cron.timeout is None and cron.warn_after is None
        assert (cron.retries, cron.retry_backoff, cron.jitter) == (0, 60, 0)
        assert cron.retry_interrupted is False
        assert cron.paused_until is None and cron.pause_note == "" and not cron.paused
        assert cron.__parent__ is None

    def test_uid_generated(self):
        import re
        uids = {self._makeOne().uid for _ in range(50)}
        assert len(uids) == 50
        assert all(re.fullmatch(r"[0-9a-f]{32}", uid) for uid in uids)

    def test_uid_given_is_lowercased(self):
        assert self._makeOne(uid=UID.upper()).uid == UID

    def test_every_field_accepts_a_good_value(self):
        cron = self._makeOne(uid=UID, **GOOD)
        for field, value in GOOD.items():
            assert getattr(cron, field) == value, field
        assert cron.uid == UID

    def test_none_user_and_environ(self):
        cron = self._makeOne(user=None, environ=None)
        assert cron.user == "" and cron.environ == {}

    def test_optional_seconds_accept_none(self):
        cron = self._makeOne(timeout=3, warn_after=2)
        cron.edit(timeout=None, warn_after=None)
        assert cron.timeout is None and cron.warn_after is None

    def test_name_stripped(self):
        assert self._makeOne(name="  job ").name == "job"

    def test_expression_normalised(self):
        assert self._makeOne(periodicity=" 0  8 * * MON ").periodicity == "0 8 * * MON"

    @pytest.mark.parametrize("field,value,named", BAD)
    def test_bad_value_at_creation(self, field, value, named):
        from zcron.exceptions import InvalidInput
        kw = {"name": "job", "periodicity": "* * * * *", field: value}
        with pytest.raises(InvalidInput) as info:
            self._getTargetClass()(**kw)
        assert info.value.field == named
        message = str(info.value)
        assert named in message
        assert repr(field if named == "field" else value)[:40] in message

    @pytest.mark.parametrize("field,value,named",
                             [b for b in BAD if b[0] != "uid"])
    def test_bad_value_in_edit_changes_nothing(self, field, value, named):
        from zcron.exceptions import InvalidInput
        cron = self._makeOne(**GOOD)
        before = cron.dump()
        changes = {"name": "renamed", field: value}
        changes.setdefault("jitter", 1)      # a good change after the bad one
        with pytest.raises(InvalidInput):
            cron.edit(**changes)
        assert cron.dump() == before

    def test_error_classes(self):
        from zcron.exceptions import (InvalidCronExpression, InvalidEnviron,
                                      UnknownTimezone)
        with pytest.raises(InvalidCronExpression):
            self._makeOne(periodicity="* * *")
        with pytest.raises(UnknownTimezone):
            self._makeOne(timezone="Europe/Nowhere")
        with pytest.raises(InvalidEnviron, match="JSON-serialisable"):
            self._makeOne(environ={"when": T0})
        with pytest.raises(InvalidEnviron, match="JSON object"):
            self._makeOne(environ=["a"])

    def test_edit(self):
        cron = self._makeOne()
        cron.edit(periodicity="0 8 * * *", timezone="America/New_York", retries=1)
        assert (cron.periodicity, cron.timezone, cron.retries) == \
            ("0 8 * * *", "America/New_York", 1)

    def test_edit_timezone_checks_the_expression_with_it(self):
        cron = self._makeOne(periodicity="0 8 * * *")
        cron.edit(timezone="Asia/Tokyo")
        assert cron.get_periodicity().timezone == "Asia/Tokyo"

    def test_edit_uid_refused(self):
        from zcron.exceptions import InvalidInput
        cron = self._makeOne(uid=UID)
        with pytest.raises(InvalidInput, match="cannot change"):
            cron.edit(uid="f" * 32)
        assert cron.uid == UID

    def test_paused_until_normalised_to_utc(self):
        from zoneinfo import ZoneInfo
        zurich = datetime(2026, 4, 1, 10, 0, tzinfo=ZoneInfo("Europe/Zurich"))
        cron = self._makeOne(paused_until=zurich)
        assert cron.paused_until == zurich
        assert cron.paused_until.utcoffset() == timedelta(0)

    def test_paused_until_from_text(self):
        cron = self._makeOne(paused_until="2026-04-01T10:00:00+02:00")
        assert cron.paused_until == datetime(2026, 4, 1, 8, 0, tzinfo=UTC)

    # -- environ ------------------------------------------------------------

    def test_environ_copied(self):
        given = {"list": [1, 2], "nested": {"k": "v"}}
        cron = self._makeOne(environ=given)
        given["list"].append(3)
        given["nested"]["k"] = "changed"
        given["new"] = 1
        assert cron.environ == {"list": [1, 2], "nested": {"k": "v"}}

    def test_environ_dump_is_a_copy(self):
        cron = self._makeOne(environ={"nested": {"k": "v"}})
        cron.dump()["environ"]["nested"]["k"] = "changed"
        assert cron.environ == {"nested": {"k": "v"}}

    # -- logs ----------------------------------------------------------------

    def test_logs_newest_first(self):
        cron = self._makeOne()
        logs = [cron.add_log(self._log(i)) for i in range(3)]
        assert list(cron.logs) == logs[::-1]

    def test_add_log_returns_it_and_counts(self):
        cron = self._makeOne()
        log = self._log(status="WARN")
        assert cron.add_log(log) is log
        assert cron.log_counts == {"WARN": 1}

    def test_add_log_refuses_other_objects(self):
        from zcron.exceptions import InvalidInput
        cron = self._makeOne()
        with pytest.raises(InvalidInput, match="log"):
            cron.add_log({"status": "OK"})
        assert cron.logs == ()

    def test_logs_limit(self):
        cron = self._makeOne(logs_limit=3)
        logs = [cron.add_log(self._log(i)) for i in range(6)]
        assert list(cron.logs) == logs[:2:-1]
        assert cron.log_counts == {"OK": 6}

    def test_logs_limit_lowered_applies_at_next_log(self):
        cron = self._makeOne(logs_limit=5)
        for i in range(5):
            cron.add_log(self._log(i))
        cron.edit(logs_limit=2)
        newest = cron.add_log(self._log(9))
        assert len(cron.logs) == 2 and cron.logs[0] is newest

    def test_newest_failure_kept(self):
        cron = self._makeOne(logs_limit=2)
        cron.add_log(self._log(0, "FAILURE", execution_id="old"))
        cron.add_log(self._log(1, "FAILURE", execution_id="new"))
        oks = [cron.add_log(self._log(2 + i)) for i in range(4)]
        assert [l.execution_id for l in cron.logs] == \
            [oks[3].execution_id, oks[2].execution_id, "new"]
        cron.add_log(self._log(9, "FAILURE", execution_id="newer"))
        assert [l.execution_id for l in cron.logs] == ["newer", oks[3].execution_id]

    def test_clear_logs(self):
        cron = self._makeOne()
        cron.add_log(self._log())
        cron.clear_logs()
        assert cron.logs == () and cron.last_log() is None

    def test_log_record_created_at_first_need(self):
        cron = self._makeOne()
        assert not cron.has_log_record
        assert (cron.logs, cron.log_counts, cron.last_log()) == ((), {}, None)
        cron.clear_logs()
        assert not cron.has_log_record
        record = cron.log_record()
        assert cron.has_log_record and cron.log_record() is record

    def test_add_log_creates_the_record(self):
        cron = self._makeOne()
        cron.add_log(self._log())
        assert cron.has_log_record and cron.log_counts == {"OK": 1}

    def test_last_log_run_status(self, fake_clock):
        from zcron import clock
        cron = self._makeOne()
        assert cron.last_log() is None
        assert cron.last_run is None and cron.last_status is None
        cron.add_log(self._log(status="FAILURE"))
        fake_clock.advance(minutes=5)
        from zcron.model import Log
        newest = cron.add_log(Log(clock.now(), "WARN"))
        assert cron.last_log() is newest
        assert cron.last_run == fake_clock.now()
        assert cron.last_status == "WARN"

    # -- time ----------------------------------------------------------------

    def test_get_periodicity(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import IPeriodicity
        periodicity = self._makeOne(periodicity="0 8 * * *", timezone="Europe/Zurich") \
            .get_periodicity()
        assert verifyObject(IPeriodicity, periodicity)
        assert (periodicity.expression, periodicity.timezone) == \
            ("0 8 * * *", "Europe/Zurich")

    def test_next_fire_time(self, fake_clock):
        cron = self._makeOne(periodicity="0 8 * * *", timezone="Europe/Zurich")
        fake_clock.set(datetime(2026, 7, 1, 7, 0, tzinfo=UTC))   # 09:00 in Zurich
        fire = cron.next_fire_time(fake_clock.now())
        assert fire == datetime(2026, 7, 2, 6, 0, tzinfo=UTC)
        assert fire.utcoffset() == timedelta(hours=2)

    def test_next_fire_time_strictly_after(self):
        cron = self._makeOne(periodicity="*/5 * * * *")
        assert cron.next_fire_time(T0) == T0 + timedelta(minutes=5)

    def test_jitter_offset_none(self):
        assert self._makeOne().jitter_offset() == 0.0

    def test_jitter_offset_deterministic_and_bounded(self):
        offsets = []
        for i in range(200):
            uid = f"{i:032x}"
            one = self._makeOne(uid=uid, jitter=30).jitter_offset()
            assert one == self._makeOne(uid=uid, jitter=30).jitter_offset()
            assert 0.0 <= one <= 30.0
            offsets.append(one)
        assert len(set(offsets)) > 150          # spread, not constant
        assert min(offsets) < 5 and max(offsets) > 25

    # -- pausing ---------------------------------------------------------------

    def test_pause_forever_and_resume(self):
        from zcron.model import FOREVER
        cron = self._makeOne()
        cron.pause(note="broken upstream")
        assert cron.paused and cron.paused_until == FOREVER
        assert cron.pause_note == "broken upstream"
        cron.resume()
        assert not cron.paused and cron.paused_until is None and cron.pause_note == ""

    def test_pause_until(self):
        cron = self._makeOne()
        cron.pause(until=T0)
        assert cron.paused_until == T0 and cron.pause_note == ""

    def test_state(self):
        cron = self._makeOne()
        assert cron.state(T0) == "on" and not cron.paused_at(T0)
        cron.pause(until=T0 + timedelta(hours=1))
        assert cron.state(T0) == "paused" and cron.paused_at(T0)
        assert cron.state(T0 + timedelta(hours=1)) == "on"     # the pause is over
        cron.edit(activated=False)
        assert cron.state(T0) == "off"

    def test_runnable(self):
        """The one rule every part of zcron asks: switched on, crontab
        included, and not held by a pause (a retry may run while paused)."""
        from zcron.model import Crontab
        cron = self._makeOne()
        assert not cron.switched_on and not cron.runnable(T0)     # in no crontab
        crontab = Crontab(site="s")
        crontab.add_cron(cron)
        assert cron.switched_on and cron.runnable(T0)
        cron.pause(until=T0 + timedelta(hours=1))
        assert not cron.runnable(T0) and cron.runnable(T0, retry=True)
        assert cron.runnable(T0 + timedelta(hours=1))           # the pause is over
        crontab.activated = False
        assert not cron.switched_on and not cron.runnable(T0 + timedelta(hours=2))
        assert cron.state(T0 + timedelta(hours=2)) == "on"      # its own switch is on
        crontab.activated = True
        cron.edit(activated=False)
        assert not cron.runnable(T0, retry=True) and cron.state(T0) == "off"

    def test_pause_naive_refused(self):
        from zcron.exceptions import InvalidInput
        cron = self._makeOne()
        with pytest.raises(InvalidInput, match="paused_until"):
            cron.pause(until=datetime(2026, 1, 1))
        assert not cron.paused

    def test_repr(self):
        cron = self._makeOne(uid=UID, timezone="Asia/Tokyo")
        assert repr(cron) == f"<Cron job {UID} '*/5 * * * *' Asia/Tokyo>"


class TestBoundsAndDone:
    """start, end, max_runs and exclude; the 'done' state."""

    def _added(self, expr="0 * * * *", **fields):
        from zcron.model import Cron, Crontab
        from zcron.model.calendar import Calendar
        crontab = Crontab(site="s")
        crontab.set_calendar(Calendar("noon", blackouts=["0 12 * * * for 1m"]))
        return crontab.add_cron(Cron("job", expr, **fields))

    def _ran(self, cron, fire, status="OK"):
        from zcron.model import Log
        cron.add_log(Log(fire, status, fire_time=fire))

    def test_defaults_stay_on_the_class(self):
        cron = self._added()
        assert (cron.start, cron.end, cron.max_runs, cron.exclude) == (None, None, None, ())
        assert not {"start", "end", "max_runs", "exclude"} & set(cron.__dict__)

    def test_bounds_are_utc_and_apply(self):
        start = datetime(2026, 3, 1, 14, 30, tzinfo=timezone(timedelta(hours=2)))
        cron = self._added(start=start, end="2026-03-01T15:00:00+00:00")
        assert cron.start == datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
        assert cron.next_fire_time(T0) == T0 + timedelta(hours=1)
        assert cron.next_fire_time(T0 + timedelta(hours=3)) is None

    def test_end_before_start_is_refused_naming_end(self):
        from zcron.exceptions import InvalidInput
        cron = self._added(start=T0)
        with pytest.raises(InvalidInput) as info:
            cron.edit(end=T0 - timedelta(seconds=1), max_runs=4)
        assert info.value.field == "end" and "before the start" in str(info.value)
        assert cron.end is None and cron.max_runs is None       # nothing set
        with pytest.raises(InvalidInput, match="invalid end"):
            self._added(start=T0 + timedelta(days=1), end=T0)

    def test_calendars_apply_to_the_next_fire_time(self):
        cron = self._added(exclude=["noon"])
        assert [c.name for c in cron.calendars()] == ["noon"]
        assert cron.next_fire_time(T0 - timedelta(minutes=1)) == T0 + timedelta(hours=1)

    def test_unknown_calendar_refused(self):
        from zcron.exceptions import InvalidInput
        cron = self._added()
        with pytest.raises(InvalidInput, match="invalid calendar 'nope'"):
            cron.edit(exclude=["noon", "nope"])
        assert cron.exclude == ()

    def test_max_runs_counts_runs_not_notrun_and_past_retention(self):
        cron = self._added(max_runs=3, logs_limit=1)
        self._ran(cron, T0)
        self._ran(cron, T0 + timedelta(hours=1), "NOTRUN")
        self._ran(cron, T0 + timedelta(hours=2), "FAILURE")
        assert cron.runs == 2 and cron.runs_left() == 1 and cron.runs_left(1) == 0
        assert cron.state(T0) == "on" and cron.runnable(T0)
        self._ran(cron, T0 + timedelta(hours=3), "WARN")
        assert cron.state(T0) == "done" and not cron.runnable(T0)
        assert cron.runnable(T0, retry=True)            # a retry finishes its run
        cron.edit(max_runs=4)
        assert cron.state(T0) == "on"

    def test_done_when_no_fire_time_after_the_last_run(self):
        cron = self._added(end=T0 + timedelta(hours=1))
        later = T0 + timedelta(hours=5)
        self._ran(cron, T0)
        assert not cron.done(later)       # its 13:00 fire time is still due (missed)
        self._ran(cron, T0 + timedelta(hours=1))
        assert cron.done(later) and cron.state(later) == "done"
        cron.edit(end=None)
        assert cron.state(later) == "on"

    def test_never_run_is_done_a_day_after_its_last_fire_time(self):
        cron = self._added(end=T0)
        assert not cron.done(T0 + timedelta(hours=23))       # its first job may be late
        assert cron.done(T0 + timedelta(hours=25))
        cron.edit(catchup_window=3 * 86400)
        assert not cron.done(T0 + timedelta(hours=25))

    def test_state_order_off_done_paused_on(self):
        cron = self._added(max_runs=1)
        self._ran(cron, T0)
        cron.pause()
        assert cron.state(T0) == "done"
        cron.edit(activated=False)
        assert cron.state(T0) == "off"
        cron.edit(activated=True, max_runs=None)
        assert cron.state(T0) == "paused"
        cron.resume()
        assert cron.state(T0) == "on"
