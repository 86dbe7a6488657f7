"""The worker's alert check, in a thread of its own with its own
connection (a check may read many crons: the claim cycle must not wait
on it): every ``interval`` seconds of the clock's time (a FakeClock's too),
one transaction running ``zcron.alerts.check``, its events fired once it
committed. A conflict with another worker's check runs it again, which
then sees what the other fired. Before its first check it indexes the
crontabs made before the check's index, ``BUILD_CHUNK`` crons a
transaction (``zcron.model.indexes.build_alerting``)."""
import logging
import threading
import time
from datetime import timedelta

from zcron import clock
from zcron.alerts.check import Stopped, check
from zcron.components import load_crontab
from zcron.exceptions import InvalidInput
from zcron.model.indexes import build_alerting
from zcron.retry import RETRYABLE
from zcron.worker.session import DispatcherSession
from zcron.worker.stats import Stats

logger = logging.getLogger("zcron.worker")

# Seconds between a worker's alert checks, unless told otherwise.
CHECK_INTERVAL = 30.0
# How often (real seconds, at most) the thread looks whether a check is due.
TICK = 0.25
# A check may read many crons: after one that took S seconds the thread rests
# REST * S seconds at least, so that on a crontab too big for the interval
# checking takes at most a fifth of a core and leaves the runs alone.
REST = 4.0
# Seconds an abandoned check has to notice it (it looks at each cron).
ABANDONING = 2.0
# Crons read per transaction while indexing a crontab made before the index.
BUILD_CHUNK = 1000


class AlertWatch:
    def __init__(self, db, interval=CHECK_INTERVAL, stopping=None):
        self.session = DispatcherSession(db, Stats())
        self.interval = None if not interval else timedelta(seconds=interval)
        self.stopping = stopping or threading.Event()
        self.abandoned = threading.Event()
        self._last = None
        self.rest = REST
        self._rest_until = 0.0      # time.monotonic() before which no check starts
        self._thread = None
        self._indexed = False

    def start(self):
        if self.interval is not None:
            self._thread = threading.Thread(target=self._loop, name="zcron-alerts-check",
                                            daemon=True)
            self._thread.start()

    def join(self, timeout=None):
        """Wait for the thread, once ``stopping`` is set: a check under way
        may finish (``--until-idle`` runs end with one) for ``timeout``
        seconds; then it is abandoned (nothing of it kept), so that the
        database is not closed under it."""
        if self._thread is not None:
            self._thread.join(timeout)
            self.abandoned.set()
            self._thread.join(ABANDONING)

    def _loop(self):
        self.session.open()
        tick = min(TICK, self.interval.total_seconds())
        try:
            while True:
                try:
                    self.check_if_due()
                except Exception:       # a lost connection: said, and tried again
                    logger.exception("alert check failed")
                if self.stopping.wait(tick):
                    break
        finally:
            self.session.close()

    def check_if_due(self):
        """Check when the interval has passed since the last check (a
        check that kept conflicting is tried at the next tick)."""
        now, started = clock.now(), time.monotonic()
        if started < self._rest_until or (
                self._last is not None and abs(now - self._last) < self.interval):
            return
        try:
            if not self._index():
                return          # stopping: a check now would read every cron
            self.session.transact(self._check)
        except RETRYABLE as e:
            logger.warning("alert check conflicted; tried again later: %s", e)
            return
        except Stopped:
            return              # abandoned: nothing of the check kept
        finally:
            ended = time.monotonic()
            self._rest_until = ended + self.rest * (ended - started)
        self._last = now

    def _index(self):
        """Index the crontabs lacking it, once; False when the worker
        stops before it is done (a check would read all their crons)."""
        while not self._indexed:
            self._indexed = self.session.transact(_build_step)
            self.session.empty_cache()      # the crons read are not needed again
            if self.stopping.is_set():
                break
        return self._indexed

    def _check(self, tx):
        tx.events.extend(check(tx.root, tx.queue, tx.crons, tx.now,
                               self.abandoned.is_set))


def _build_step(tx):
    """One chunk of the crontabs' indexes built; True when none is left."""
    for site in list(tx.root.sites.values()):
        try:
            crontab = load_crontab(site)
        except InvalidInput:
            continue
        if not build_alerting(crontab, BUILD_CHUNK):
            return False
    return True
