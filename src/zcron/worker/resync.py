"""The restart synchronisation (``ServerRestartEvent``) in a thread and a
connection of its own, so that a worker's runs start while it re-reads a
changed crontab of 100,000 crons instead of after."""
import logging
import threading

from zope.event import notify

from zcron.db import Session
from zcron.events import ServerRestartEvent
from zcron.retry import transact

logger = logging.getLogger("zcron.worker")

# Attempts of the restart transaction: the dispatcher's claims touch the
# same queue shards meanwhile, and a rare conflict costs one more pass.
ATTEMPTS = 5


class Resync:
    def __init__(self, db, wake):
        self.db = db
        self.wake = wake              # the dispatcher's: jobs may be queued now
        self.done = threading.Event()
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self._run, name="zcron-resync", daemon=True)
        self._thread.start()

    def join(self):
        if self._thread is not None:
            self._thread.join()

    def _run(self):
        try:
            with Session(self.db) as session:
                transact(session.tm, lambda: notify(ServerRestartEvent(self.db, session.root)),
                         ATTEMPTS)
                session.conn.cacheMinimize()     # what it read is not needed again
        except Exception:
            logger.exception("the restart synchronisation failed; crons saved from now "
                             "on are synchronised as usual")
        finally:
            self.done.set()
            self.wake()
