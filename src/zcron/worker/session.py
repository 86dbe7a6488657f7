"""The dispatcher's session and its transactions: each attempt gets a
``Tx`` collecting events and callbacks, which fire and run only once it
committed; conflicts are counted in the stats; a database gone away is
waited for (its server restarting); its cache is emptied now and then."""
import time

from zcron import clock
from zcron.components import queue_for
from zcron.db import Session
from zcron.retry import RETRYABLE, abort, reconnecting, transact
from zcron.worker.crons import Crons
from zcron.worker.firing import fire
from zcron.worker.heap import release_free_memory

# Attempts of a dispatcher transaction (another worker touching the same
# records makes it conflict).
ATTEMPTS = 20
# Seconds between emptyings of the dispatcher's cache: the queue's buckets
# its claims emptied stay in it otherwise, dead, until the cache is full
# (20,000 objects; about 600 new ones in 10 s at 1,000 runs/s; emptied
# once a minute, they were a 5-7 MB sawtooth in the soak's RSS). The C
# allocator's free pages go back to the system then too, and the session
# reopens its connection: DB.open releases the connections closed in the
# pool longer ago than its pool_timeout (see zcron.db.POOL_TIMEOUT).
EMPTY_EVERY = 10.0


class Tx:
    """One attempt at a dispatcher transaction: what its work reads and
    what is to follow once it commits."""

    __slots__ = ("root", "queue", "crons", "now", "events", "callbacks")

    def __init__(self, root):
        self.root = root
        self.queue = queue_for(root)
        self.crons = Crons(root)
        self.now = clock.now()
        self.events = []        # fired once committed
        self.callbacks = []     # called once committed, before the events

    def on_commit(self, callback):
        self.callbacks.append(callback)


class DispatcherSession:
    def __init__(self, db, stats):
        self.db = db
        self.stats = stats
        self._session = None

    def open(self):
        self._session = Session(self.db)
        self._emptied = time.monotonic()

    def close(self):
        abort(self._session.tm)
        self._session.conn.close()

    def transact(self, work, attempts=ATTEMPTS):
        """``work(tx)`` in a transaction, committed, all of it again from
        scratch when the commit conflicts; then its callbacks, then its
        events (in a transaction saving what their subscribers write)."""
        session = self._session

        def attempt():
            tx = Tx(session.root)
            return tx, work(tx)
        try:
            tx, result = reconnecting(lambda: transact(
                session.tm, attempt, attempts, on_retry=self._conflicted))
        except RETRYABLE:
            self.stats.claim_conflicts += 1
            raise
        for callback in tx.callbacks:
            callback()
        self.stats.count_logged(tx.events)
        if tx.events:
            fire(session.tm, tx.events)
        if time.monotonic() - self._emptied > EMPTY_EVERY:
            self.close()
            self.open()
            self.empty_cache()
            release_free_memory()
        return result

    def empty_cache(self):
        """Drop what the connection holds (after a read not needed again)."""
        self._session.conn.cacheMinimize()
        self._emptied = time.monotonic()

    def _conflicted(self, attempt, error):
        self.stats.claim_conflicts += 1
