"""Exclusion calendars, and fire times with bounds and calendars applied."""
from datetime import datetime, timedelta, timezone

import pytest

UTC = timezone.utc
T0 = datetime(2026, 12, 23, 12, 0, tzinfo=UTC)


def _calendar(name="holidays", **rules):
    from zcron.model.calendar import Calendar
    return Calendar(name, **rules)


def _periodicity(text="0 9 * * *", zone="UTC"):
    from zcron.periodicity import get_periodicity
    return get_periodicity(text, zone)


def _fires(periodicity, calendars=(), after=T0, n=4, **bounds):
    from zcron.model.calendar import fire_time_after
    times = []
    fire = fire_time_after(periodicity, after, calendars=calendars, **bounds)
    while fire is not None and len(times) < n:
        times.append(fire.astimezone(UTC))
        fire = fire_time_after(periodicity, fire, calendars=calendars, **bounds)
    return times


def _at(day, hour=9, minute=0):
    return datetime(2026 if day > 9 else 2027, 12 if day > 9 else 1, day, hour, minute,
                    tzinfo=UTC)


class TestRules:
    def test_dates(self):
        fires = _fires(_periodicity(), [_calendar(dates=["2026-12-25", "2026-12-26"])])
        assert fires == [_at(24), _at(27), _at(28), _at(29)]

    def test_a_range_includes_both_ends(self):
        fires = _fires(_periodicity(), [_calendar(ranges=["2026-12-24..2027-01-02"])], n=2)
        assert fires == [_at(3), _at(4)]

    def test_yearly_dates_every_year(self):
        cal = _calendar(yearly=["12-25"])
        after = datetime(2027, 12, 24, 10, tzinfo=UTC)
        assert _fires(_periodicity(), [cal], after=after, n=1) == \
            [datetime(2027, 12, 26, 9, tzinfo=UTC)]
        assert _fires(_periodicity(), [cal], n=2) == [_at(24), _at(26)]

    def test_blackout_excludes_from_its_start_for_its_duration(self):
        cal = _calendar(blackouts=["0 12 * * * for 1h"])
        fires = _fires(_periodicity("*/20 * * * *"), [cal], after=T0 - timedelta(minutes=30), n=4)
        # 11:40, then 12:00 12:20 12:40 excluded, 13:00 is the blackout's end: allowed
        assert fires == [T0 - timedelta(minutes=20), T0 + timedelta(hours=1),
                         T0 + timedelta(minutes=80), T0 + timedelta(minutes=100)]

    def test_dates_are_read_on_the_wall_clock_of_the_zone(self):
        # 23:30 UTC on the 24th is the 25th in Zurich: excluded there, not in UTC
        cal = [_calendar(dates=["2026-12-25"])]
        late = _periodicity("30 23 * * *")
        assert _fires(late, cal, n=1) == [datetime(2026, 12, 23, 23, 30, tzinfo=UTC)]
        zurich = _periodicity("30 0 * * *", "Europe/Zurich")       # 23:30 UTC the day before
        after = datetime(2026, 12, 24, 0, tzinfo=UTC)
        assert _fires(zurich, cal, after=after, n=1) == [datetime(2026, 12, 25, 23, 30, tzinfo=UTC)]

    def test_several_calendars_all_apply(self):
        cals = [_calendar("a", dates=["2026-12-24"]), _calendar("b", yearly=["12-25"])]
        assert _fires(_periodicity(), cals, n=1) == [_at(26)]

    def test_a_calendar_excluding_everything_runs_out(self):
        every = _calendar(blackouts=["* * * * * for 2m"])
        assert _fires(_periodicity("* * * * *"), [every]) == []

    def test_excluded_by_names_the_calendars(self):
        from zcron.model.calendar import excluded_by
        cals = [_calendar("a", dates=["2026-12-25"]), _calendar("b", yearly=["12-25"]),
                _calendar("c", dates=["2026-12-26"])]
        assert excluded_by(_at(25), "UTC", cals) == ["a", "b"]
        assert excluded_by(_at(24), "UTC", cals) == []


class TestBounds:
    def test_start_and_end_included(self):
        start, end = _at(25), _at(27)
        assert _fires(_periodicity(), start=start, end=end) == [_at(25), _at(26), _at(27)]

    def test_start_after_all_is_none(self):
        assert _fires(_periodicity(), start=_at(25), end=_at(25, 8)) == []


class TestValidation:
    @pytest.mark.parametrize("rules, field, value", [
        ({"dates": ["2026-13-01"]}, "date", "2026-13-01"),
        ({"dates": ["tomorrow"]}, "date", "tomorrow"),
        ({"ranges": ["2026-12-31..2026-12-01"]}, "range", "2026-12-31..2026-12-01"),
        ({"ranges": ["2026-12-31"]}, "range", "2026-12-31"),
        ({"yearly": ["02-30"]}, "yearly", "02-30"),
        ({"blackouts": ["0 12 * * *"]}, "blackout", "0 12 * * *"),
        ({"blackouts": ["0 12 * * * for 1 hour"]}, "blackout", "1 hour"),
        ({"blackouts": ["0 12 * * * for 0m"]}, "blackout", "0m"),
        ({"blackouts": ["99 12 * * * for 1h"]}, "blackout", "99 12 * * * for 1h"),
        ({"dates": "2026-12-25"}, "dates", "2026-12-25"),
    ])
    def test_bad_rules_name_field_and_value(self, rules, field, value):
        from zcron.exceptions import InvalidInput
        with pytest.raises(InvalidInput) as info:
            _calendar(**rules)
        assert info.value.field == field and info.value.value == value

    @pytest.mark.parametrize("name", ["", "two words", "-dash", 7])
    def test_bad_names(self, name):
        from zcron.exceptions import InvalidInput
        with pytest.raises(InvalidInput, match="invalid calendar"):
            _calendar(name)

    def test_leap_day_yearly_is_fine(self):
        assert _calendar(yearly=["02-29"]).yearly == ("02-29",)


class TestCalendar:
    def test_provides_icalendar(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import ICalendar
        assert verifyObject(ICalendar, _calendar(dates=["2026-12-25"]))

    def test_dump_load_round_trip(self):
        from zcron.model.calendar import Calendar
        cal = _calendar(dates=["2026-12-25"], ranges=["2026-12-24..2027-01-02"],
                        yearly=["01-01"], blackouts=["0 12 * * 1-5 for 1h"])
        dump = cal.dump()
        assert dump == {"name": "holidays", "dates": ["2026-12-25"],
                        "ranges": ["2026-12-24..2027-01-02"], "yearly": ["01-01"],
                        "blackouts": ["0 12 * * 1-5 for 1h"]}
        again = Calendar.load(dump)
        assert again.dump() == dump and again.digest() == cal.digest()

    def test_digest_changes_with_rules(self):
        assert _calendar(dates=["2026-12-25"]).digest() != _calendar(dates=["2026-12-26"]).digest()
        assert _calendar(dates=["2026-12-25"]).digest() != _calendar(yearly=["12-25"]).digest()

    def test_empty_calendar_stores_no_rules(self):
        assert _calendar().__dict__.keys() == {"name"}

    def test_load_refuses_non_objects(self):
        from zcron.exceptions import InvalidDump
        from zcron.model.calendar import Calendar
        with pytest.raises(InvalidDump):
            Calendar.load(["holidays"])
