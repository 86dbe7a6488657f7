"""The worker's alert check: every ``interval`` seconds of the clock's
time (a FakeClock's too), one transaction of its own running
``zcron.alerts.check``; its events fire once it committed. A conflict with
another worker's check runs it again, which then sees what the other
fired."""
import logging
from datetime import timedelta

from zcron import clock
from zcron.alerts.check import check
from zcron.retry import RETRYABLE

logger = logging.getLogger("zcron.worker")

# Seconds between a worker's alert checks, unless told otherwise.
CHECK_INTERVAL = 30.0


class AlertWatch:
    def __init__(self, session, interval=CHECK_INTERVAL):
        self.session = session
        self.interval = None if not interval else timedelta(seconds=interval)
        self._last = None

    def check_if_due(self):
        """Check when the interval has passed since the last check (a
        check that kept conflicting is tried at the next cycle)."""
        now = clock.now()
        if self.interval is None or (self._last is not None and
                                     abs(now - self._last) < self.interval):
            return
        try:
            self.session.transact(self._check)
        except RETRYABLE as e:
            logger.warning("alert check conflicted; tried again later: %s", e)
            return
        self._last = now

    @staticmethod
    def _check(tx):
        tx.events.extend(check(tx.root, tx.queue, tx.crons, tx.now))
