"""zcron.testing.contracts.clock owns the IClock contract: ``ClockContract``
(every clock), ``RealClockContract`` (it waits) and ``FakeClockContract``
(it advances itself instead)."""
import time
from datetime import datetime, timedelta, timezone

UTC = timezone.utc


class ClockContract:
    """The hook: ``make_clock()``, a new IClock. ``nap`` is the seconds the
    contract sleeps; a real clock must have waited about that long (at
    most ``slack`` seconds more), a fake one must have moved that far."""

    nap = 0.05
    slack = 5.0

    def make_clock(self):
        raise NotImplementedError(f"{type(self).__name__} must define make_clock()")

    def test_provides_IClock(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import IClock
        assert verifyObject(IClock, self.make_clock())

    def test_now_is_aware_utc(self):
        now = self.make_clock().now()
        assert isinstance(now, datetime) and now.utcoffset() == timedelta(0)

    def test_now_never_goes_back(self):
        clock = self.make_clock()
        readings = [clock.now() for _ in range(200)]
        assert readings == sorted(readings)

    def test_sleep_moves_the_clock_on(self):
        clock = self.make_clock()
        before, started = clock.now(), time.monotonic()
        assert clock.sleep(self.nap) is None
        took = time.monotonic() - started
        # a tenth of the nap for a wall clock slewed by NTP meanwhile
        assert clock.now() - before >= timedelta(seconds=self.nap * 0.9)
        assert took <= self.nap + self.slack

    def test_sleep_nothing_or_less(self):
        clock = self.make_clock()
        before, started = clock.now(), time.monotonic()
        clock.sleep(0)
        clock.sleep(-3600)
        assert time.monotonic() - started < self.slack
        assert clock.now() >= before


class RealClockContract(ClockContract):
    """A clock telling the machine's time, waiting when slept on."""

    def test_now_is_the_machines_time(self):
        before = datetime.now(UTC)
        now = self.make_clock().now()
        after = datetime.now(UTC)
        assert before - timedelta(seconds=1) <= now <= after + timedelta(seconds=1)

    def test_sleep_waits(self):
        started = time.monotonic()
        self.make_clock().sleep(self.nap)
        assert time.monotonic() - started >= self.nap * 0.9


class FakeClockContract(ClockContract):
    """A clock that moves only when slept on (or told to)."""

    def test_stands_still(self):
        clock = self.make_clock()
        first = clock.now()
        time.sleep(0.01)
        assert clock.now() == first

    def test_sleep_advances_at_once_by_exactly_that(self):
        clock = self.make_clock()
        before, started = clock.now(), time.monotonic()
        clock.sleep(3600)
        clock.sleep(0.5)
        assert time.monotonic() - started < self.slack
        assert clock.now() - before == timedelta(seconds=3600.5)
        clock.sleep(-10)
        assert clock.now() - before == timedelta(seconds=3600.5)
