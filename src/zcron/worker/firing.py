"""Events fired once their transaction committed (a run's or a claim's),
in a transaction of their own that saves what their subscribers wrote."""
import logging

from zope.event import notify

from zcron.retry import RETRYABLE

logger = logging.getLogger("zcron.worker")


def fire(tm, events):
    """Notify ``events`` in a new transaction of ``tm`` and commit it.
    ``events`` is iterated inside it, so it may look up what they carry.
    A conflict loses the subscribers' writes only (what the events report
    is committed already): warned, not retried, not fired twice."""
    tm.begin()
    fired = 0
    for event in events:
        notify(event)
        fired += 1
    try:
        tm.commit()
    except RETRYABLE:
        tm.abort()
        logger.warning("event subscribers' writes conflicted; they were not saved "
                       "(%d events)", fired)
