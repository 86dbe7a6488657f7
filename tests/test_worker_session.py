"""zcron.worker.session: the dispatcher's transactions, and its cache
emptied now and then (the queue's buckets its claims emptied are dead)."""
from zcron.worker import session as session_module
from zcron.worker.session import DispatcherSession
from zcron.worker.stats import Stats


def _work(tx):
    return len(tx.queue.due(tx.now, limit=10))


def test_the_cache_is_emptied_once_a_while_has_passed(db, monkeypatch):
    dispatcher = DispatcherSession(db, Stats())
    dispatcher.open()
    try:
        dispatcher.transact(_work)
        cache = dispatcher._session.conn._cache
        assert cache.ringlen() > 0          # the queue's records, kept
        monkeypatch.setattr(session_module, "EMPTY_EVERY", 0.0)
        dispatcher.transact(_work)
        assert cache.ringlen() == 0
    finally:
        dispatcher.close()


def test_runs_are_counted_once_their_transaction_committed(db):
    """An attempt undone by a conflict counts nothing: the count and the
    FinishedCronJobEvents (the lines the CLI prints) agree."""
    from ZODB.POSException import ConflictError

    from zcron.events import FinishedCronJobEvent
    from zcron.interfaces import NOTRUN, OK
    from zcron.model.log import Log
    attempts = []

    def work(tx):
        attempts.append(tx)
        status = NOTRUN if len(attempts) == 1 else OK
        tx.events.append(FinishedCronJobEvent(None, None, None, Log(tx.now, status)))
        if len(attempts) == 1:
            raise ConflictError("another writer first")

    stats = Stats()
    dispatcher = DispatcherSession(db, stats)
    dispatcher.open()
    try:
        dispatcher.transact(work)
    finally:
        dispatcher.close()
    assert len(attempts) == 2
    assert stats.by_status == {OK: 1}


def test_connections_idle_in_the_pool_are_released_once_a_while_has_passed(
        tmp_path, zca, monkeypatch):
    """A connection closed in the pool collects every oid committed until
    it reopens: the dispatcher reopens its own now and then, and DB.open
    releases those idle longer than the pool's timeout."""
    import time

    from zcron.db import open_db
    db = open_db(f"file://{tmp_path}/Data.fs?connection_pool_timeout=1")
    dispatcher = DispatcherSession(db, Stats())
    try:
        idle = db.open()
        dispatcher.open()
        idle.close()
        dispatcher.transact(_work)
        time.sleep(1.1)
        assert idle in db.pool.all
        monkeypatch.setattr(session_module, "EMPTY_EVERY", 0.0)
        dispatcher.transact(_work)
        assert idle not in db.pool.all and idle._storage is None
    finally:
        dispatcher.close()
        db.close()
