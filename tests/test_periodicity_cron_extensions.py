"""The Quartz day items of cron expressions (L, LW, nW; d#n, dL) and the
grammar faults found by running cronsim's and croniter's test suites.

Every expected day below was read by hand off ``calendar.month(y, m)``
before the code ran. croniter is the second opinion where it agrees:
it reads ``L``, ``nW``, ``d#n`` and ``Ld`` as we do, but not ``LW`` nor
``dL``; for a day n the month lacks it fires ``nW`` on the last day's
weekday (``30W`` in February: the 27th or 28th), where we, like Quartz's
"nearest weekday *to day n*", fire nothing that month (so ``0 0 30W 2 *``
never fires and is refused). cronsim has no ``nW`` at all.
"""
from datetime import datetime, timezone

import pytest

UTC = timezone.utc


def cron(expression, zone="UTC"):
    from zcron.periodicity import CronPeriodicity
    return CronPeriodicity(expression, zone)


def first_in(expression, year, month):
    """The first fire time after the month's first midnight, naive UTC."""
    after = datetime(year, month, 1, tzinfo=UTC)
    return cron(expression).next_fire_time(after).replace(tzinfo=None)


def fires(expression, after, zone="UTC", n=4):
    times = cron(expression, zone).fire_times(after, n=n)
    return [t.astimezone(UTC).replace(tzinfo=None) for t in times]


def reason(expression):
    from zcron.exceptions import InvalidCronExpression, InvalidInput
    with pytest.raises(InvalidCronExpression) as info:
        cron(expression)
    assert isinstance(info.value, InvalidInput)
    assert info.value.value == expression
    assert "\n" not in str(info.value)
    return info.value.reason


def noon(year, month, day):
    return datetime(year, month, day, 12)


def utc(*args):
    """A naive UTC datetime, as ``fires`` returns them."""
    return datetime(*args)


# -- L: the last day of the month ------------------------------------------

@pytest.mark.parametrize("year, month, day", [
    (2026, 1, 31), (2026, 2, 28), (2026, 3, 31), (2026, 4, 30), (2026, 5, 31),
    (2026, 6, 30), (2026, 7, 31), (2026, 8, 31), (2026, 9, 30), (2026, 10, 31),
    (2026, 11, 30), (2026, 12, 31), (2028, 2, 29), (2027, 2, 28), (2000, 2, 29),
    (2100, 2, 28), (2400, 2, 29),
])
def test_last_day(year, month, day):
    assert first_in("0 12 L * *", year, month) == noon(year, month, day)


# -- LW: the last weekday (Mon-Fri) of the month ---------------------------

@pytest.mark.parametrize("year, month, day", [
    (2026, 1, 30),      # the 31st is a Saturday
    (2026, 2, 27),      # the 28th is a Saturday
    (2026, 3, 31), (2026, 4, 30),
    (2026, 5, 29),      # the 31st is a Sunday
    (2026, 6, 30), (2026, 7, 31), (2026, 8, 31), (2026, 9, 30),
    (2026, 10, 30),     # the 31st is a Saturday
    (2026, 11, 30), (2026, 12, 31),
    (2025, 8, 29),      # the 31st is a Sunday
    (2025, 11, 28),     # the 30th is a Sunday
    (2027, 2, 26),      # the 28th is a Sunday
    (2028, 2, 29),      # a Tuesday
])
def test_last_weekday(year, month, day):
    assert first_in("0 12 LW * *", year, month) == noon(year, month, day)


# -- nW: the weekday nearest day n, within the month -----------------------

@pytest.mark.parametrize("n, year, month, expected", [
    (1, 2026, 1, (2026, 1, 1)),     # a Thursday
    (1, 2026, 2, (2026, 2, 2)),     # Sunday 1st -> Monday 2nd
    (1, 2026, 8, (2026, 8, 3)),     # Saturday 1st -> Monday 3rd, not Friday 31 July
    (1, 2026, 11, (2026, 11, 2)),   # Sunday 1st -> Monday 2nd
    (1, 2026, 5, (2026, 5, 1)),     # a Friday
    (15, 2026, 1, (2026, 1, 15)),   # a Thursday
    (15, 2026, 2, (2026, 2, 16)),   # Sunday -> Monday 16th
    (15, 2026, 8, (2026, 8, 14)),   # Saturday -> Friday 14th
    (15, 2026, 11, (2026, 11, 16)),  # Sunday -> Monday 16th
    (15, 2026, 6, (2026, 6, 15)),   # a Monday
    (31, 2026, 5, (2026, 5, 29)),   # Sunday 31st -> Friday 29th, not Monday 1 June
    (31, 2026, 1, (2026, 1, 30)),   # Saturday 31st -> Friday 30th
    (31, 2026, 3, (2026, 3, 31)),   # a Tuesday
    (31, 2026, 4, (2026, 5, 29)),   # April has no 31st: none in April
    (30, 2026, 2, (2026, 3, 30)),   # February has no 30th: Monday 30 March
    (30, 2026, 5, (2026, 5, 29)),   # Saturday 30th -> Friday 29th
    (30, 2026, 8, (2026, 8, 31)),   # Sunday 30th, not the last day -> Monday 31st
    (28, 2026, 2, (2026, 2, 27)),   # Saturday 28th, the last day -> Friday 27th
    (29, 2027, 2, (2027, 3, 29)),   # no 29 February in 2027: Monday 29 March
    (29, 2028, 2, (2028, 2, 29)),   # a Tuesday
])
def test_nearest_weekday(n, year, month, expected):
    assert first_in(f"0 12 {n}W * *", year, month) == noon(*expected)


# -- d#n: the n-th weekday d of the month ----------------------------------

@pytest.mark.parametrize("expression, year, month, expected", [
    ("0 12 * * 1#1", 2026, 1, (2026, 1, 5)),
    ("0 12 * * 1#1", 2026, 2, (2026, 2, 2)),
    ("0 12 * * MON#1", 2026, 4, (2026, 4, 6)),
    ("0 12 * * mon#1", 2026, 6, (2026, 6, 1)),
    ("0 12 * * 1#1", 2026, 9, (2026, 9, 7)),
    ("0 12 * * 1#1", 2026, 12, (2026, 12, 7)),
    ("0 12 * * FRI#2", 2026, 1, (2026, 1, 9)),
    ("0 12 * * 5#2", 2026, 5, (2026, 5, 8)),
    ("0 12 * * Fri#2", 2026, 10, (2026, 10, 9)),
    ("0 12 * * SAT#3", 2026, 5, (2026, 5, 16)),
    ("0 12 * * 0#1", 2026, 2, (2026, 2, 1)),
    ("0 12 * * 7#1", 2026, 2, (2026, 2, 1)),
    ("0 12 * * SUN#1", 2026, 3, (2026, 3, 1)),
    ("0 12 * * 4#5", 2026, 1, (2026, 1, 29)),
    # no 5th Monday in January or February 2026: the next is 30 March
    ("0 12 * * 1#5", 2026, 1, (2026, 3, 30)),
    ("0 12 * * 1#5", 2026, 4, (2026, 6, 29)),
    ("0 12 * * 1#5", 2026, 7, (2026, 8, 31)),
    ("0 12 * * 1#5", 2026, 9, (2026, 11, 30)),
    # a 5th Monday in February: 29 February 2044, 28 years after 2016
    ("0 12 * 2 MON#5", 2017, 1, (2044, 2, 29)),
])
def test_nth_weekday(expression, year, month, expected):
    assert first_in(expression, year, month) == noon(*expected)


# -- dL, Ld: the last weekday d of the month ---------------------------------

@pytest.mark.parametrize("year, month, day", [
    (2026, 1, 30), (2026, 2, 27), (2026, 3, 27), (2026, 4, 24), (2026, 5, 29),
    (2026, 6, 26), (2026, 7, 31), (2026, 8, 28), (2026, 9, 25), (2026, 10, 30),
    (2026, 11, 27), (2026, 12, 25), (2027, 2, 26), (2028, 2, 25), (2025, 8, 29),
])
@pytest.mark.parametrize("text", ["5L", "FRIL", "friL", "L5", "Lfri"])
def test_last_friday(text, year, month, day):
    assert first_in(f"0 12 * * {text}", year, month) == noon(year, month, day)


@pytest.mark.parametrize("expression, year, month, day", [
    ("0 12 * * 0L", 2026, 3, 29), ("0 12 * * 7L", 2026, 10, 25),
    ("0 12 * * SUNL", 2026, 5, 31), ("0 12 * * 1L", 2026, 8, 31),
    ("0 12 * * L1", 2026, 5, 25), ("0 12 * * 6L", 2026, 2, 28),
    ("0 12 * * 2L", 2028, 2, 29), ("0 12 * * 3L", 2026, 4, 29),
])
def test_last_weekday_of_any_day(expression, year, month, day):
    assert first_in(expression, year, month) == noon(year, month, day)


# -- lists and the day-of-month / day-of-week OR rule -------------------------

def test_lists_mix_rules_and_values():
    assert fires("0 12 1,L * *", datetime(2026, 1, 1, tzinfo=UTC)) == [
        noon(2026, 1, 1), noon(2026, 1, 31), noon(2026, 2, 1), noon(2026, 2, 28)]
    assert fires("0 12 * * MON#1,FRI#3", datetime(2026, 1, 1, tzinfo=UTC)) == [
        noon(2026, 1, 5), noon(2026, 1, 16), noon(2026, 2, 2), noon(2026, 2, 20)]
    assert fires("0 12 15W,LW * *", datetime(2026, 5, 1, tzinfo=UTC)) == [
        noon(2026, 5, 15), noon(2026, 5, 29), noon(2026, 6, 15), noon(2026, 6, 30)]
    assert fires("0 12 * * SAT,5L", datetime(2026, 1, 20, tzinfo=UTC)) == [
        noon(2026, 1, 24), noon(2026, 1, 30), noon(2026, 1, 31), noon(2026, 2, 7)]


def test_both_day_fields_restricted_match_either():
    # the last day of the month, or a Monday: January 2026's Mondays are
    # 5, 12, 19, 26
    assert fires("0 12 L * MON", datetime(2026, 1, 20, tzinfo=UTC)) == [
        noon(2026, 1, 26), noon(2026, 1, 31), noon(2026, 2, 2), noon(2026, 2, 9)]
    # the 1st, or the first Friday (2 January, 6 February)
    assert fires("0 12 1 * FRI#1", datetime(2025, 12, 31, tzinfo=UTC)) == [
        noon(2026, 1, 1), noon(2026, 1, 2), noon(2026, 2, 1), noon(2026, 2, 6)]
    assert cron("0 12 LW * 5L").fields.days_either


def test_one_day_field_unrestricted_means_both():
    # "*/2" leaves the day-of-week field unrestricted: the last day of the
    # month when it is a Sunday, Tuesday, Thursday or Saturday
    assert fires("0 12 L * */2", datetime(2026, 1, 1, tzinfo=UTC), n=3) == [
        noon(2026, 1, 31), noon(2026, 2, 28), noon(2026, 3, 31)]
    # the last Friday of the month when it is an odd day (30 January is not)
    assert fires("0 12 */2 * 5L", datetime(2026, 1, 1, tzinfo=UTC), n=3) == [
        noon(2026, 2, 27), noon(2026, 3, 27), noon(2026, 5, 29)]


@pytest.mark.parametrize("expression", [
    "0 0 L * *", "0 9 15W * *", "0 9 1W * *", "0 9 31W 1,3,5,7,8,10,12 *",
    "0 9 * * 1#1", "0 9 * * 5#5", "0 17 * * L5", "0 0 1,L * *", "0 0 * * 0#2",
])
def test_agrees_with_croniter(expression):
    from croniter import croniter
    start = datetime(2025, 1, 1, tzinfo=UTC)
    ours = fires(expression, start, n=40)
    iterator = croniter(expression, start.replace(tzinfo=None))
    assert ours == [iterator.get_next(datetime) for _ in range(40)]


def test_where_croniter_disagrees():
    from croniter import croniter
    # croniter fires 31W in April on the 30th; we skip April, like Quartz
    theirs = croniter("0 0 31W * *", datetime(2026, 4, 1)).get_next(datetime)
    assert theirs == datetime(2026, 4, 30)
    assert first_in("0 12 31W * *", 2026, 4) == noon(2026, 5, 29)


# -- DST: the same ZonedSchedule as any cron ---------------------------------

@pytest.mark.parametrize("expression, zone, after, expected", [
    # Europe/Zurich: 29 March 2026 02:00 CET -> 03:00 CEST (01:00 UTC);
    # 25 October 2026 03:00 CEST -> 02:00 CET (01:00 UTC); both last Sundays
    ("30 2 * * 0L", "Europe/Zurich", (2026, 3, 20),
     [utc(2026, 3, 29, 1), utc(2026, 4, 26, 0, 30)]),
    ("30 2 * * 7L", "Europe/Zurich", (2026, 10, 20),
     [utc(2026, 10, 25, 0, 30), utc(2026, 11, 29, 1, 30)]),
    ("*/30 2 * * SUNL", "Europe/Zurich", (2026, 3, 20),
     [utc(2026, 4, 26, 0), utc(2026, 4, 26, 0, 30)]),
    ("*/30 2 * * SUNL", "Europe/Zurich", (2026, 10, 20),
     [utc(2026, 10, 25, 0), utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1),
      utc(2026, 10, 25, 1, 30)]),
    # America/New_York: 8 March 2026 (second Sunday) 02:00 EST -> 03:00 EDT
    # (07:00 UTC); 1 November 2026 (first Sunday) 02:00 EDT -> 01:00 EST
    ("30 2 * * SUN#2", "America/New_York", (2026, 3, 1),
     [utc(2026, 3, 8, 7), utc(2026, 4, 12, 6, 30)]),
    ("30 1 * * 0#1", "America/New_York", (2026, 10, 20),
     [utc(2026, 11, 1, 5, 30), utc(2026, 12, 6, 6, 30)]),
    # Australia/Lord_Howe, a 30-minute shift: 5 April 2026 (first Sunday)
    # 02:00 +11 -> 01:30 +10:30 (15:00 UTC on the 4th); 4 October 2026
    # 02:00 +10:30 -> 02:30 +11 (15:30 UTC on the 3rd)
    ("45 1 * * 7#1", "Australia/Lord_Howe", (2026, 4, 1),
     [utc(2026, 4, 4, 14, 45), utc(2026, 5, 2, 15, 15)]),
    ("15 2 * * 0#1", "Australia/Lord_Howe", (2026, 9, 20),
     [utc(2026, 10, 3, 15, 30), utc(2026, 10, 31, 15, 15)]),
    ("*/15 1 * * SUN#1", "Australia/Lord_Howe", (2026, 4, 1),
     [utc(2026, 4, 4, 14), utc(2026, 4, 4, 14, 15), utc(2026, 4, 4, 14, 30),
      utc(2026, 4, 4, 14, 45), utc(2026, 4, 4, 15), utc(2026, 4, 4, 15, 15)]),
])
def test_dst(expression, zone, after, expected):
    start = datetime(*after, tzinfo=UTC)
    assert fires(expression, start, zone, n=len(expected)) == expected


# -- describe ------------------------------------------------------------------

@pytest.mark.parametrize("expression, words", [
    ("0 17 * * 5L", "at 17:00 on the last Friday of the month"),
    ("0 9 * * 1#1", "at 09:00 on the first Monday of the month"),
    ("0 18 L * *", "at 18:00 on the last day of the month"),
    ("0 9 15W * *", "at 09:00 on the weekday nearest the 15th"),
    ("0 9 LW * *", "at 09:00 on the last weekday of the month"),
    ("0 0 1,L * *", "at 00:00 on day 1 of the month and the last day of the month"),
    ("0 0 * * MON#1,FRI#3",
     "at 00:00 on the first Monday and the third Friday of the month"),
    ("0 0 * * MON,5L", "at 00:00 on Monday and the last Friday of the month"),
    ("0 0 L * MON", "at 00:00 on the last day of the month or on Monday"),
    ("0 0 L * */2", "at 00:00 on the last day of the month if it is a Tuesday, "
                    "Thursday, Saturday or Sunday"),
    ("0 0 */2 * 5L", "at 00:00 on every 2nd day of the month if it is the last "
                     "Friday of the month"),
    ("0 0 L 2 *", "at 00:00 on the last day of the month in February"),
    ("0 0 * * 2#2,4#4", "at 00:00 on the second Tuesday and the fourth Thursday "
                        "of the month"),
])
def test_describe(expression, words):
    assert cron(expression).describe() == words


# -- bad input -----------------------------------------------------------------

DAY_FORMS = ("is not a day, L (the last day), LW (the last weekday) or nW "
             "(the weekday nearest day n)")
WEEKDAY_FORMS = ("is not a day of the week, d#n (the n-th weekday d) or dL "
                 "(the last weekday d)")


@pytest.mark.parametrize("expression, expected", [
    ("0 0 * * 1#6", "the day-of-week field '1#6' has an occurrence outside 1-5 in '1#6'"),
    ("0 0 * * MON#0", "the day-of-week field 'MON#0' has an occurrence outside "
                      "1-5 in 'MON#0'"),
    ("0 0 * * 8L", "the day-of-week field '8L' has a value outside 0-7"),
    ("0 0 * * 9#1", "the day-of-week field '9#1' has a value outside 0-7"),
    ("0 0 32W * *", "the day-of-month field '32W' has a value outside 1-31"),
    ("0 0 0W * *", "the day-of-month field '0W' has a value outside 1-31"),
    ("0 0 L-1 * *", f"'L-1' in the day-of-month field 'L-1' {DAY_FORMS}"),
    ("0 0 L/2 * *", f"'L/2' in the day-of-month field 'L/2' {DAY_FORMS}"),
    ("0 0 1-L * *", f"'1-L' in the day-of-month field '1-L' {DAY_FORMS}"),
    ("0 0 W * *", f"'W' in the day-of-month field 'W' {DAY_FORMS}"),
    ("0 0 1,WL * *", f"'WL' in the day-of-month field '1,WL' {DAY_FORMS}"),
    ("0 0 1#2 * *", f"'1#2' in the day-of-month field '1#2' {DAY_FORMS}"),
    ("0 0 * * LW", f"'LW' in the day-of-week field 'LW' {WEEKDAY_FORMS}"),
    ("0 0 * * L", f"'L' in the day-of-week field 'L' {WEEKDAY_FORMS}"),
    ("0 0 * * 5W", "'W' in the day-of-week field '5W' is not a day-of-week "
                   "name (SUN-SAT)"),
    ("0 0 * * FOO#1", f"'FOO#1' in the day-of-week field 'FOO#1' {WEEKDAY_FORMS}"),
    ("0 0 * * 1#", f"'1#' in the day-of-week field '1#' {WEEKDAY_FORMS}"),
    ("0 0 * * 1-5#2", f"'1-5#2' in the day-of-week field '1-5#2' {WEEKDAY_FORMS}"),
    ("0 0 * * MON,5L/2", f"'5L/2' in the day-of-week field 'MON,5L/2' {WEEKDAY_FORMS}"),
    ("0 L * * *", "'L' in the hour field 'L' is not a number"),
    ("0 0 * 1#1 *", "'#' is not allowed in the month field '1#1'"),
])
def test_invalid(expression, expected):
    assert reason(expression) == expected


@pytest.mark.parametrize("expression", [
    "0 0 31 2 *", "0 0 30W 2 *", "0 0 31W 4,6,9,11 *", "0 0 30W,31 feb *",
    # the last weekday is never a Saturday or a Sunday
    "0 0 LW * */6",
    # the 1st and the 21st are never the last Monday (cronsim's example)
    "0 0 */20 * 1L",
    "0 0 */15 * 1#2",   # 1, 16 or 31, and between the 8th and the 14th
])
def test_never_fires(expression):
    assert reason(expression) == "it never fires: none of its months has any of its days"


@pytest.mark.parametrize("expression", [
    "0 0 29W 2 *", "0 0 L 2 *", "0 0 LW 2 *", "0 0 * 2 MON#5", "0 0 L 2 */6",
    "0 0 30W 2 MON",    # either: any Monday
])
def test_rare_but_fires(expression):
    assert cron(expression).next_fire_time(datetime(2026, 1, 1, tzinfo=UTC))


def test_refused_edit_leaves_the_database_unchanged(tmp_path, zca):
    from zcron.components import load_crontab
    from zcron.db import Session, open_db
    from zcron.exceptions import InvalidCronExpression
    from zcron.model import Cron, CronSite
    uri = f"file://{tmp_path}/Data.fs"
    db = open_db(uri)
    with Session(db) as s:
        crontab = load_crontab(s.root.add_site(CronSite("kept")))
        kept = crontab.add_cron(Cron("month-end", "0 18 L * *"))
        crontab.save()
        s.tm.commit()
        with pytest.raises(InvalidCronExpression):
            kept.edit(periodicity="0 0 30W 2 *")
        with pytest.raises(InvalidCronExpression):
            crontab.add_cron(Cron("bad", "0 0 * * 1#6"))
        s.tm.commit()
        before = crontab.dump()
    db.close()
    reopened = open_db(uri)
    with Session(reopened) as s:
        after = load_crontab(s.root.get_site("kept")).dump()
    reopened.close()
    assert after == before
    assert [(c["name"], c["periodicity"]) for c in after["crons"]] == [
        ("month-end", "0 18 L * *")]


# -- the grammar faults ----------------------------------------------------------

class TestStarInAList:
    """A "*" in a list is every value of the field; in a day field it
    leaves that field unrestricted, wherever it stands in the list."""

    def test_minute(self):
        for expression in ("*,5 * * * *", "1,* * * * *"):
            fields = cron(expression).fields
            assert fields.minutes == tuple(range(60))
            assert not fields.fixed_time

    def test_day_of_week(self):
        fields = cron("0 0 * * *,sat").fields
        assert fields.weekdays == tuple(range(7))
        assert not fields.days_either

    def test_day_of_month_unrestricted_wherever_it_stands(self):
        # "1,*" is not "restricted": the Mondays, not every day
        assert fires("0 12 1,* * MON", datetime(2026, 1, 1, tzinfo=UTC), n=2) == [
            noon(2026, 1, 5), noon(2026, 1, 12)]

    def test_other_items_still_checked(self):
        assert reason("*,61 * * * *") == "the minute field '*,61' has a value outside 0-59"


@pytest.mark.parametrize("expression, field", [
    ("5-5/0 * * * *", "the minute field '5-5/0'"),
    ("5-5/ * * * *", "the minute field '5-5/'"),
    ("5-5/-1 * * * *", "the minute field '5-5/-1'"),
    ("5-5/3/4 * * * *", "the minute field '5-5/3/4'"),
    ("1-1//2 * * * *", "the minute field '1-1//2'"),
    ("0 0 * JAN-1//2 *", "the month field 'JAN-1//2'"),
    ("0 0 * * MON-MON/0", "the day-of-week field 'MON-MON/0'"),
    ("5-6/0 * * * *", "the minute field '5-6/0'"),
])
def test_equal_range_step_is_checked(expression, field):
    assert reason(expression) == f"{field} has a step that is not a whole number above 0"


def test_equal_range_with_a_good_step_is_one_value():
    assert cron("5-5/3 * * * *").fields.minutes == (5,)


@pytest.mark.parametrize("expression, attribute, values", [
    ("50-10 * * * *", "minutes", tuple(range(11)) + tuple(range(50, 60))),
    ("58-1 0 0 * * *", "seconds", (0, 1, 58, 59)),
    ("0 22-2 * * *", "hours", (0, 1, 2, 22, 23)),
    ("0 22-2/2 * * *", "hours", (0, 2, 22)),    # the step runs on across
    ("0 0 30-2 * *", "days", (1, 2, 30, 31)),
    ("0 0 5-1 * *", "days", (1,) + tuple(range(5, 32))),
    ("0 0 * NOV-FEB *", "months", (1, 2, 11, 12)),
    ("0 0 * 11-2 *", "months", (1, 2, 11, 12)),
    ("0 0 * * FRI-MON", "weekdays", (0, 1, 5, 6)),
    ("0 0 * * 5-1", "weekdays", (0, 1, 5, 6)),
    ("0 0 * * SAT-SUN", "weekdays", (0, 6)),
])
def test_descending_ranges_wrap_in_every_field(expression, attribute, values):
    assert getattr(cron(expression).fields, attribute) == values


def test_a_wrapped_range_fires_across_the_end():
    assert fires("0 0 * * FRI-MON", datetime(2026, 1, 1, tzinfo=UTC)) == [
        datetime(2026, 1, 2), datetime(2026, 1, 3), datetime(2026, 1, 4),
        datetime(2026, 1, 5)]


def test_month_cache_answers_every_month():
    # the kept months are dropped when many are in use: answers stay right
    periodicity = cron("0 12 LW * *")
    after = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(150):
        after = periodicity.next_fire_time(after)
    assert after.replace(tzinfo=None) == noon(2038, 6, 30)
    assert fires("0 12 LW * *", datetime(2038, 6, 1, tzinfo=UTC), n=1) == [
        noon(2038, 6, 30)]
