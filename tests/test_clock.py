"""zcron.clock: the one source of "now", and the fake clock tests install;
each runs zcron.testing's clock contract (real, fake)."""
import time
from datetime import datetime, timedelta, timezone

from zcron.testing import FakeClockContract, RealClockContract

UTC = timezone.utc


class TestSystemClock(RealClockContract):
    def make_clock(self):
        from zcron.clock import SystemClock
        return SystemClock()

    def test_now_is_utc_itself(self):
        assert self.make_clock().now().tzinfo is UTC


class TestFakeClock(FakeClockContract):
    def _getTargetClass(self):
        from zcron.clock import FakeClock
        return FakeClock

    def make_clock(self):
        return self._getTargetClass()()

    def test_default_start(self):
        assert self._getTargetClass()().now() == datetime(2026, 1, 1, tzinfo=UTC)

    def test_set_and_advance(self):
        start = datetime(2030, 6, 1, tzinfo=UTC)
        clock = self._getTargetClass()(start)
        assert clock.advance(90) == start + timedelta(seconds=90)
        assert clock.advance(hours=1) == start + timedelta(seconds=90, hours=1)
        clock.set(start)
        assert clock.now() == start

    def test_sleep_advances_without_waiting(self):
        clock = self._getTargetClass()()
        start = time.monotonic()
        clock.sleep(3600)
        clock.sleep(-5)
        assert clock.now() == datetime(2026, 1, 1, 1, tzinfo=UTC)
        assert time.monotonic() - start < 1

    def test_threads_see_every_advance(self):
        import threading
        clock = self._getTargetClass()()
        threads = [threading.Thread(target=lambda: [clock.advance(1) for _ in range(500)])
                   for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert clock.now() == datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=2000)


class TestClockLookup:
    def test_system_clock_by_default(self, zca):
        from zcron import clock
        assert isinstance(clock.get_clock(), clock.SystemClock)
        assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)

    def test_installed_clock(self, zca, fake_clock):
        from zcron import clock
        assert clock.get_clock() is fake_clock
        fake_clock.advance(days=1)
        assert clock.now() == datetime(2026, 1, 2, tzinfo=UTC)

    def test_install_and_uninstall(self, zca):
        from zcron import clock
        fake = clock.install_clock(clock.FakeClock(datetime(2000, 1, 1, tzinfo=UTC)))
        assert clock.now() == datetime(2000, 1, 1, tzinfo=UTC)
        clock.uninstall_clock(fake)
        assert clock.now().year >= 2025
