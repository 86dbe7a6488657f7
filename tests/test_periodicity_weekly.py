"""The 'weekly' kind: weekdays of every week, or of every N weeks counted
from the Monday of the anchor's week, at times of day on the cron's wall
clock, DST as a fixed-time cron; fire times worked out by hand from a
calendar."""
import json
from datetime import timedelta

from wallkind_support import WallKindTests, contract
from zcron.periodicity.weekly import WEEKLY

ZRH, NYC, LHI = "Europe/Zurich", "America/New_York", "Australia/Lord_Howe"
BIWEEKLY = "every 2 weeks on mon,thu at 09:00 from 2026-03-05"   # a Thursday

CASES = [  # text, zone, after, next fire time
    ("every weekday at 09:00", ZRH, "2026-03-06T09:00:00+01:00", "2026-03-09T09:00:00+01:00"),
    ("every weekday at 09:00", ZRH, "2026-03-07T12:00:00+01:00", "2026-03-09T09:00:00+01:00"),
    ("every weekday at 09:00", ZRH, "2026-03-09T08:00:00+01:00", "2026-03-09T09:00:00+01:00"),
    ("every weekday at 09:00", "UTC", "2026-12-31T09:00:00+00:00", "2027-01-01T09:00:00+00:00"),
    ("every monday at 09:00", ZRH, "2026-03-09T09:00:00+01:00", "2026-03-16T09:00:00+01:00"),
    ("every sun", ZRH, "2026-03-01T00:00:00+01:00", "2026-03-08T00:00:00+01:00"),
    ("weekly on mon,thu at 09:00", ZRH, "2026-03-03T00:00:00+01:00", "2026-03-05T09:00:00+01:00"),
    ("weekly on mon,thu at 09:00", ZRH, "2026-03-05T09:00:00+01:00", "2026-03-09T09:00:00+01:00"),
    ("weekly on tuesday at 08:00,17:00", ZRH, "2026-03-03T08:00:00+01:00",
     "2026-03-03T17:00:00+01:00"),
    ("weekly on sat,sun at 10:00", ZRH, "2026-05-01T00:00:00+02:00", "2026-05-02T10:00:00+02:00"),
    # the anchor's week starts Monday 03-02, which is before the anchor
    (BIWEEKLY, ZRH, "2026-03-01T00:00:00+01:00", "2026-03-05T09:00:00+01:00"),
    (BIWEEKLY, ZRH, "2026-03-05T09:00:00+01:00", "2026-03-16T09:00:00+01:00"),
    (BIWEEKLY, ZRH, "2026-03-19T09:00:00+01:00", "2026-03-30T09:00:00+02:00"),
    # weeks from Monday 1969-12-29: 2026-03-02 starts week 2931 (odd)
    ("every 2 weeks on fri", ZRH, "2026-03-01T00:00:00+01:00", "2026-03-13T00:00:00+01:00"),
    ("every 2 weeks on fri", ZRH, "2026-03-13T00:00:00+01:00", "2026-03-27T00:00:00+01:00"),
    ("every 3 weeks on mon from 2026-03-04", ZRH, "2026-03-01T00:00:00+01:00",
     "2026-03-23T00:00:00+01:00"),
    # DST: in the gap, once as it ends; repeated, once at the first occurrence
    ("every sunday at 02:30", ZRH, "2026-03-28T00:00:00+01:00", "2026-03-29T03:00:00+02:00"),
    ("every sunday at 02:30", ZRH, "2026-10-25T02:30:00+02:00", "2026-11-01T02:30:00+01:00"),
    ("every sunday at 02:30", NYC, "2026-03-07T12:00:00-05:00", "2026-03-08T03:00:00-04:00"),
    ("every sunday at 01:30", NYC, "2026-11-01T00:00:00-04:00", "2026-11-01T01:30:00-04:00"),
    ("weekly on sun at 02:15", LHI, "2026-10-03T12:00:00+10:30", "2026-10-04T02:30:00+11:00"),
]


DESCRIBED = [
    ("every weekday at 09:00", "every weekday at 09:00"),
    ("every Monday at 09:00", "every Monday at 09:00"),
    ("weekly on mon,thu at 09:00,17:30", "every Monday and Thursday at 09:00 and 17:30"),
    ("weekly on mon,tue,wed,thu,fri,sat,sun", "every day at 00:00"),
    ("every 3 weeks on mon,tue,wed,thu,fri,sat,sun at 06:00",
     "every 3 weeks on Monday, Tuesday, Wednesday, Thursday, Friday, Saturday and Sunday "
     "at 06:00"),
    (BIWEEKLY, "every 2 weeks on Monday and Thursday at 09:00 from 2026-03-05"),
]


def test_a_cron_of_it_round_trips_its_json_dump(zca):
    from zcron.model import Cron
    cron = Cron("job", "every weekday at 09:00", timezone="Europe/Zurich")
    dumped = json.loads(json.dumps(cron.dump()))
    assert dumped["periodicity"] == "every weekday at 09:00"
    again = Cron.load(dumped)
    assert again.dump() == cron.dump()
    assert again.get_periodicity().kind == "weekly"


REFUSED = [
    ("weekly on funday", "'funday' is not a weekday (monday to sunday, or mon to sun)"),
    ("every 2 weeks on", "nothing follows 'on'"),
    ("every 2 weeks at 09:00", "say on which days, e.g. 'on mon,thu'"),
    ("every 0 weeks on mon", "the number of weeks must be a whole number of 1 or more, not '0'"),
    ("every monday on tue", "'every monday' takes no 'on' (use 'weekly on DAYS')"),
    ("every weekday at 24:00", "'24:00' is not a time of day (HH:MM, 00:00 to 23:59)"),
    ("weekly on mon from 2026-3-1", "'2026-3-1' after 'from' is not a date (YYYY-MM-DD)"),
    ("every monday morning", "expected 'weekly on DAYS', 'every weekday', 'every monday' "
                             "(any weekday) or 'every N weeks on DAYS'"),
]


TestWeeklyContract = contract(
    ["every weekday at 02:30", "weekly on sun at 01:30,02:15",
     "every 2 weeks on mon,thu at 01:30 from 2025-12-31"],
    timedelta(days=11, hours=2))


class TestWeekly(WallKindTests):
    kind = WEEKLY
    cases, described, refused = CASES, DESCRIBED, REFUSED
    folded = ("Weekly  ON Mon, Thu  at 09:00", "weekly on mon,thu at 09:00")
    recognises = ("every weekday at 09:00", "Every Wednesday", "every wed at 10:00", "weekly on mon",
                  "every 2 weeks on fri", "every 1 week on sun")
    ignores = ("every weekdays", "every day", "every 2 days", "weeklyish", "0 9 * * 1", 7)

    def test_its_leading_words(self):
        assert set(WEEKLY.words) == {"every", "weekly"}
