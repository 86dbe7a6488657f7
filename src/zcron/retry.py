"""Trying again: which errors deserve another attempt, how many, how far apart.

A ZODB ``ConflictError`` (a ``TransientError``) says that another writer
committed first: the same work done again from a fresh view usually
succeeds. Every caller that commits -- workers, the CLI, the dashboard --
retries through ``retry`` or ``transact`` here, never with a loop of its own.
A database server gone away (restarted) is waited for by ``reconnecting``.
"""
import itertools
import logging
import random
import sys
import time

from transaction.interfaces import TransientError

RETRYABLE = (TransientError,)
# Patience with a database gone away (a server restarted): seconds of
# attempts before its error propagates, and the longest pause between them.
RECONNECT_PATIENCE = 300.0
RECONNECT_PAUSE = 1.0


# Where the database drivers keep the errors of a server gone away, and their names.
DRIVER_ERRORS = (("ZEO.Exceptions", ("ClientDisconnected",)),
                 ("psycopg2", ("OperationalError", "InterfaceError")))


def disconnected():
    """The errors of a database server that went away: ZEO's (after its own
    wait) and the PostgreSQL driver's, of the drivers in use: one never
    imported raised nothing, and importing it would slow every start."""
    return tuple(getattr(module, name)
                 for module, names in ((sys.modules.get(path), names)
                                       for path, names in DRIVER_ERRORS)
                 if module is not None for name in names)


logger = logging.getLogger("zcron.retry")


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
            abort(tm)
            raise
    return retry(once, attempts, base, on_retry)


def abort(tm):
    """Abort the current transaction of ``tm``, also when the database went
    away meanwhile (the abort's resync fails then; the next ``begin``
    resyncs): the error that brought us here is the one to tell."""
    try:
        tm.abort()
    except disconnected() as error:
        logger.debug("abort without the database: %s", error)


def reconnecting(func, patience=RECONNECT_PATIENCE):
    """``func()``, called again while the database is unreachable (its
    server restarting), for ``patience`` seconds at most: a daemon waits
    for its database instead of dying of its absence."""
    deadline = time.monotonic() + patience
    for attempt in itertools.count(1):
        try:
            return func()
        except disconnected() as error:
            if time.monotonic() >= deadline:
                raise
            if attempt == 1:
                logger.warning("database unreachable, trying again: %s",
                               " ".join(str(error).split()))
            time.sleep(min(RECONNECT_PAUSE, 0.1 * attempt))
