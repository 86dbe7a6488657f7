"""The restart synchronisation (``ServerRestartEvent``) in a thread and a
connection of its own, so that a worker's runs start while it re-reads a
changed crontab of 100,000 crons instead of after; in transactions of a
thousand crons each (the event's ``step``), so that its commits never
hold the dispatcher's claims long and a conflict costs one chunk."""
import logging
import threading
from functools import partial

from zope.event import notify

from zcron.db import Session
from zcron.events import ServerRestartEvent
from zcron.retry import transact

logger = logging.getLogger("zcron.worker")

# Attempts of each restart transaction, and the pause after the first
# (seconds; it grows): the dispatcher's claims touch the same queue
# BTrees meanwhile (a ReadConflictError when a node it read changed), and
# a conflict costs one more chunk of a thousand crons.
ATTEMPTS = 20
PAUSE = 0.05
NOTE = "zcron: restart synchronisation"


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
                root = transact(session.tm, lambda: session.root, ATTEMPTS)
                notify(ServerRestartEvent(self.db, root, step=partial(step, session)))
        except Exception:
            logger.exception("the restart synchronisation failed; crons saved from now "
                             "on are synchronised as usual")
        finally:
            self.done.set()
            self.wake()


def step(session, work):
    """One piece of the restart's work in a transaction of its own; what
    it read is not needed again, so the connection's cache stays small
    (kept, the cache's 20,000 objects make the re-read 3x faster and the
    worker some 50 MB bigger)."""
    try:
        return transact(session.tm, work, ATTEMPTS, base=PAUSE, note=NOTE)
    finally:
        session.conn.cacheMinimize()
