"""The 'interval' kind: every N seconds, minutes or hours of elapsed time,
from the epoch or a given anchor; DST never moves it. Every expected fire
time below was worked out by hand."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from zcron.exceptions import InvalidInput, UnknownTimezone
from zcron.testing import PeriodicityContract

UTC = timezone.utc
ZURICH, NEW_YORK = ZoneInfo("Europe/Zurich"), ZoneInfo("America/New_York")
LORD_HOWE, KATHMANDU = ZoneInfo("Australia/Lord_Howe"), ZoneInfo("Asia/Kathmandu")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def interval(text, zone="UTC"):
    from zcron.periodicity.interval import IntervalPeriodicity
    return IntervalPeriodicity(text, zone)


# (text, zone, after, the next fire time as an instant, its offset in the zone)
CASES = [
    ("every 15 minutes", "UTC", utc(2026, 3, 1, 10, 0, 3), utc(2026, 3, 1, 10, 15), 0),
    # strictly after; :00 :15 :30 :45 UTC whatever the zone
    ("every 15 minutes", "Europe/Zurich", utc(2026, 3, 1, 10), utc(2026, 3, 1, 10, 15), 60),
    # Zurich springs forward at 01:00 UTC: 01:59:59+01:00 -> 03:00+02:00
    ("every 15 minutes", "Europe/Zurich", utc(2026, 3, 29, 0, 59, 59),
     utc(2026, 3, 29, 1), 120),
    # Zurich falls back at 01:00 UTC: 02:50+02:00 -> 02:00+01:00 (the second 02:00)
    ("every 15 minutes", "Europe/Zurich", utc(2026, 10, 25, 0, 50),
     utc(2026, 10, 25, 1), 60),
    # 2026-01-01 is day 20,454 of the epoch; 1,440 / 90 = 16: midnights fire
    ("every 90 minutes", "UTC", utc(2026, 1, 1), utc(2026, 1, 1, 1, 30), 0),
    # 2026-01-02 00:00 is hour 490,920 = 7 * 70,131 + 3: the next multiple is 4 h on
    ("every 7 hours", "UTC", utc(2026, 1, 2), utc(2026, 1, 2, 4), 0),
    # hour 490,896 = 5 * 98,179 + 1
    ("every 5 hours", "UTC", utc(2026, 1, 1), utc(2026, 1, 1, 4), 0),
    ("every 45 minutes", "UTC", utc(2026, 1, 1), utc(2026, 1, 1, 0, 45), 0),
    # New York springs forward at 07:00 UTC: 03:00-04:00
    ("every second", "America/New_York", utc(2026, 3, 8, 6, 59, 59, 500000),
     utc(2026, 3, 8, 7), -240),
    ("every minute", "UTC", utc(2026, 12, 31, 23, 59, 59), utc(2027, 1, 1), 0),
    # New York falls back at 06:00 UTC: 01:00-04:00 -> 01:00-05:00
    ("every hour", "America/New_York", utc(2026, 11, 1, 5), utc(2026, 11, 1, 6), -300),
    # Lord Howe falls back 30 minutes at 15:00 UTC: 01:45+11:00 -> 01:30+10:30
    ("every 30 minutes", "Australia/Lord_Howe", utc(2026, 4, 4, 14, 45),
     utc(2026, 4, 4, 15), 630),
    # Lord Howe springs forward 30 minutes at 15:30 UTC: 01:55+10:30 -> 02:40+11:00
    ("every 20 minutes", "Australia/Lord_Howe", utc(2026, 10, 3, 15, 25),
     utc(2026, 10, 3, 15, 40), 660),
    ("every 1 hours", "Australia/Lord_Howe", utc(2026, 4, 4, 15, 15),
     utc(2026, 4, 4, 16), 630),
    # Kathmandu is +05:45: its 00:00 is 18:15 UTC, which fires
    ("every 15 minutes", "Asia/Kathmandu", datetime(2026, 6, 1, tzinfo=KATHMANDU),
     utc(2026, 5, 31, 18, 30), 345),
    # anchor 2026-01-01 00:07+01:00 = 2025-12-31 23:07 UTC: :07 :22 :37 :52 UTC
    ("every 15 minutes from 2026-01-01 00:07", "Europe/Zurich", utc(2026, 6, 1, 12),
     utc(2026, 6, 1, 12, 7), 120),
    # nothing before a named anchor: its first fire time is the anchor
    ("every 15 minutes from 2026-01-01 00:07", "Europe/Zurich", utc(2025, 6, 1),
     utc(2025, 12, 31, 23, 7), 60),
    # an anchor in the spring-forward gap is the gap's end, 03:00+02:00
    ("every 2 hours from 2026-03-29T02:30", "Europe/Zurich", utc(2026, 3, 29, 1),
     utc(2026, 3, 29, 3), 120),
    # an anchor with its offset ignores the zone
    ("every 10 seconds from 2026-01-01T00:00:05Z", "America/New_York",
     utc(2026, 2, 1), utc(2026, 2, 1, 0, 0, 5), -300),
    # a repeated anchor reading is its first occurrence, 02:30+02:00 = 00:30 UTC
    ("every 24 hours from 2026-10-25 02:30", "Europe/Zurich", utc(2026, 10, 25, 0, 30),
     utc(2026, 10, 26, 0, 30), 60),
]


@pytest.mark.parametrize("text, zone, after, instant, minutes", CASES)
def test_next_fire_time(text, zone, after, instant, minutes):
    fire = interval(text, zone).next_fire_time(after)
    # as UTC: PEP 495 makes a repeated reading (fold=1) unequal to any other zone's
    assert fire.astimezone(UTC) == instant
    assert fire.utcoffset() == timedelta(minutes=minutes)
    assert fire.tzinfo is ZoneInfo(zone)


@pytest.mark.parametrize("zone", ["Europe/Zurich", "America/New_York", "Australia/Lord_Howe"])
def test_dst_never_moves_it(zone):
    """A day with a DST change: every fire time 15 minutes after the last."""
    day = {"Europe/Zurich": utc(2026, 3, 28, 12), "America/New_York": utc(2026, 11, 1),
           "Australia/Lord_Howe": utc(2026, 4, 4)}[zone]
    fires = list(interval("every 15 minutes", zone).fire_times(day, n=96))
    assert len({f.utcoffset() for f in fires}) == 2
    steps = {b.astimezone(UTC) - a.astimezone(UTC) for a, b in zip(fires, fires[1:])}
    assert steps == {timedelta(minutes=15)}
    assert all(f.astimezone(UTC).minute % 15 == 0 for f in fires)


@pytest.mark.parametrize("text, normal, words", [
    ("every 15 minutes", "every 15 minutes", "every 15 minutes"),
    ("Every  90 MINUTES", "every 90 minutes", "every 90 minutes"),
    ("every 1 minutes", "every minute", "every minute"),
    ("every 015 seconds", "every 15 seconds", "every 15 seconds"),
    ("every hours", "every hour", "every hour"),
    ("every 2 hours from 2026-01-01T08:00", "every 2 hours from 2026-01-01 08:00",
     "every 2 hours, from 2026-01-01 08:00 (Europe/Zurich)"),
    ("every 2 hours from 2026-01-01 08:00:30Z", "every 2 hours from 2026-01-01 08:00:30+00:00",
     "every 2 hours, from 2026-01-01 09:00:30 (Europe/Zurich)"),
])
def test_normal_form_and_description(text, normal, words):
    periodicity = interval(text, "Europe/Zurich")
    assert periodicity.expression == normal and periodicity.describe() == words
    assert periodicity == interval(normal, "Europe/Zurich")
    assert periodicity.kind == "interval"


@pytest.mark.parametrize("text, reason", [
    ("every 0 minutes", "the interval must be at least 1 minute"),
    ("every 00 seconds", "the interval must be at least 1 second"),
    ("every -5 minutes", None),
    ("every 1.5 hours", None),
    ("every 15 minutes at 09:00", None),
    ("every 15 minutes from", None),
    ("every 15 minutes from tomorrow",
     "expected a date and time like 2026-12-24 18:00 or 2026-12-24T18:00+01:00, "
     "got 'tomorrow'"),
    ("every 15 minutes from 2026-02-30 10:00",
     "'2026-02-30 10:00' is not a date and time: day is out of range for month"),
    ("every 15 minutes from 2026-01-01 25:00",
     "'2026-01-01 25:00' is not a date and time: hour must be in 0..23"),
    ("every 15 minutes from 2026-01-01 10:00+24:00",
     "'2026-01-01 10:00+24:00' is not a date and time: "
     "the offset +24:00 is not within -23:59..+23:59"),
    ("every 99999999999999999 hours", "the interval is too long"),
])
def test_bad_input(text, reason):
    from zcron.periodicity.interval import EXPECTED
    with pytest.raises(InvalidInput) as info:
        interval(text)
    assert info.value.field == "periodicity" and info.value.value == text
    assert str(info.value) == f"invalid periodicity {text!r}: {reason or EXPECTED}"


def test_bad_zone_and_naive_after():
    with pytest.raises(UnknownTimezone):
        interval("every minute", "Mars/Olympus")
    with pytest.raises(InvalidInput):
        interval("every minute").next_fire_time(datetime(2026, 1, 1))


def test_beyond_the_calendar_never_fires():
    assert interval("every hour").next_fire_time(utc(9999, 12, 31, 23, 30)) is None


@pytest.mark.parametrize("text", [
    "every 15 minutes", "EVERY MINUTE", "every  2\thours", "every second", "every 90 minutes",
    "every 0 minutes", "every hours from x"])
def test_recognises(text):
    from zcron.periodicity.interval import INTERVAL
    assert INTERVAL.recognises(text)


@pytest.mark.parametrize("text", [
    "every day at 09:00", "every 2 days", "every monday", "every minutely", "every",
    "every fortnight", "*/15 * * * *", "once at 2026-01-01 10:00", "", None, 15])
def test_leaves_other_texts(text):
    from zcron.periodicity.interval import INTERVAL
    assert not INTERVAL.recognises(text)


def test_the_kind():
    from zope.interface.verify import verifyObject
    from zcron.interfaces import IPeriodicityKind
    from zcron.periodicity.interval import INTERVAL, IntervalPeriodicity
    assert verifyObject(IPeriodicityKind, INTERVAL)
    assert INTERVAL.words == ("every",) and INTERVAL.title == "interval"
    assert INTERVAL.periodicity(INTERVAL.example, "Europe/Zurich") == \
        IntervalPeriodicity("every 15 minutes", "Europe/Zurich")


def test_a_cron_round_trips_through_its_dump(zca):
    from zcron.model import Cron
    cron = Cron("job", "Every 15  Minutes", timezone="Europe/Zurich")
    assert cron.periodicity == "every 15 minutes"
    assert cron.get_periodicity().kind == "interval"
    again = Cron.load(cron.dump())
    assert again.dump() == cron.dump() and again.periodicity == "every 15 minutes"
    assert again.next_fire_time(utc(2026, 3, 1, 10)) == utc(2026, 3, 1, 10, 15)


def test_workers_agree_from_the_signature(zca):
    """What the worker computes from a job's signature is the cron's own answer."""
    from zcron.model import Cron, Crontab
    from zcron.schedule import next_scheduled, schedule_after
    crontab = Crontab()
    cron = crontab.add_cron(Cron("job", "every 90 minutes", timezone="Europe/Zurich"))
    job = schedule_after(cron, utc(2026, 1, 1))
    assert job.fire_time == utc(2026, 1, 1, 1, 30)
    assert next_scheduled(job).fire_time == utc(2026, 1, 1, 3)


CONTRACT_CASES = [("every 15 minutes", "UTC"), ("every 15 minutes", "Europe/Zurich"),
                  ("every 90 minutes", "America/New_York"), ("every second", "Europe/Zurich"),
                  ("every 30 minutes", "Australia/Lord_Howe"),
                  ("every 7 hours from 2025-10-26 02:30", "Europe/Zurich")]


class TestIntervalContract(PeriodicityContract):
    @pytest.fixture(autouse=True, params=CONTRACT_CASES,
                    ids=[f"{t} {z}" for t, z in CONTRACT_CASES])
    def _case(self, request):
        self.text, self.zone = request.param

    def make_periodicity(self):
        return interval(self.text, self.zone)

    def make_other_periodicity(self):
        return interval(self.text, "Asia/Tokyo")
