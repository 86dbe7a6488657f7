"""The 'monthly' kind: one day of each month, or of every N months counted
from an anchor month that fires, at times of day on the cron's wall
clock; a day a month does not have does not fire that month; DST as a
fixed-time cron; fire times worked out by hand from a calendar."""
from datetime import timedelta

from wallkind_support import WallKindTests, contract
from zcron.periodicity import get_periodicity
from zcron.periodicity.monthly import MONTHLY

ZRH, NYC, LHI = "Europe/Zurich", "America/New_York", "Australia/Lord_Howe"

CASES = [  # text, zone, after, next fire time
    ("monthly on day 15 at 09:00", ZRH, "2026-03-01T00:00:00+01:00", "2026-03-15T09:00:00+01:00"),
    ("monthly on day 15 at 09:00", ZRH, "2026-03-15T09:00:00+01:00", "2026-04-15T09:00:00+02:00"),
    # April has no 31st, February no 30th, nor a 29th in 2027
    ("monthly on day 31 at 12:00", ZRH, "2026-03-31T12:00:00+02:00", "2026-05-31T12:00:00+02:00"),
    ("monthly on day 30", ZRH, "2026-01-30T00:00:00+01:00", "2026-03-30T00:00:00+02:00"),
    ("monthly on day 29 at 08:00", ZRH, "2027-01-29T08:00:00+01:00", "2027-03-29T08:00:00+02:00"),
    ("monthly on day 29 at 08:00", ZRH, "2028-01-29T08:00:00+01:00", "2028-02-29T08:00:00+01:00"),
    ("monthly on the last day at 18:00", ZRH, "2026-02-01T00:00:00+01:00",
     "2026-02-28T18:00:00+01:00"),
    ("monthly on the last day at 18:00", ZRH, "2028-02-01T00:00:00+01:00",
     "2028-02-29T18:00:00+01:00"),
    ("monthly on the last friday at 17:00", ZRH, "2026-03-01T00:00:00+01:00",
     "2026-03-27T17:00:00+01:00"),
    ("monthly on the last friday at 17:00", ZRH, "2026-03-27T17:00:00+01:00",
     "2026-04-24T17:00:00+02:00"),
    ("monthly on the first monday at 09:00", ZRH, "2026-03-01T00:00:00+01:00",
     "2026-03-02T09:00:00+01:00"),
    # no fifth Monday in April or May 2026
    ("monthly on the fifth monday at 09:00", ZRH, "2026-03-31T00:00:00+02:00",
     "2026-06-29T09:00:00+02:00"),
    ("monthly on the second tuesday", ZRH, "2026-04-01T00:00:00+02:00",
     "2026-04-14T00:00:00+02:00"),
    # from January 1970: January, April, July, October
    ("every 3 months on day 1 at 06:00", ZRH, "2026-01-01T06:00:00+01:00",
     "2026-04-01T06:00:00+02:00"),
    # February, April, June, August: only August has a 31st
    ("every 2 months on day 31 from 2026-02", ZRH, "2026-01-01T00:00:00+01:00",
     "2026-08-31T00:00:00+02:00"),
    ("every 2 months on day 1 from 2026-05", ZRH, "2026-01-01T00:00:00+01:00",
     "2026-05-01T00:00:00+02:00"),
    ("every 12 months on day 29 from 2025-02", ZRH, "2025-01-01T00:00:00+01:00",
     "2028-02-29T00:00:00+01:00"),
    # DST: in the gap, once as it ends; repeated, once at the first occurrence
    ("every 6 months on the last sunday at 02:30 from 2026-03", ZRH,
     "2026-03-01T00:00:00+01:00", "2026-03-29T03:00:00+02:00"),
    ("monthly on the last sunday at 02:30", ZRH, "2026-10-01T00:00:00+02:00",
     "2026-10-25T02:30:00+02:00"),
    ("monthly on the last sunday at 02:30", ZRH, "2026-10-25T02:30:00+02:00",
     "2026-11-29T02:30:00+01:00"),
    ("monthly on the second sunday at 02:30", NYC, "2026-03-01T00:00:00-05:00",
     "2026-03-08T03:00:00-04:00"),
    ("monthly on the first sunday at 01:30", NYC, "2026-11-01T01:30:00-04:00",
     "2026-12-06T01:30:00-05:00"),
    ("monthly on the first sunday at 02:15", LHI, "2026-10-01T00:00:00+10:30",
     "2026-10-04T02:30:00+11:00"),
    ("monthly on the first sunday at 01:45", LHI, "2026-04-01T00:00:00+11:00",
     "2026-04-05T01:45:00+11:00"),
]


DESCRIBED = [
    ("monthly on day 15 at 09:00", "on day 15 of each month at 09:00"),
    ("monthly on the last day at 18:00", "on the last day of each month at 18:00"),
    ("monthly on the last friday at 17:00", "on the last Friday of each month at 17:00"),
    ("every 3 months on the first mon at 09:00",
     "on the first Monday of January, April, July and October at 09:00"),
    ("every 5 months on day 1 from 2026-03", "on day 1 of every 5 months from March 2026 at 00:00"),
    ("every 3 months on the last fri at 17:00 from 2026-02",
     "on the last Friday of February, May, August and November from February 2026 at 17:00"),
    ("monthly on day 1 from 2026-03", "on day 1 of each month from March 2026 at 00:00"),
]


def test_no_fire_time_beyond_year_9999():
    from datetime import datetime, timezone
    periodicity = get_periodicity("monthly on day 31")
    assert periodicity.next_fire_time(datetime(9999, 12, 31, tzinfo=timezone.utc)) is None


DAYS = ("expected 'on day N' (1 to 31), 'on the last day' or 'on the "
        "first|second|third|fourth|fifth|last monday' (any weekday)")


REFUSED = [
    ("monthly on the sixth monday", "'sixth' is not first, second, third, fourth, fifth or last"),
    ("monthly on day 32", "day 32 is not a day of the month (1 to 31)"),
    ("monthly on day 0", "day 0 is not a day of the month (1 to 31)"),
    ("monthly on the last funday", "'funday' is not a weekday (monday to sunday, or mon to sun)"),
    ("monthly at 09:00", DAYS),
    ("monthly on the 15th", DAYS),
    ("every 0 months on day 1", "the number of months must be a whole number of 1 or more, "
                                "not '0'"),
    ("every 12 months on day 30 from 2026-02", "it never fires: none of its months has that day"),
    ("monthly on day 1 from 2026-13", "'2026-13' after 'from' is not a month (YYYY-MM)"),
    ("monthly on day 1 at 7:5", "'7:5' is not a time of day (HH:MM, 00:00 to 23:59)"),
    ("monthly please on day 1", "expected 'monthly on ...' or 'every N months on ...'"),
]


TestMonthlyContract = contract(
    ["monthly on the last day at 18:00", "monthly on the first monday at 02:30",
     "monthly on day 15 at 01:30,02:15"],
    timedelta(days=36))


class TestMonthly(WallKindTests):
    kind = MONTHLY
    cases, described, refused = CASES, DESCRIBED, REFUSED
    folded = ("Monthly  on THE Last   Day", "monthly on the last day")
    recognises = ("monthly on day 1", "MONTHLY on the last day", "every 3 months on day 1",
                  "every 1 month on the first monday")
    ignores = ("every month on day 1", "monthlyish", "every 2 weeks on mon", "0 0 1 * *", b"x")

    def test_its_leading_words(self):
        assert set(MONTHLY.words) == {"every", "monthly"}
