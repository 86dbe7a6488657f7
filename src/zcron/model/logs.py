"""A cron's log, kept in its own persistent record.

Recording a run writes this record only: never the crontab, never another
cron, so runs of two crons do not conflict and a crontab of 100,000 crons
is not rewritten by each run. Two runs of the *same* cron committed
concurrently (two workers, or a run and a NOTRUN account) do not conflict
either: ``_p_resolveConflict`` merges both sides' entries.
"""
from persistent import Persistent

from zcron.interfaces import FAILURE, OK, WARN

SUCCESSES = (OK, WARN)


def bound(entries, limit):
    """The newest ``limit`` entries of ``entries`` (newest first), plus the
    newest FAILURE when it falls outside them: users want the last failure."""
    if limit is None or len(entries) <= limit:
        return entries
    kept, dropped = entries[:limit], entries[limit:]
    if not any(e.status == FAILURE for e in kept):
        failure = next((e for e in dropped if e.status == FAILURE), None)
        if failure is not None:
            kept += (failure,)
    return kept


def _key(entry):
    """What identifies an entry across the unpickled copies of one state."""
    return (entry.execution_id, entry.date, entry.status)


class CronLogs(Persistent):
    """Newest first, bounded; the newest FAILURE survives the bound.

    An empty log stores nothing of its own (the class holds the empty
    values): a cron's first claim writes one.
    """

    entries = ()
    counts = {}      # never changed in place: add() replaces it
    limit = None     # the cron's logs_limit, as of the last add()
    last_success = None   # date of the newest OK or WARN entry ever added
    # FAILUREs in a row, retries exhausted (the circuit breaker's count):
    # an OK or WARN, or resuming the cron, sets it back to 0
    failures = 0

    def __init__(self, entries=(), limit=None):
        if entries:
            self.entries = bound(tuple(entries), limit)
        if limit is not None:
            self.limit = limit

    def add(self, log, limit):
        # The limit is kept here so that conflict resolution, which sees
        # this record only, can apply it.
        self.limit = limit
        self.entries = bound((log,) + self.entries, limit)
        counts = dict(self.counts)
        counts[log.status] = counts.get(log.status, 0) + 1
        self.counts = counts
        if log.status in SUCCESSES:
            self.last_success = _latest(self.last_success, log.date)
        if log.status in (OK, WARN) and self.failures:
            self.failures = 0
        elif log.status == FAILURE and log.attempt >= log.attempts:
            self.failures += 1

    def reset_failures(self):
        if self.failures:
            self.failures = 0

    def clear(self):
        self.entries = ()

    def __len__(self):
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries)

    def _p_resolveConflict(self, old, committed, new):
        """Merge two concurrent changes of one cron's log.

        Entries either side added are kept; an entry of ``old`` survives
        only if neither side dropped it (by the bound, or by ``clear``).
        The result is newest first by date, bounded, and the per-status
        counts add up both sides' increments.
        """
        # states leave out what the class holds (an empty log)
        old, committed, new = (dict(state or {}) for state in (old, committed, new))
        for state in (old, committed, new):
            state.setdefault("entries", ())
            state.setdefault("counts", {})
        limit = new.get("limit") or committed.get("limit")
        state = new
        state["entries"] = bound(_merge_entries(
            old["entries"], committed["entries"], new["entries"]), limit)
        state["counts"] = _merge_counts(old["counts"], committed["counts"], new["counts"])
        state["limit"] = limit
        stamp = _latest(committed.get("last_success"), new.get("last_success"))
        if stamp is not None:
            state["last_success"] = stamp
        state["failures"] = _merge_failures(*(s.get("failures", 0)
                                              for s in (old, committed, new)))
        return state


def _merge_entries(old, committed, new):
    """Both sides' entries, newest first: an entry of ``old`` only if
    neither side dropped it."""
    old_keys = {_key(e) for e in old}
    committed_keys = {_key(e) for e in committed}
    new_keys = {_key(e) for e in new}
    merged = {}
    for entry in committed + new:
        key = _key(entry)
        if key in old_keys and not (key in committed_keys and key in new_keys):
            continue
        merged.setdefault(key, entry)
    return tuple(sorted(merged.values(), key=lambda e: e.date, reverse=True))


def _merge_counts(old, committed, new):
    """Per-status counts with both sides' increments since ``old``."""
    return {status: committed.get(status, 0) + new.get(status, 0) - old.get(status, 0)
            for status in set(committed) | set(new)}


def _latest(a, b):
    """The later of two times, either of which may be None."""
    return b if a is None else a if b is None else max(a, b)
def _merge_failures(old, committed, new):
    """Both sides' failures in a row: a side that reset the count wins."""
    if committed < old or new < old:
        return min(committed, new)
    return committed + new - old
