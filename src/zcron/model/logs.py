"""A cron's log, kept in its own persistent record.

Recording a run writes this record only: never the crontab, never another
cron, so runs of two crons do not conflict and a crontab of 100,000 crons
is not rewritten by each run. Two runs of the *same* cron committed
concurrently (two workers, or a run and a NOTRUN account) do not conflict
either: ``_p_resolveConflict`` merges both sides' entries.
"""
from persistent import Persistent

from zcron.interfaces import FAILURE, OK, WARN
from zcron.model.defaults import effective

SUCCESSES = (OK, WARN)
# Age limits when neither the cron nor its site sets one: a week of
# successes, a quarter of failures and fire times not run (NOTRUN), which
# post-mortems ask about longest.
KEEP_DEFAULTS = {"keep_ok_for": 7 * 86400, "keep_failures_for": 90 * 86400}


def bound(entries, limit, ages=None, now=None):
    """The entries kept of ``entries`` (newest first): those younger than
    their status's age limit (``ages``: (OK/WARN seconds, FAILURE/NOTRUN
    seconds) before ``now``, by default the newest entry's date), then the
    newest ``limit`` of those; the newest FAILURE always: users want it."""
    failure = next((e for e in entries if e.status == FAILURE), None)
    if ages is not None and entries:
        now = now or max(e.date for e in entries)
        entries = tuple(e for e in entries if e is failure or not _expired(e, now, ages))
    if limit is None or len(entries) <= limit:
        return entries
    return _with(entries[:limit], failure)


def _expired(entry, now, ages):
    """Older than its status's age limit at ``now``."""
    seconds = ages[0] if entry.status in SUCCESSES else ages[1]
    return (now - entry.date).total_seconds() > seconds


def _with(kept, failure):
    """``kept``, plus ``failure`` at its end when it is not among them."""
    if failure is None or any(e is failure for e in kept):
        return kept
    return kept + (failure,)


def ages_of(cron):
    """(keep_ok_for, keep_failures_for) in effect for a cron: its own,
    else its site's default, else the built-in ones."""
    return tuple(effective(cron, field) or default for field, default in KEEP_DEFAULTS.items())


def _key(entry):
    """What identifies an entry across the unpickled copies of one state."""
    return (entry.execution_id, entry.date, entry.status)


class CronLogs(Persistent):
    """Newest first, bounded by count and age; the newest FAILURE survives both.

    An empty log stores nothing of its own (the class holds the empty
    values): a cron's first claim writes one.
    """

    entries = ()
    counts = {}      # never changed in place: add() replaces it
    limit = None     # the cron's logs_limit, as of the last add()
    ages = None      # its age limits (see bound), as of the last add()
    last_success = None   # date of the newest OK or WARN entry ever added
    # FAILUREs in a row, retries exhausted (the circuit breaker's count):
    # an OK or WARN, or resuming the cron, sets it back to 0
    failures = 0

    def __init__(self, entries=(), limit=None):
        if entries:
            self.entries = bound(tuple(entries), limit)
        if limit is not None:
            self.limit = limit

    def add(self, log, limit, ages=None):
        # The limits are kept here so that conflict resolution, which sees
        # this record only, can apply them.
        self.limit = limit
        self.ages = ages
        self.entries = bound((log,) + self.entries, limit, ages, log.date)
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
        ages = new.get("ages") or committed.get("ages")
        state = new
        state["entries"] = bound(_merge_entries(
            old["entries"], committed["entries"], new["entries"]), limit, ages)
        state["counts"] = _merge_counts(old["counts"], committed["counts"], new["counts"])
        state["limit"] = limit
        if ages is not None:
            state["ages"] = ages
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
