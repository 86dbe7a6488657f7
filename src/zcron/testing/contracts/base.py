"""zcron.testing.contracts.base owns what the contracts share: the database
hook (``self.db``, ``open_session``, ``make_queue``), jobs to queue, and ``raises``."""
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

UTC = timezone.utc
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)     # "now" of the queue contracts
SECOND = timedelta(seconds=1)


def uid(n):
    """The n-th cron uid: 32 hex characters."""
    return f"{n:032x}"


def job(n=0, at=T0, site="default", kind="schedule", attempt=0, signature=None,
        due=None):
    """A job of cron ``uid(n)`` firing ``at``, due at ``due`` (default: ``at``)."""
    from zcron.model.timeutil import to_us
    from zcron.queue import Job
    return Job(site, uid(n), to_us(at), to_us(at if due is None else due), kind,
               attempt, signature)


def keys(jobs):
    """Jobs compared by identity in the queue (a host's queue may hand back
    its own IJob objects)."""
    return [j.key for j in jobs]


@contextmanager
def raises(error):
    """``pytest.raises`` without needing pytest (the contracts run under
    unittest too)."""
    try:
        yield
    except error:
        return
    raise AssertionError(f"{error.__name__} not raised")


class DatabaseHook:
    """For the contracts of components kept in the ZODB.

    The hook: set ``self.db`` before each test -- an open ``ZODB.DB`` holding
    zcron's root, as ``zcron.db.open_db(uri)`` makes -- and close it after
    (in ``setup_method``/``teardown_method``, ``setUp``/``tearDown`` or an
    autouse fixture), with the component registry holding the component
    under test (``zcron.testing.setup_components(...)`` plus your own ZCML).
    A storage other than ``memory://`` is best: the concurrency tests open
    two connections. Or override ``open_session()`` to return your own
    ``zcron.db.Session``-like object (``.root``, ``.tm``, a context manager).
    """

    db = None

    def open_session(self):
        from zcron.db import Session
        if self.db is None:
            raise RuntimeError(f"{type(self).__name__} must set self.db (an open "
                               "ZODB.DB made by zcron.db.open_db) before each test")
        return Session(self.db)

    def committed(self, change):
        """Run ``change(root)`` in a session of its own and commit it."""
        with self.open_session() as s:
            result = change(s.root)
            s.tm.commit()
            return result


class QueueHook(DatabaseHook):
    """``self.db`` (see DatabaseHook), and ``make_queue(root)``: the queue
    manager under test for zcron's root container. The default looks it up
    as zcron does (``zcron.components.queue_for``), so that a host's queue
    manager, registered under zcron's name, is the one tested; override it
    to test a class directly."""

    def make_queue(self, root):
        from zcron.components import queue_for
        return queue_for(root)
