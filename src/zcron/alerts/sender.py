"""Alerts delivered from a thread of their own, so that a slow or broken
SMTP or HTTP target never holds a worker's runs: a delivery that fails is
logged and dropped."""
import logging
import queue
import threading

logger = logging.getLogger("zcron.alerts")

_STOP = object()


class Sender:
    def __init__(self):
        self._queue = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="zcron-alerts", daemon=True)
        self._thread.start()

    def send(self, channel, data):
        self._queue.put((channel, data))

    def _loop(self):
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            channel, data = item
            try:
                channel.deliver(data)
            except Exception as e:      # any failure of a target: logged only
                logger.warning("alert %s to %s failed: %s", data.get("event"), channel, e)

    def close(self, timeout=10.0):
        """Deliver what is queued (up to ``timeout`` seconds), then stop."""
        self._queue.put(_STOP)
        self._thread.join(timeout)
