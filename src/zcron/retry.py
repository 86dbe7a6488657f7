"""Trying again: which errors deserve another attempt, how many, how far apart.

A ZODB ``ConflictError`` (a ``TransientError``) says that another writer
committed first: the same work done again from a fresh view usually
succeeds. Every caller that commits -- workers, the CLI, the dashboard --
retries through ``retry`` or ``transact`` here, never with a loop of its own.
"""
import random
import time

from transaction.interfaces import TransientError

RETRYABLE = (TransientError,)


def pause(attempt, base):
    """Seconds to wait after failed attempt number ``attempt`` (from 1):
    random, so that writers who collided do not collide again, and growing."""
    return random.uniform(0, base * attempt)


def retry(func, attempts, base=0.01, on_retry=None):
    """``func()``, called again while it raises a retryable error, at most
    ``attempts`` times in all; the last attempt's error propagates.
    ``on_retry(attempt, error)`` is told of each failed attempt retried."""
    for attempt in range(1, attempts + 1):
        try:
            return func()
        except RETRYABLE as error:
            if attempt == attempts:
                raise
            if on_retry is not None:
                on_retry(attempt, error)
            time.sleep(pause(attempt, base))


def transact(tm, work, attempts, base=0.01, commit=True, note=None, on_retry=None):
    """``work()`` in a transaction of the manager ``tm``, committed (or
    aborted when ``commit`` is false), all of it again from scratch when
    the commit conflicts. Any other error aborts it and propagates."""
    def once():
        tm.begin()
        try:
            result = work()
            if not commit:
                tm.abort()
                return result
            if note:
                tm.get().note(note)
            tm.commit()
            return result
        except BaseException:
            tm.abort()
            raise
    return retry(once, attempts, base, on_retry)
