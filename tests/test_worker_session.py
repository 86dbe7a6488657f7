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
