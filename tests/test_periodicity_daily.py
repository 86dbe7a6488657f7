"""The 'daily' kind: every day or every N days from an anchor date, at
times of day on the cron's wall clock, DST as a fixed-time cron; fire
times worked out by hand from a calendar."""
from datetime import timedelta

from wallkind_support import WallKindTests, contract
from zcron.periodicity.daily import DAILY

ZRH, NYC, LHI = "Europe/Zurich", "America/New_York", "Australia/Lord_Howe"

CASES = [  # text, zone, after, next fire time
    ("every day at 09:00", ZRH, "2026-03-01T08:59:59+01:00", "2026-03-01T09:00:00+01:00"),
    ("every day at 09:00", ZRH, "2026-03-01T09:00:00+01:00", "2026-03-02T09:00:00+01:00"),
    ("every day at 08:00,12:30", ZRH, "2026-03-01T10:00:00+01:00", "2026-03-01T12:30:00+01:00"),
    ("every day at 08:00,12:30", ZRH, "2026-03-01T12:30:00+01:00", "2026-03-02T08:00:00+01:00"),
    ("every day", ZRH, "2026-02-28T23:59:59+01:00", "2026-03-01T00:00:00+01:00"),
    ("every 2 days at 09:00 from 2026-03-01", ZRH, "2026-03-01T09:00:00+01:00",
     "2026-03-03T09:00:00+01:00"),
    # nothing before the anchor
    ("every 2 days at 09:00 from 2026-03-01", ZRH, "2026-02-20T00:00:00+01:00",
     "2026-03-01T09:00:00+01:00"),
    ("every 3 days at 06:00 from 2026-03-30", ZRH, "2026-04-01T00:00:00+02:00",
     "2026-04-02T06:00:00+02:00"),
    # 2026-03-01 is day 20513 after 1970-01-01 (odd): the 2nd fires
    ("every 2 days", ZRH, "2026-03-01T00:00:00+01:00", "2026-03-02T00:00:00+01:00"),
    ("every 7 days at 10:00 from 2026-03-02", ZRH, "2026-03-02T10:00:00+01:00",
     "2026-03-09T10:00:00+01:00"),
    ("every day at 12:00", ZRH, "2028-02-28T12:00:00+01:00", "2028-02-29T12:00:00+01:00"),
    ("every 2 days at 23:59 from 2026-12-31", "UTC", "2026-12-31T23:59:00+00:00",
     "2027-01-02T23:59:00+00:00"),
    # DST: in the gap, once as it ends; repeated, once at the first occurrence
    ("every day at 02:30", ZRH, "2026-03-28T03:00:00+01:00", "2026-03-29T03:00:00+02:00"),
    ("every day at 02:30", ZRH, "2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"),
    ("every day at 02:30", ZRH, "2026-10-25T00:00:00+02:00", "2026-10-25T02:30:00+02:00"),
    ("every day at 02:30", ZRH, "2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"),
    ("every day at 02:30", NYC, "2026-03-08T00:00:00-05:00", "2026-03-08T03:00:00-04:00"),
    ("every day at 01:30", NYC, "2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"),
    ("every day at 02:15", LHI, "2026-10-04T00:00:00+10:30", "2026-10-04T02:30:00+11:00"),
    ("every day at 01:45", LHI, "2026-04-05T00:00:00+11:00", "2026-04-05T01:45:00+11:00"),
    ("every day at 01:45", LHI, "2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"),
]


DESCRIBED = [
    ("every day at 09:00", "every day at 09:00"),
    ("every day", "every day at 00:00"),
    ("Every  2 DAYS at 08:00, 12:30 from 2026-03-01",
     "every 2 days at 08:00 and 12:30 from 2026-03-01"),
]


REFUSED = [
    ("every day at 25:00", "'25:00' is not a time of day (HH:MM, 00:00 to 23:59)"),
    ("every day at 09:60", "'09:60' is not a time of day (HH:MM, 00:00 to 23:59)"),
    ("every 0 days", "the number of days must be a whole number of 1 or more, not '0'"),
    ("every 2 days at", "nothing follows 'at'"),
    ("every day at 09:00 at 10:00", "'at' is given twice"),
    ("every day on mon", "'on' has no place after 'every day'"),
    ("every day from 2026-02-30", "'2026-02-30' after 'from' is not a date (YYYY-MM-DD)"),
    ("every 2 days or so", "expected 'every day' or 'every N days', then 'at HH:MM' "
                           "and 'from YYYY-MM-DD' if wanted"),
]


TestDailyContract = contract(
    ["every day at 02:30", "every day at 01:30,02:15,12:00",
     "every 3 days at 02:15 from 2025-12-30"],
    timedelta(days=3, hours=2))


class TestDaily(WallKindTests):
    kind = DAILY
    cases, described, refused = CASES, DESCRIBED, REFUSED
    folded = ("Every  2 DAYS  at 08:00 , 12:30", "every 2 days at 08:00,12:30")
    recognises = ("every day at 09:00", "EVERY 3  days", "every 1 day from 2026-01-01")
    ignores = ("every dayz", "every 2 weeks on mon", "every 5 minutes", "0 9 * * *", None)

    def test_its_leading_words(self):
        assert DAILY.words == ("every",)
