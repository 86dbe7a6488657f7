"""The 'once' kind: one instant, with its offset or read in the cron's zone
(a reading in a DST gap fires at the gap's end, a repeated one at its first
occurrence); never again after it. Expected instants worked out by hand."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from zcron.exceptions import InvalidInput, UnknownTimezone
from zcron.testing import PeriodicityContract

UTC = timezone.utc
ZURICH, NEW_YORK = ZoneInfo("Europe/Zurich"), ZoneInfo("America/New_York")
XMAS = "once at 2026-12-24T18:00+01:00"


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def once(text, zone="UTC"):
    from zcron.periodicity.once import OncePeriodicity
    return OncePeriodicity(text, zone)


# (text, zone, after, the fire time as an instant or None, its offset in the zone)
CASES = [
    (XMAS, "Europe/Zurich", utc(2026, 12, 1), utc(2026, 12, 24, 17), 60),
    (XMAS, "Europe/Zurich", utc(2026, 12, 24, 16, 59, 59, 999999), utc(2026, 12, 24, 17), 60),
    (XMAS, "Europe/Zurich", utc(2026, 12, 24, 17), None, None),          # strictly after
    (XMAS, "Europe/Zurich", utc(2027, 1, 1), None, None),
    # its offset wins over the zone: 18:00+01:00 is 12:00 in New York
    (XMAS, "America/New_York", utc(2026, 1, 1), utc(2026, 12, 24, 17), -300),
    ("once at 2026-12-24 18:00", "Europe/Zurich", utc(2026, 1, 1), utc(2026, 12, 24, 17), 60),
    ("once at 2026-12-24 18:00", "America/New_York", utc(2026, 1, 1),
     utc(2026, 12, 24, 23), -300),
    ("once at 2026-12-24 18:00", "UTC", utc(2026, 1, 1), utc(2026, 12, 24, 18), 0),
    # Zurich's gap, 02:00-03:00 on 2026-03-29: 02:30 fires at 03:00+02:00
    ("once at 2026-03-29 02:30", "Europe/Zurich", utc(2026, 3, 1), utc(2026, 3, 29, 1), 120),
    # Zurich's repeated 02:00-03:00 on 2026-10-25: the first 02:30, +02:00
    ("once at 2026-10-25 02:30", "Europe/Zurich", utc(2026, 10, 1),
     utc(2026, 10, 25, 0, 30), 120),
    ("once at 2026-10-25 02:30", "Europe/Zurich", datetime(2026, 10, 25, 2, 20, tzinfo=ZURICH),
     utc(2026, 10, 25, 0, 30), 120),
    # the second 02:10 (01:10 UTC) is after the first 02:30 (00:30 UTC)
    ("once at 2026-10-25 02:30", "Europe/Zurich",
     datetime(2026, 10, 25, 2, 10, fold=1, tzinfo=ZURICH), None, None),
    # New York's gap, 02:00-03:00 on 2026-03-08: 02:30 fires at 03:00-04:00
    ("once at 2026-03-08 02:30", "America/New_York", utc(2026, 3, 1), utc(2026, 3, 8, 7), -240),
    # New York's repeated 01:00-02:00 on 2026-11-01: the first 01:30, -04:00
    ("once at 2026-11-01 01:30", "America/New_York", utc(2026, 10, 1),
     utc(2026, 11, 1, 5, 30), -240),
    # Lord Howe's half-hour gap, 02:00-02:30 on 2026-10-04: 02:15 fires at 02:30+11:00
    ("once at 2026-10-04 02:15", "Australia/Lord_Howe", utc(2026, 10, 1),
     utc(2026, 10, 3, 15, 30), 660),
    # Lord Howe's repeated 01:30-02:00 on 2026-04-05: the first 01:45, +11:00
    ("once at 2026-04-05 01:45", "Australia/Lord_Howe", utc(2026, 4, 1),
     utc(2026, 4, 4, 14, 45), 660),
    ("once at 2026-12-24t17:00z", "Europe/Zurich", utc(2026, 12, 1), utc(2026, 12, 24, 17), 60),
    ("ONCE AT 2027-01-01 00:00:30-05:00", "Asia/Tokyo", utc(2026, 12, 1),
     utc(2027, 1, 1, 5, 0, 30), 540),
    # an ``after`` in another zone compares as an instant: 05:59-04:00 is 09:59 UTC
    ("once at 2026-06-15 12:00", "Europe/Zurich",
     datetime(2026, 6, 15, 5, 59, tzinfo=NEW_YORK), utc(2026, 6, 15, 10), 120),
]


@pytest.mark.parametrize("text, zone, after, instant, minutes", CASES)
def test_next_fire_time(text, zone, after, instant, minutes):
    fire = once(text, zone).next_fire_time(after)
    if instant is None:
        assert fire is None
        return
    # as UTC: PEP 495 makes a repeated reading (fold=1) unequal to any other zone's
    assert fire.astimezone(UTC) == instant
    assert fire.utcoffset() == timedelta(minutes=minutes)
    assert fire.tzinfo is ZoneInfo(zone)


def test_fires_once():
    periodicity = once(XMAS, "Europe/Zurich")
    assert list(periodicity.fire_times(utc(2026, 1, 1))) == [utc(2026, 12, 24, 17)]
    assert list(periodicity.fire_times(utc(2026, 1, 1), until=utc(2026, 12, 24, 16))) == []


@pytest.mark.parametrize("text, zone, normal, words", [
    (XMAS, "Europe/Zurich", "once at 2026-12-24 18:00+01:00",
     "once, on 2026-12-24 at 18:00 (Europe/Zurich)"),
    ("Once  at 2026-12-24 18:00", "Europe/Zurich", "once at 2026-12-24 18:00",
     "once, on 2026-12-24 at 18:00 (Europe/Zurich)"),
    ("once at 2026-12-24T17:00Z", "America/New_York", "once at 2026-12-24 17:00+00:00",
     "once, on 2026-12-24 at 12:00 (America/New_York)"),
    ("once at 2026-03-29 02:30:15", "Europe/Zurich", "once at 2026-03-29 02:30:15",
     "once, on 2026-03-29 at 03:00 (Europe/Zurich)"),
])
def test_normal_form_and_description(text, zone, normal, words):
    periodicity = once(text, zone)
    assert periodicity.expression == normal and periodicity.describe() == words
    assert periodicity == once(normal, zone) and periodicity.kind == "once"


@pytest.mark.parametrize("text, reason", [
    ("once", "expected 'once at' and a date and time like 2026-12-24 18:00 or "
             "2026-12-24T18:00+01:00"),
    ("once at", None),
    ("once on 2026-12-24 18:00", None),
    ("once at 2026-12-24", "expected a date and time like 2026-12-24 18:00 or "
                           "2026-12-24T18:00+01:00, got '2026-12-24'"),
    ("once at 2026-02-29 10:00",
     "'2026-02-29 10:00' is not a date and time: day is out of range for month"),
    ("once at 2026-13-01 10:00", "'2026-13-01 10:00' is not a date and time: "
                                 "month must be in 1..12"),
    ("once at 2026-01-01 24:00", "'2026-01-01 24:00' is not a date and time: "
                                 "hour must be in 0..23"),
    ("once at 2026-01-01 10:60", "'2026-01-01 10:60' is not a date and time: "
                                 "minute must be in 0..59"),
    ("once at 2026-01-01 10:00+01:60", "'2026-01-01 10:00+01:60' is not a date and time: "
                                       "the offset +01:60 is not within -23:59..+23:59"),
    ("once at 9999-12-31 23:00-05:00", "'9999-12-31 23:00-05:00' is not a date and time: "
                                       "date value out of range"),
])
def test_bad_input(text, reason):
    with pytest.raises(InvalidInput) as info:
        once(text, "Europe/Zurich")
    assert info.value.field == "periodicity" and info.value.value == text
    expected = reason or ("expected 'once at' and a date and time like 2026-12-24 18:00 "
                          "or 2026-12-24T18:00+01:00")
    assert str(info.value) == f"invalid periodicity {text!r}: {expected}"


def test_bad_zone_and_naive_after():
    with pytest.raises(UnknownTimezone):
        once(XMAS, "Mars/Olympus")
    with pytest.raises(InvalidInput):
        once(XMAS).next_fire_time(datetime(2026, 1, 1))


@pytest.mark.parametrize("text", ["once at 2026-12-24 18:00", "ONCE", "once  upon a time"])
def test_recognises(text):
    from zcron.periodicity.once import ONCE
    assert ONCE.recognises(text)


@pytest.mark.parametrize("text", ["onceatnoon", "every minute", "0 8 * * *", "", None])
def test_leaves_other_texts(text):
    from zcron.periodicity.once import ONCE
    assert not ONCE.recognises(text)


def test_the_kind():
    from zope.interface.verify import verifyObject
    from zcron.interfaces import IPeriodicityKind
    from zcron.periodicity.once import ONCE
    assert verifyObject(IPeriodicityKind, ONCE)
    assert ONCE.words == ("once",) and ONCE.title == "once"
    assert ONCE.periodicity(ONCE.example, "Europe/Zurich").kind == "once"


def test_a_cron_round_trips_through_its_dump(zca):
    from zcron.model import Cron
    cron = Cron("job", "once at 2026-12-24T18:00", timezone="Europe/Zurich")
    assert cron.periodicity == "once at 2026-12-24 18:00"
    assert cron.get_periodicity().kind == "once"
    again = Cron.load(cron.dump())
    assert again.dump() == cron.dump()
    assert again.next_fire_time(utc(2026, 1, 1)) == utc(2026, 12, 24, 17)
    assert again.next_fire_time(utc(2026, 12, 24, 17)) is None


class TestOnceContract(PeriodicityContract):
    """The contract asks for a periodicity firing at least daily, for ever;
    one firing once answers None after its instant, so the checks of what
    follows a fire time are left out (test_fires_once holds them)."""

    test_next_fire_time_strictly_after_aware_in_its_zone = None
    test_fire_times_follow_next_fire_time = None
    test_fire_times_until_is_inclusive = None
    test_stateless_iterators_interleaved = None

    @pytest.fixture(autouse=True, params=["UTC", "Europe/Zurich", "Australia/Lord_Howe"])
    def _zone(self, request):
        self.zone = request.param

    def make_periodicity(self):
        # after every ``after_times`` of the contract
        return once("once at 2030-03-31 02:30", self.zone)

    def make_other_periodicity(self):
        return once("once at 2030-03-31 02:30+02:00", self.zone)

    def test_fires_strictly_after_aware_in_its_zone(self):
        periodicity = self.make_periodicity()
        for after in self.after_times:
            fire = periodicity.next_fire_time(after)
            assert fire.astimezone(UTC) > after.astimezone(UTC)
            assert self._in_its_zone(periodicity, fire)
            assert periodicity.next_fire_time(fire) is None
