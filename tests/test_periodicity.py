from datetime import datetime, timedelta, timezone

import pytest

UTC = timezone.utc


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def zoned(name, *args, fold=0):
    from zoneinfo import ZoneInfo
    return datetime(*args, tzinfo=ZoneInfo(name), fold=fold)


def in_utc(times):
    return [t.astimezone(UTC).replace(tzinfo=None) for t in times]


class TestCronSyntax:

    def _makeOne(self, *a, **kw):
        from zcron.periodicity import CronPeriodicity
        return CronPeriodicity(*a, **kw)

    def _fires(self, expression, after, n=3, zone="UTC"):
        return in_utc(self._makeOne(expression, zone).fire_times(after, n=n))

    def test_every_minute(self):
        assert self._fires("* * * * *", utc(2025, 1, 1, 10, 0, 30)) == [
            datetime(2025, 1, 1, 10, 1), datetime(2025, 1, 1, 10, 2),
            datetime(2025, 1, 1, 10, 3)]

    def test_attributes(self):
        from zoneinfo import ZoneInfo
        cron = self._makeOne(" */5\t*  * * * ", "Europe/Zurich")
        assert cron.kind == "cron"
        assert cron.expression == "*/5 * * * *"
        assert cron.timezone == "Europe/Zurich"
        assert cron.tzinfo is ZoneInfo("Europe/Zurich")
        assert not cron.has_seconds
        assert not cron.fixed_time

    def test_timezone_defaults_to_utc(self):
        assert self._makeOne("* * * * *").timezone == "UTC"

    def test_list_range_and_step(self):
        cron = self._makeOne("1-10/3,30,45-46 * * * *")
        assert cron.fields.minutes == (1, 4, 7, 10, 30, 45, 46)

    def test_star_step(self):
        assert self._makeOne("0 */6 * * *").fields.hours == (0, 6, 12, 18)

    def test_start_and_step(self):
        assert self._makeOne("5/20 * * * *").fields.minutes == (5, 25, 45)

    def test_equal_range_is_one_value(self):
        # croniter alone reads "5-5" as every minute and "jan-jan" as every month
        cron = self._makeOne("5-5 0-0/3 * jan-JAN 7-7")
        assert cron.fields.minutes == (5,)
        assert cron.fields.hours == (0,)
        assert cron.fields.months == (1,)
        assert cron.fields.weekdays == (0,)

    def test_month_and_day_names_any_case(self):
        cron = self._makeOne("0 0 * Jan,MAR-may * ")
        assert cron.fields.months == (1, 3, 4, 5)
        cron = self._makeOne("0 0 * * mon-Wed,FRI")
        assert cron.fields.weekdays == (1, 2, 3, 5)

    def test_sunday_is_0_and_7(self):
        assert self._makeOne("0 0 * * 0").fields.weekdays == (0,)
        assert self._makeOne("0 0 * * 7").fields.weekdays == (0,)
        assert self._makeOne("0 0 * * 5-7").fields.weekdays == (0, 5, 6)
        assert self._makeOne("0 0 * * 0-7").fields.weekdays == tuple(range(7))
        assert self._makeOne("0 0 * * SUN").fields.weekdays == (0,)
        # 2025-01-05 is a Sunday
        assert self._fires("0 12 * * 7", utc(2025, 1, 1), n=2) == [
            datetime(2025, 1, 5, 12), datetime(2025, 1, 12, 12)]

    def test_wrapping_range(self):
        assert self._makeOne("0 0 * * FRI-MON").fields.weekdays == (0, 1, 5, 6)

    @pytest.mark.parametrize("alias, same_as", [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"),
        ("@monthly", "0 0 1 * *"), ("@weekly", "0 0 * * 0"),
        ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"), ("@DAILY", "0 0 * * *"), ("@Hourly", "0 * * * *"),
    ])
    def test_aliases(self, alias, same_as):
        cron = self._makeOne(alias)
        assert cron.expression == alias
        assert cron.fields == self._makeOne(same_as).fields

    def test_hourly_is_not_fixed_time_daily_is(self):
        assert not self._makeOne("@hourly").fixed_time
        assert self._makeOne("@daily").fixed_time
        assert self._makeOne("30 2 * * *").fixed_time
        assert not self._makeOne("* 2 * * *").fixed_time
        assert not self._makeOne("0 */2 * * *").fixed_time
        assert self._makeOne("0-59 0-23 * * *").fixed_time

    def test_yearly(self):
        assert self._fires("@yearly", utc(2025, 1, 1)) == [
            datetime(2026, 1, 1), datetime(2027, 1, 1), datetime(2028, 1, 1)]

    def test_six_fields_have_seconds_first(self):
        cron = self._makeOne("*/20 30 8 * * *")
        assert cron.has_seconds
        assert cron.fields.seconds == (0, 20, 40)
        assert cron.fields.minutes == (30,)
        assert cron.fields.hours == (8,)
        assert self._fires("*/20 30 8 * * *", utc(2025, 1, 1, 8, 30, 20)) == [
            datetime(2025, 1, 1, 8, 30, 40), datetime(2025, 1, 2, 8, 30),
            datetime(2025, 1, 2, 8, 30, 20)]

    def test_seconds_do_not_make_fixed_time(self):
        assert self._makeOne("* 30 8 * * *").fixed_time
        assert not self._makeOne("0 * 8 * * *").fixed_time

    def test_every_second(self):
        assert self._fires("* * * * * *", utc(2025, 1, 1, 23, 59, 58, 999999)) == [
            datetime(2025, 1, 1, 23, 59, 59), datetime(2025, 1, 2),
            datetime(2025, 1, 2, 0, 0, 1)]

    def test_five_fields_fire_on_the_minute(self):
        assert self._makeOne("* * * * *").fields.seconds == (0,)

    def test_question_mark_in_day_fields(self):
        cron = self._makeOne("0 0 12 ? * MON")
        assert cron.fields.days == tuple(range(1, 32))
        assert not cron.fields.days_either
        assert self._makeOne("0 0 12 1 * ?").fields.weekdays == tuple(range(7))


class TestCronErrors:

    def _makeOne(self, *a, **kw):
        from zcron.periodicity import CronPeriodicity
        return CronPeriodicity(*a, **kw)

    def _reason(self, expression, zone="UTC"):
        from zcron.exceptions import InvalidCronExpression
        with pytest.raises(InvalidCronExpression) as info:
            self._makeOne(expression, zone)
        assert info.value.value == expression
        assert "\n" not in str(info.value)
        return info.value.reason

    @pytest.mark.parametrize("expression, reason", [
        ("", "it is empty"),
        ("  \t ", "it is empty"),
        ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week) "
                    "or 6 with seconds first, got 4"),
        ("* * * * * * *", "expected 5 fields (minute hour day-of-month month "
                          "day-of-week) or 6 with seconds first, got 7"),
        ("@daily 0", "expected 5 fields (minute hour day-of-month month "
                     "day-of-week) or 6 with seconds first, got 2"),
        ("@reboot", "unknown alias @reboot (known: @yearly, @annually, @monthly, "
                    "@weekly, @daily, @midnight, @hourly)"),
        ("60 * * * *", "the minute field '60' has a value outside 0-59"),
        ("0 24 * * *", "the hour field '24' has a value outside 0-23"),
        ("0 0 0 * *", "the day-of-month field '0' has a value outside 1-31"),
        ("0 0 32 * *", "the day-of-month field '32' has a value outside 1-31"),
        ("0 0 * 13 *", "the month field '13' has a value outside 1-12"),
        ("0 0 * * 8", "the day-of-week field '8' has a value outside 0-7"),
        ("1-60 * * * *", "the minute field '1-60' has a value outside 0-59"),
        ("60 0 * * * *", "the second field '60' has a value outside 0-59"),
        ("*/0 * * * *", "the minute field '*/0' has a step that is not a whole "
                        "number above 0"),
        ("0 1-5/ * * *", "the hour field '1-5/' has a step that is not a whole "
                         "number above 0"),
        ("1--2 * * * *", "the minute field '1--2' is not a value, a range (a-b), "
                         "a step (*/n, a-b/n) or a list of those (a,b)"),
        ("1,,2 * * * *", "the minute field '1,,2' is not a value, a range (a-b), "
                         "a step (*/n, a-b/n) or a list of those (a,b)"),
        ("0 0 * * FOO", "'FOO' in the day-of-week field 'FOO' is not a "
                        "day-of-week name (SUN-SAT)"),
        ("0 0 * January *", "'January' in the month field 'January' is not a "
                            "month name (JAN-DEC)"),
        # L, W and # belong to the day fields only
        ("0 L * * *", "'L' in the hour field 'L' is not a number"),
        ("0 0 * 15W *", "'W' in the month field '15W' is not a month name (JAN-DEC)"),
        ("H * * * *", "'H' in the minute field 'H' is not a number"),
        ("R * * * *", "'R' in the minute field 'R' is not a number"),
        ("0 0 * MON *", "'MON' in the month field 'MON' is not a month name (JAN-DEC)"),
        ("0 0 * 1#2 *", "'#' is not allowed in the month field '1#2'"),
        ("? 0 * * *", "'?' is not allowed in the minute field '?'"),
        ("0 0 1,? * *", "'?' is not allowed in the day-of-month field '1,?'"),
        ("0 0 30 2 *", "it never fires: none of its months has any of its days"),
        ("0 0 31 4,6,9,11 *", "it never fires: none of its months has any of its days"),
        ("0 0 30-31 feb ?", "it never fires: none of its months has any of its days"),
    ])
    def test_invalid(self, expression, reason):
        assert self._reason(expression) == reason

    def test_message_is_one_sentence_naming_the_expression(self):
        from zcron.exceptions import InvalidCronExpression, InvalidInput
        with pytest.raises(InvalidCronExpression) as info:
            self._makeOne("61 * * * *")
        assert isinstance(info.value, InvalidInput)
        assert isinstance(info.value, ValueError)
        assert str(info.value) == ("invalid cron expression '61 * * * *': "
                                   "the minute field '61' has a value outside 0-59")

    def test_not_a_string(self):
        assert self._reason(None) == "must be a string"

    def test_feb_29_fires(self):
        assert self._makeOne("0 0 29 2 *").fields.days == (29,)

    def test_either_day_rule_always_fires(self):
        assert self._makeOne("0 0 30 2 MON").fields.days_either

    @pytest.mark.parametrize("zone", [
        "Mars/Olympus_Mons", "utc", "", "../x", "/etc/passwd", "Europe",
        "Europe/", "zone.tab", "a\x00b", "Europe/Zurich "])
    def test_unknown_timezone(self, zone):
        from zcron.exceptions import UnknownTimezone
        with pytest.raises(UnknownTimezone) as info:
            self._makeOne("* * * * *", zone)
        assert info.value.value == zone
        assert info.value.reason == "not an IANA time zone name"

    def test_timezone_not_a_string(self):
        from zcron.exceptions import UnknownTimezone
        with pytest.raises(UnknownTimezone) as info:
            self._makeOne("* * * * *", UTC)
        assert info.value.reason == "must be a string"

    @pytest.mark.parametrize("after", [datetime(2025, 1, 1), "2025-01-01", None])
    def test_naive_after(self, after):
        from zcron.exceptions import InvalidInput
        with pytest.raises(InvalidInput) as info:
            self._makeOne("* * * * *").next_fire_time(after)
        assert info.value.field == "after"
        assert info.value.reason == "must be timezone-aware"


class TestDayRule:
    """crontab(5): restricted day-of-month OR restricted day-of-week."""

    def _makeOne(self, *a, **kw):
        from zcron.periodicity import CronPeriodicity
        return CronPeriodicity(*a, **kw)

    def _days(self, expression, after=utc(2025, 1, 1), n=8):  # noqa: B008 (immutable)
        return [t.date().isoformat() for t in
                self._makeOne(expression).fire_times(after, n=n)]

    def test_both_restricted_either_matches(self):
        # Mondays of January 2025: 6, 13, 20, 27
        assert self._days("0 0 1,15 * MON") == [
            "2025-01-06", "2025-01-13", "2025-01-15", "2025-01-20",
            "2025-01-27", "2025-02-01", "2025-02-03", "2025-02-10"]

    def test_star_step_is_unrestricted_so_both_must_match(self):
        # odd days that are Mondays: 13 and 27 January, 3 and 17 February
        assert self._days("0 0 */2 * MON", n=4) == [
            "2025-01-13", "2025-01-27", "2025-02-03", "2025-02-17"]

    def test_star_step_in_day_of_week(self):
        # "*/2" (SUN, TUE, THU, SAT) leaves it AND: the 1st and 15th only when
        # they fall on one of those; 1 and 15 January 2025 are Wednesdays
        assert self._days("0 0 1,15 * */2", n=3) == [
            "2025-02-01", "2025-02-15", "2025-03-01"]

    def test_day_of_month_only(self):
        assert self._days("0 0 10 * *", n=2) == ["2025-01-10", "2025-02-10"]

    def test_day_of_week_only(self):
        assert self._days("0 0 * * FRI", n=2) == ["2025-01-03", "2025-01-10"]

    def test_restricted_full_range_still_ors(self):
        assert self._days("0 0 1-31 * MON", n=3) == [
            "2025-01-02", "2025-01-03", "2025-01-04"]

    def test_question_mark_is_unrestricted(self):
        assert self._days("0 0 0 13 * ?", n=2) == ["2025-01-13", "2025-02-13"]

    def test_month_end(self):
        assert self._days("0 0 31 * *", n=4) == [
            "2025-01-31", "2025-03-31", "2025-05-31", "2025-07-31"]

    def test_weekday_and_month(self):
        assert self._days("0 0 * 2 SUN", n=2) == ["2025-02-02", "2025-02-09"]

    def test_rare_combination_far_away(self):
        # 29 February on a Sunday: 2032, then 2060
        assert self._days("0 0 29 2 */7", n=2) == ["2032-02-29", "2060-02-29"]

    def test_no_match_left_in_month(self):
        # odd days that are Wednesdays; from 30 Jan 2025 the next is 5 Feb
        assert self._days("0 0 */2 * WED", after=utc(2025, 1, 30), n=1) == [
            "2025-02-05"]


class TestNextFireTime:

    def _makeOne(self, *a, **kw):
        from zcron.periodicity import CronPeriodicity
        return CronPeriodicity(*a, **kw)

    def test_strictly_after(self):
        cron = self._makeOne("0 8 * * *")
        assert cron.next_fire_time(utc(2025, 1, 1, 8)) == utc(2025, 1, 2, 8)
        assert cron.next_fire_time(utc(2025, 1, 1, 7, 59, 59, 999999)) == utc(2025, 1, 1, 8)
        assert cron.next_fire_time(utc(2025, 1, 1, 8, 0, 0, 1)) == utc(2025, 1, 2, 8)

    def test_returned_in_the_zone_of_the_cron(self):
        from zoneinfo import ZoneInfo
        cron = self._makeOne("0 8 * * *", "Europe/Zurich")
        fire = cron.next_fire_time(utc(2025, 6, 1))
        assert fire.tzinfo is ZoneInfo("Europe/Zurich")
        assert fire.replace(tzinfo=None) == datetime(2025, 6, 1, 8)
        assert fire == utc(2025, 6, 1, 6)

    def test_after_in_any_zone(self):
        cron = self._makeOne("0 8 * * *", "Europe/Zurich")
        tokyo = zoned("Asia/Tokyo", 2025, 6, 1, 14, 59)     # 05:59 UTC
        assert cron.next_fire_time(tokyo) == utc(2025, 6, 1, 6)
        fixed = datetime(2025, 6, 1, 7, 59, tzinfo=timezone(timedelta(hours=2)))
        assert cron.next_fire_time(fixed) == utc(2025, 6, 1, 6)

    def test_end_of_hour_day_month_year(self):
        cron = self._makeOne("*/20 * * * *")
        assert cron.next_fire_time(utc(2025, 12, 31, 23, 40)) == utc(2026, 1, 1)
        cron = self._makeOne("59 23 * * *")
        assert cron.next_fire_time(utc(2025, 2, 28, 23, 59)) == utc(2025, 3, 1, 23, 59)

    def test_leap_day(self):
        cron = self._makeOne("0 0 29 2 *")
        assert list(cron.fire_times(utc(2025, 1, 1), n=3)) == [
            utc(2028, 2, 29), utc(2032, 2, 29), utc(2036, 2, 29)]
        # 2100 is not a leap year, 2400 is
        assert cron.next_fire_time(utc(2096, 3, 1)) == utc(2104, 2, 29)
        assert cron.next_fire_time(utc(2396, 3, 1)) == utc(2400, 2, 29)

    def test_month_end_skips_short_months(self):
        cron = self._makeOne("0 0 31 * *")
        assert list(cron.fire_times(utc(2025, 1, 31), n=3)) == [
            utc(2025, 3, 31), utc(2025, 5, 31), utc(2025, 7, 31)]

    def test_thirtieth_of_february_or_march(self):
        cron = self._makeOne("0 0 30 2,3 *")
        assert cron.next_fire_time(utc(2025, 1, 1)) == utc(2025, 3, 30)

    def test_last_second_of_the_calendar(self):
        cron = self._makeOne("0 0 * * *")
        assert cron.next_fire_time(utc(9999, 12, 31, 0, 0, 1)) is None
        cron = self._makeOne("* * * * *")
        assert cron.next_fire_time(utc(9999, 12, 31, 23, 59)) is None
        assert list(cron.fire_times(utc(9999, 12, 31, 23, 57))) == [
            utc(9999, 12, 31, 23, 58), utc(9999, 12, 31, 23, 59)]

    def test_beyond_the_calendar_in_a_zone(self):
        cron = self._makeOne("* * * * *", "Asia/Tokyo")
        assert cron.next_fire_time(utc(9999, 12, 31, 23, 0)) is None
        cron = self._makeOne("* * * * *", "America/New_York")
        assert cron.next_fire_time(zoned("America/New_York", 9999, 12, 31, 23)) is None

    def test_agrees_with_croniter_where_they_share_semantics(self):
        from croniter import croniter
        start = utc(2024, 2, 27, 13, 7, 11)
        for expression in ["*/7 * * * *", "0 */5 * * *", "15,45 9-17 * * 1-5",
                           "0 0 * 2 SUN", "0 12 1,15 * *", "30 6 */3 * *",
                           "0 0 28-31 * *", "10-50/15 * * * * *"]:
            ours = list(self._makeOne(expression).fire_times(start, n=60))
            iterator = croniter(expression, start, second_at_beginning=True)
            theirs = [iterator.get_next(datetime) for _ in range(60)]
            assert ours == theirs, expression


class TestLastAnswer:
    """The last answer is kept (a crontab's sync asks the same question of
    every cron sharing an expression); it must never answer another one."""

    def _makeOne(self, *a, **kw):
        from zcron.periodicity import CronPeriodicity
        return CronPeriodicity(*a, **kw)

    def test_same_question_same_answer(self):
        cron = self._makeOne("*/5 * * * *")
        first = cron.next_fire_time(utc(2026, 3, 1, 12, 1))
        assert cron.next_fire_time(utc(2026, 3, 1, 12, 1)) is first
        assert cron.next_fire_time(utc(2026, 3, 1, 12, 6)) == utc(2026, 3, 1, 12, 10)

    def test_dst_twins_are_different_questions(self):
        """01:30 happens twice in Zurich on 2025-10-26: equal as wall times."""
        from zoneinfo import ZoneInfo
        zone = ZoneInfo("Europe/Zurich")
        cron = self._makeOne("*/20 * * * *", "Europe/Zurich")
        early = datetime(2025, 10, 26, 2, 30, tzinfo=zone)          # CEST
        late = datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=zone)   # CET, an hour on
        assert early == late
        assert in_utc([cron.next_fire_time(early)]) == [datetime(2025, 10, 26, 0, 40)]
        assert in_utc([cron.next_fire_time(late)]) == [datetime(2025, 10, 26, 1, 40)]


class TestDaylightSaving:
    """cronie's rules: fixed-time crons fire once per reading, others follow
    elapsed time."""

    def _makeOne(self, *a, **kw):
        from zcron.periodicity import CronPeriodicity
        return CronPeriodicity(*a, **kw)

    def _day(self, expression, zone, start, end):
        cron = self._makeOne(expression, zone)
        times = list(cron.fire_times(start, until=end))
        instants = in_utc(times)
        assert instants == sorted(set(instants)), "not strictly increasing"
        return times

    def _brute_force(self, zone, start, end, matches):
        """Every UTC minute whose wall-clock reading matches: elapsed time."""
        from zoneinfo import ZoneInfo
        found, t = [], start
        while t <= end:
            if matches(t.astimezone(ZoneInfo(zone))):
                found.append(t.replace(tzinfo=None))
            t += timedelta(minutes=1)
        return found

    # -- Europe/Zurich: 2025-03-30 02:00 CET -> 03:00 CEST (01:00 UTC);
    #    2025-10-26 03:00 CEST -> 02:00 CET (01:00 UTC)

    def test_zurich_spring_fixed_time_fires_once_after_the_gap(self):
        times = self._day("30 2 * * *", "Europe/Zurich", utc(2025, 3, 29), utc(2025, 3, 31, 12))
        assert in_utc(times) == [datetime(2025, 3, 29, 1, 30), datetime(2025, 3, 30, 1),
                                 datetime(2025, 3, 31, 0, 30)]
        assert times[1].isoformat() == "2025-03-30T03:00:00+02:00"

    def test_zurich_spring_two_readings_in_the_gap_fire_once(self):
        times = self._day("0,30 2 * * *", "Europe/Zurich", utc(2025, 3, 29, 12), utc(2025, 3, 31, 1))
        assert in_utc(times) == [datetime(2025, 3, 30, 1), datetime(2025, 3, 31, 0),
                                 datetime(2025, 3, 31, 0, 30)]

    def test_zurich_spring_reading_after_the_gap_is_not_repeated(self):
        times = self._day("0 2,3 * * *", "Europe/Zurich", utc(2025, 3, 29, 12), utc(2025, 3, 30, 12))
        assert in_utc(times) == [datetime(2025, 3, 30, 1)]

    def test_zurich_spring_elapsed_time_skips_the_gap(self):
        start, end = utc(2025, 3, 29, 22), utc(2025, 3, 30, 23)
        times = self._day("*/15 * * * *", "Europe/Zurich", start, end)
        assert in_utc(times) == self._brute_force(
            "Europe/Zurich", start + timedelta(minutes=1), end, lambda t: t.minute % 15 == 0)
        assert len(times) == 25 * 4     # 25 real hours, none lost
        assert "2025-03-30T01:45:00+01:00" in [t.isoformat() for t in times]
        assert not [t for t in times if t.hour == 2]

    def test_zurich_spring_every_minute_of_hour_2_never_fires_that_day(self):
        times = self._day("* 2 * * *", "Europe/Zurich", utc(2025, 3, 29, 12), utc(2025, 3, 31, 12))
        assert in_utc(times)[0] == datetime(2025, 3, 31, 0)
        assert len(times) == 60

    def test_zurich_fall_fixed_time_fires_at_first_reading(self):
        times = self._day("30 2 * * *", "Europe/Zurich", utc(2025, 10, 25), utc(2025, 10, 27, 12))
        assert in_utc(times) == [datetime(2025, 10, 25, 0, 30), datetime(2025, 10, 26, 0, 30),
                                 datetime(2025, 10, 27, 1, 30)]
        assert times[1].fold == 0

    def test_zurich_fall_fixed_time_after_first_reading(self):
        cron = self._makeOne("30 2 * * *", "Europe/Zurich")
        second_reading = zoned("Europe/Zurich", 2025, 10, 26, 2, 10, fold=1)
        assert cron.next_fire_time(second_reading) == utc(2025, 10, 27, 1, 30)
        assert cron.next_fire_time(utc(2025, 10, 26, 0, 30)) == utc(2025, 10, 27, 1, 30)

    def test_zurich_fall_elapsed_time_repeats_the_hour(self):
        start, end = utc(2025, 10, 25, 22), utc(2025, 10, 26, 23)
        times = self._day("*/30 * * * *", "Europe/Zurich", start, end)
        assert in_utc(times) == self._brute_force(
            "Europe/Zurich", start + timedelta(minutes=1), end, lambda t: t.minute % 30 == 0)
        assert len(times) == 25 * 2
        readings = [(t.isoformat(), t.fold) for t in times if t.hour == 2]
        assert readings == [("2025-10-26T02:00:00+02:00", 0), ("2025-10-26T02:30:00+02:00", 0),
                            ("2025-10-26T02:00:00+01:00", 1), ("2025-10-26T02:30:00+01:00", 1)]

    def test_zurich_fall_every_minute_of_hour_2_fires_120_times(self):
        times = self._day("* 2 * * *", "Europe/Zurich", utc(2025, 10, 25, 12), utc(2025, 10, 26, 12))
        assert len(times) == 120
        assert in_utc(times)[0] == datetime(2025, 10, 26, 0)
        assert in_utc(times)[-1] == datetime(2025, 10, 26, 1, 59)

    # -- America/New_York: 2024-03-10 02:00 EST -> 03:00 EDT (07:00 UTC);
    #    2024-11-03 02:00 EDT -> 01:00 EST (06:00 UTC)

    def test_new_york_spring_fixed_time(self):
        times = self._day("30 2 * * *", "America/New_York", utc(2024, 3, 9, 12), utc(2024, 3, 11, 12))
        assert in_utc(times) == [datetime(2024, 3, 10, 7), datetime(2024, 3, 11, 6, 30)]
        assert times[0].isoformat() == "2024-03-10T03:00:00-04:00"

    def test_new_york_spring_elapsed_time(self):
        start, end = utc(2024, 3, 10, 4), utc(2024, 3, 11, 4)
        times = self._day("0 * * * *", "America/New_York", start, end)
        assert in_utc(times) == self._brute_force(
            "America/New_York", start + timedelta(minutes=1), end, lambda t: t.minute == 0)
        assert [t.hour for t in times][:4] == [0, 1, 3, 4]

    def test_new_york_fall_fixed_time(self):
        times = self._day("30 1 * * *", "America/New_York", utc(2024, 11, 2, 12), utc(2024, 11, 4, 12))
        assert in_utc(times) == [datetime(2024, 11, 3, 5, 30), datetime(2024, 11, 4, 6, 30)]

    def test_new_york_fall_hour_ahead_repeats_earlier_reading(self):
        # after 01:20 EDT, 01:00 EST (06:00 UTC) comes before 02:00 EST
        cron = self._makeOne("0 * * * *", "America/New_York")
        after = zoned("America/New_York", 2024, 11, 3, 1, 20)
        first = cron.next_fire_time(after)
        # PEP 495: == across zones is False for a repeated reading; compare in UTC
        assert first.astimezone(UTC) == utc(2024, 11, 3, 6)
        assert (first.hour, first.minute, first.fold) == (1, 0, 1)
        assert cron.next_fire_time(first).isoformat() == "2024-11-03T02:00:00-05:00"

    def test_new_york_fall_later_first_reading_comes_before_the_repeat(self):
        cron = self._makeOne("*/20 * * * *", "America/New_York")
        assert in_utc(cron.fire_times(zoned("America/New_York", 2024, 11, 3, 1, 20), n=5)) == [
            datetime(2024, 11, 3, 5, 40), datetime(2024, 11, 3, 6),
            datetime(2024, 11, 3, 6, 20), datetime(2024, 11, 3, 6, 40),
            datetime(2024, 11, 3, 7)]

    def test_new_york_fall_elapsed_time_whole_day(self):
        start, end = utc(2024, 11, 3, 3), utc(2024, 11, 4, 5)
        times = self._day("*/10 * * * *", "America/New_York", start, end)
        assert in_utc(times) == self._brute_force(
            "America/New_York", start + timedelta(minutes=1), end, lambda t: t.minute % 10 == 0)
        assert len(times) == 26 * 6

    def test_new_york_fall_per_second(self):
        cron = self._makeOne("* * * * * *", "America/New_York")
        times = list(cron.fire_times(utc(2024, 11, 3, 5, 59, 58), n=3))
        assert in_utc(times) == [datetime(2024, 11, 3, 5, 59, 59), datetime(2024, 11, 3, 6),
                                 datetime(2024, 11, 3, 6, 0, 1)]
        assert [t.isoformat() for t in times] == [
            "2024-11-03T01:59:59-04:00", "2024-11-03T01:00:00-05:00",
            "2024-11-03T01:00:01-05:00"]

    def test_new_york_spring_per_second(self):
        cron = self._makeOne("* * * * * *", "America/New_York")
        times = list(cron.fire_times(utc(2024, 3, 10, 6, 59, 58), n=2))
        assert [t.isoformat() for t in times] == [
            "2024-03-10T01:59:59-05:00", "2024-03-10T03:00:00-04:00"]

    def test_fixed_time_every_second_of_a_repeated_minute(self):
        cron = self._makeOne("* 30 1 * * *", "America/New_York")
        times = list(cron.fire_times(utc(2024, 11, 3), until=utc(2024, 11, 4)))
        assert len(times) == 60
        assert times[0].astimezone(UTC) == utc(2024, 11, 3, 5, 30)
        second_reading = zoned("America/New_York", 2024, 11, 3, 1, 30, 5, fold=1)
        assert cron.next_fire_time(second_reading) == utc(2024, 11, 4, 6, 30)

    def test_after_a_reading_that_does_not_exist(self):
        # 02:30 on spring day does not exist: fold=0 reads it as EST, 07:30 UTC
        cron = self._makeOne("*/15 * * * *", "America/New_York")
        after = zoned("America/New_York", 2024, 3, 10, 2, 30)
        assert cron.next_fire_time(after) == utc(2024, 3, 10, 7, 45)

    def test_repeat_when_nothing_later_fires(self):
        # 9999-11-07, first Sunday of November: the last readings that fire
        # are the repeats of 01:00 and 01:30
        cron = self._makeOne("*/30 1 7 11 *", "America/New_York")
        after = zoned("America/New_York", 9999, 11, 7, 1, 40)
        assert [t.isoformat() for t in cron.fire_times(after)] == [
            "9999-11-07T01:00:00-05:00", "9999-11-07T01:30:00-05:00"]

    # -- Australia/Sydney: 2025-04-06 03:00 AEDT -> 02:00 AEST (16:00 UTC);
    #    2025-10-05 02:00 AEST -> 03:00 AEDT (16:00 UTC)

    def test_sydney_fall_back_in_april(self):
        times = self._day("0 2 * * *", "Australia/Sydney", utc(2025, 4, 4, 12), utc(2025, 4, 6, 18))
        assert [t.isoformat() for t in times] == [
            "2025-04-05T02:00:00+11:00", "2025-04-06T02:00:00+11:00",
            "2025-04-07T02:00:00+10:00"]
        hourly = self._day("@hourly", "Australia/Sydney", utc(2025, 4, 5, 14, 30), utc(2025, 4, 5, 17, 30))
        assert [t.isoformat() for t in hourly] == [
            "2025-04-06T02:00:00+11:00", "2025-04-06T02:00:00+10:00",
            "2025-04-06T03:00:00+10:00"]

    def test_sydney_spring_forward_in_october(self):
        times = self._day("30 2 * * *", "Australia/Sydney", utc(2025, 10, 4, 12), utc(2025, 10, 5, 12))
        assert [t.isoformat() for t in times] == ["2025-10-05T03:00:00+11:00"]
        hourly = self._day("@hourly", "Australia/Sydney", utc(2025, 10, 4, 14, 30), utc(2025, 10, 4, 17, 30))
        assert [t.isoformat() for t in hourly] == [
            "2025-10-05T01:00:00+10:00", "2025-10-05T03:00:00+11:00",
            "2025-10-05T04:00:00+11:00"]


class TestFireTimes:

    def _makeOne(self, *a, **kw):
        from zcron.periodicity import CronPeriodicity
        return CronPeriodicity(*a, **kw)

    def test_n(self):
        cron = self._makeOne("0 * * * *")
        assert list(cron.fire_times(utc(2025, 1, 1), n=2)) == [
            utc(2025, 1, 1, 1), utc(2025, 1, 1, 2)]
        assert list(cron.fire_times(utc(2025, 1, 1), n=0)) == []

    def test_until_is_inclusive(self):
        cron = self._makeOne("0 * * * *")
        assert list(cron.fire_times(utc(2025, 1, 1), until=utc(2025, 1, 1, 3))) == [
            utc(2025, 1, 1, 1), utc(2025, 1, 1, 2), utc(2025, 1, 1, 3)]

    def test_n_and_until(self):
        cron = self._makeOne("0 * * * *")
        assert len(list(cron.fire_times(utc(2025, 1, 1), n=2, until=utc(2025, 1, 2)))) == 2
        assert len(list(cron.fire_times(utc(2025, 1, 1), n=50, until=utc(2025, 1, 2)))) == 24

    def test_unbounded(self):
        from itertools import islice
        cron = self._makeOne("0 0 * * *")
        assert list(islice(cron.fire_times(utc(2025, 1, 1)), 400))[-1] == utc(2026, 2, 5)

    def test_until_in_the_zone_of_the_cron_compares_instants(self):
        cron = self._makeOne("*/20 * * * *", "America/New_York")
        until = zoned("America/New_York", 2024, 11, 3, 1, 0, fold=1)   # 06:00 UTC
        times = list(cron.fire_times(utc(2024, 11, 3, 5), until=until))
        assert in_utc(times) == [datetime(2024, 11, 3, 5, 20), datetime(2024, 11, 3, 5, 40),
                                 datetime(2024, 11, 3, 6)]

    def test_checks_arguments_at_once(self):
        from zcron.exceptions import InvalidInput
        cron = self._makeOne("0 * * * *")
        with pytest.raises(InvalidInput) as info:
            cron.fire_times(datetime(2025, 1, 1))
        assert info.value.field == "after"
        with pytest.raises(InvalidInput) as info:
            cron.fire_times(utc(2025, 1, 1), until=datetime(2025, 1, 2))
        assert info.value.field == "until"
        for n in (-1, 1.5, "3"):
            with pytest.raises(InvalidInput) as info:
                cron.fire_times(utc(2025, 1, 1), n=n)
            assert info.value.field == "n"


class TestDescribe:

    def _makeOne(self, *a, **kw):
        from zcron.periodicity import CronPeriodicity
        return CronPeriodicity(*a, **kw)

    @pytest.mark.parametrize("expression, words", [
        ("* * * * *", "every minute"),
        ("*/5 * * * *", "every 5 minutes"),
        ("*/7 * * * *", "every 7th minute"),
        ("0 8 * * 1-5", "at 08:00 on weekdays"),
        ("30 2 * * *", "at 02:30 every day"),
        ("0 * * * *", "every hour at minute 0"),
        ("@hourly", "every hour at minute 0"),
        ("0,30 * * * *", "every 30 minutes"),
        ("15,45 * * * *", "every hour at minutes 15 and 45"),
        ("* * * * * *", "every second"),
        ("*/10 * * * * *", "every 10 seconds"),
        ("30 * * * * *", "every minute at second 30"),
        ("30 * 2 * * *", "every minute at second 30 of hour 2"),
        ("0 * * * * *", "every minute"),
        ("30 0 8 * * *", "at 08:00:30 every day"),
        ("*/10 30 8 * * *", "every 10 seconds during 08:30"),
        ("* * 2 * * *", "every second of hour 2"),
        ("15,45 0-10 8,20 * * *", "at seconds 15 and 45 of minutes 0 to 10 of hours 8 and 20"),
        ("*/30 */5 * * * *", "every 30 seconds of every 5th minute"),
        ("0 0 1 * *", "at 00:00 on day 1 of the month"),
        ("0 8 * * MON,FRI", "at 08:00 on Monday and Friday"),
        ("0 8 * * 6,0", "at 08:00 on weekends"),
        ("0 0 * * FRI-MON", "at 00:00 on Monday and Friday to Sunday"),
        ("@weekly", "at 00:00 on Sunday"),
        ("@yearly", "at 00:00 on 1 January"),
        ("0 0 29 2 *", "at 00:00 on 29 February"),
        ("0,30 8,17 * * *", "at 08:00, 08:30, 17:00 and 17:30 every day"),
        ("0 9-17 * * 1-5", "every hour from 09:00 to 17:00 on weekdays"),
        ("0 */2 * * *", "every 2 hours at minute 0"),
        ("0 */5 * * *", "every 5th hour at minute 0"),
        ("0 1,3,5,8,13 * * *", "at minute 0 past hours 1, 3, 5, 8 and 13"),
        ("* 2 * * *", "every minute of hour 2"),
        ("*/15 9-17 * * *", "every 15 minutes of hours 9 to 17"),
        ("* */2 * * *", "every minute of every 2nd hour"),
        ("0 0 1,15 * *", "at 00:00 on days 1 and 15 of the month"),
        ("0 0 */2 * *", "at 00:00 on every 2nd day of the month"),
        ("0 0 1,15 * MON", "at 00:00 on days 1 and 15 of the month or on Monday"),
        ("0 0 1-31 * MON", "at 00:00 every day"),
        ("0 0 */2 * MON,WED", "at 00:00 on every 2nd day of the month if it is a "
                              "Monday or Wednesday"),
        ("0 0 10 * 1-5", "at 00:00 on day 10 of the month or on weekdays"),
        ("0 12 * JAN,JUL *", "at 12:00 every day in January and July"),
        ("0 12 1 MAR-MAY *", "at 12:00 on day 1 of the month in March to May"),
        ("0 12 * 1-6 MON", "at 12:00 on Monday in January to June"),
        ("*/5 * * DEC *", "every 5 minutes in December"),
        ("0 0 1,2,3,21,22,23 * *", "at 00:00 on days 1 to 3 and 21 to 23 of the month"),
        ("0 0 11,12,13 * *", "at 00:00 on days 11 to 13 of the month"),
        ("*/11 * * * *", "every 11th minute"),
        ("*/12 * * * *", "every 12 minutes"),
        ("0 */13 * * *", "at 00:00 and 13:00 every day"),
        ("0 0 */3 * *", "at 00:00 on every 3rd day of the month"),
        ("0 0 */21 * *", "at 00:00 on every 21st day of the month"),
        ("0 0 */22 * *", "at 00:00 on every 22nd day of the month"),
        ("0 0 */23 * *", "at 00:00 on every 23rd day of the month"),
        ("0 0 */11 * *", "at 00:00 on every 11th day of the month"),
        ("0 0 2-31/2 * *", "at 00:00 on days 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, "
                           "22, 24, 26, 28 and 30 of the month"),
        ("0 0 1,3,6 * *", "at 00:00 on days 1, 3 and 6 of the month"),
    ])
    def test_describe(self, expression, words):
        assert self._makeOne(expression).describe() == words


class TestEquality:

    def _makeOne(self, *a, **kw):
        from zcron.periodicity import CronPeriodicity
        return CronPeriodicity(*a, **kw)

    def test_equal_by_kind_expression_and_zone(self):
        one = self._makeOne("0 8 * * *", "Europe/Zurich")
        other = self._makeOne(" 0  8 * * * ", "Europe/Zurich")
        assert one == other
        assert hash(one) == hash(other)
        assert len({one, other}) == 1

    def test_different_zone_or_expression(self):
        one = self._makeOne("0 8 * * *", "Europe/Zurich")
        assert one != self._makeOne("0 8 * * *", "UTC")
        assert one != self._makeOne("0 8 * * 0-7", "Europe/Zurich")
        assert one != "0 8 * * *"

    def test_repr(self):
        assert repr(self._makeOne("@daily", "UTC")) == (
            "CronPeriodicity('@daily', timezone='UTC')")

    def test_provides_interface(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import IPeriodicity
        assert verifyObject(IPeriodicity, self._makeOne("* * * * *"))

    def test_base_needs_next_fire_time(self):
        from zcron.periodicity.base import Periodicity
        base = Periodicity("x", "UTC")
        with pytest.raises(NotImplementedError):
            base.next_fire_time(utc(2025, 1, 1))
        assert base != self._makeOne("* * * * *")


class TestGetPeriodicity:

    def _callFUT(self, *a, **kw):
        from zcron.periodicity import get_periodicity
        return get_periodicity(*a, **kw)

    def test_same_object(self):
        from zcron.periodicity import CronPeriodicity
        one = self._callFUT("*/5 * * * *", "Europe/Zurich")
        assert isinstance(one, CronPeriodicity)
        assert self._callFUT("*/5 * * * *", "Europe/Zurich") is one
        assert self._callFUT("*/5 * * * *", timezone="Europe/Zurich") is one
        assert self._callFUT(expression="*/5 * * * *", timezone="Europe/Zurich") is one

    def test_default_zone(self):
        assert self._callFUT("0 * * * *") is self._callFUT("0 * * * *", "UTC")

    def test_errors_are_raised_every_time(self):
        from zcron.exceptions import InvalidCronExpression, UnknownTimezone
        for _ in range(2):
            with pytest.raises(InvalidCronExpression):
                self._callFUT("61 * * * *")
            with pytest.raises(UnknownTimezone):
                self._callFUT("* * * * *", "Nowhere/Special")

    def test_cache_is_bounded(self):
        from zcron.periodicity import _shared
        assert _shared.cache_info().maxsize == 4096
