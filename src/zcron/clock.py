"""The one source of "now": every module asks ``now()`` here, so tests can
install a ``FakeClock`` instead of patching ``datetime``."""
import threading
import time
from datetime import datetime, timedelta, timezone

from zope.component import getGlobalSiteManager, queryUtility
from zope.interface import implementer

from zcron.interfaces import IClock


@implementer(IClock)
class SystemClock:
    """Wall-clock time of the machine, in UTC."""

    def now(self):
        return datetime.now(timezone.utc)

    def sleep(self, seconds):
        time.sleep(max(0.0, seconds))


@implementer(IClock)
class FakeClock:
    """A clock that moves only when told to (or when slept on)."""

    def __init__(self, start=None):
        self._now = start or datetime(2026, 1, 1, tzinfo=timezone.utc)
        self._lock = threading.Lock()

    def now(self):
        with self._lock:
            return self._now

    def set(self, when):
        with self._lock:
            self._now = when

    def advance(self, seconds=0, **kw):
        with self._lock:
            self._now += timedelta(seconds=seconds, **kw)
            return self._now

    def sleep(self, seconds):
        self.advance(max(0.0, seconds))


_system = SystemClock()


def get_clock():
    return queryUtility(IClock) or _system


def now():
    """Aware UTC now, from the registered IClock."""
    return get_clock().now()


def install_clock(clock):
    """Register ``clock`` as the IClock utility (tests, simulations)."""
    getGlobalSiteManager().registerUtility(clock, IClock)
    return clock


def uninstall_clock(clock):
    getGlobalSiteManager().unregisterUtility(clock, IClock)
