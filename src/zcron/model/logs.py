"""A cron's log, kept in its own persistent record.

Recording a run writes this record only: never the crontab, never another
cron, so runs of two crons do not conflict and a crontab of 100,000 crons
is not rewritten by each run. Two runs of the *same* cron committed
concurrently (two workers, or a run and a NOTRUN account) do not conflict
either: ``_p_resolveConflict`` merges both sides' entries.
"""
from persistent import Persistent
from ZODB.POSException import ConflictError

from zcron.interfaces import FAILURE, OK, WARN
from zcron.model.defaults import effective
from zcron.model.older_logs import OlderLogs, has_id, ids_of, merge_entries
from zcron.model.timeutil import stamp_time, to_us

SUCCESSES = (OK, WARN)
# A log record holds fewer than this many entries before the older ones
# go to their own record (see CronLogs).
SPILL = 8
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


class CronLogs(Persistent):
    """Newest first, bounded by count and age; the newest FAILURE survives both.

    A run rewrites this record, so it holds only the newest entries
    (``recent``, fewer than ``SPILL``) and the execution ids of the older
    ones, which live in an ``OlderLogs`` record of their own, rewritten
    once every ``SPILL`` runs: a run pickles and loads a few entries, not
    the whole log. An empty log stores only its older record (the class
    holds the empty values): a cron's first claim writes both.
    """

    recent = ()
    older = None     # its OlderLogs (a record written before them: from its first spill)
    older_ids = b""  # the older entries' execution ids (see ids_of)
    counts = {}      # never changed in place: add() replaces it
    limit = None     # the cron's logs_limit, as of the last add()
    ages = None      # its age limits (see bound), as of the last add()
    # microseconds of the newest OK or WARN entry ever added (an integer: a
    # run rewrites this record, and a datetime costs three class lookups a load)
    _success_us = None
    # FAILUREs in a row, retries exhausted (the circuit breaker's count):
    # an OK or WARN, or resuming the cron, sets it back to 0
    failures = 0

    def __init__(self, entries=(), limit=None):
        # made with the log, not at its first spill: two transactions
        # spilling a log at once then write one older record, which merges
        self.older = OlderLogs()
        if entries:
            self.recent = bound(tuple(entries), limit)
        if limit is not None:
            self.limit = limit

    def __setstate__(self, state):
        """Records written before the split hold every entry as ``entries``."""
        state = dict(state or {})
        if "entries" in state:
            state["recent"] = state.pop("entries")
        super().__setstate__(state)

    @property
    def entries(self):
        """The log as kept: every entry within the bounds, newest first
        (kept for the record's state: readers ask for it again and again)."""
        kept = self._older_kept()
        packed = b"" if kept is None else kept.packed
        view = getattr(self, "_v_view", None)
        if view is None or view[0] is not self.recent or view[1] is not packed:
            older = () if kept is None else kept.entries
            view = self._v_view = (self.recent, packed,
                                   bound(self.recent + older, self.limit, self.ages))
        return view[2]

    def newest(self):
        """The last entry added (None: none), read without the older ones."""
        if self.recent:
            return self.recent[0]
        entries = self.entries
        return entries[0] if entries else None

    def newest_first(self):
        """Every entry stored, newest first, the older ones read only if
        reached (bounds not applied: for the run path, which wants the last few)."""
        yield from self.recent
        kept = self._older_kept()
        if kept is not None:
            yield from kept.entries

    def _older_kept(self):
        """The older record, None when it cannot hold an entry: until a
        first entry is added (``counts`` stays empty), a new cron's runs
        need not load it (and its ghost need not become an object)."""
        return self.older if self.counts else None

    def has(self, execution_id):
        """Whether a run of ``execution_id`` is logged, without loading the older entries."""
        return any(e.execution_id == execution_id for e in self.recent) or \
            has_id(self.older_ids, execution_id)

    def add(self, log, limit, ages=None):
        # The limits are kept here so that conflict resolution, which sees
        # this record only, can apply them.
        self.limit = limit
        self.ages = ages
        recent = (log,) + self.recent
        if len(recent) < SPILL:
            self.recent = bound(recent, limit, ages, log.date)
        else:
            self._spill(recent)
        counts = dict(self.counts)
        counts[log.status] = counts.get(log.status, 0) + 1
        self.counts = counts
        if log.status in SUCCESSES:
            stamp = self._success_us
            if stamp is None:       # none yet, or a datetime of a record written before
                stamp = _success_of(self.__dict__)
            self._success_us = _latest(stamp, to_us(log.date))
        if log.status in (OK, WARN) and self.failures:
            self.failures = 0
        elif log.status == FAILURE and log.attempt >= log.attempts:
            self.failures += 1

    @property
    def last_success(self):
        """The date of the newest OK or WARN entry ever added (None: none)."""
        return stamp_time(self._success_us, self.__dict__.get("last_success"))

    def _spill(self, recent):
        """All but the newest entry go to the older record, bounded."""
        if self.older is None:
            self.older = OlderLogs()
        kept = bound(recent + self.older.entries, self.limit, self.ages, recent[0].date)
        self.recent = kept[:1]
        self.older.entries = kept[1:]
        self.older_ids = ids_of(kept[1:])
        if self._p_jar is not None:     # runs read the ids only: not kept in memory
            self._p_jar.transaction_manager.get().addAfterCommitHook(_ghost, (self.older,))

    def reset_failures(self):
        if self.failures:
            self.failures = 0

    def clear(self):
        self.recent = ()
        self.older_ids = b""
        if self.older is not None:
            self.older.entries = ()

    def __len__(self):
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries)

    def _p_resolveConflict(self, old, committed, new):
        """Merge two concurrent changes of one cron's log.

        Entries either side added are kept; an entry of ``old`` survives
        only if neither side dropped it (by the bound, a spill or
        ``clear``). The result is newest first by date, the per-status
        counts add up both sides' increments, and the older entries' ids
        are both sides' (a run logged is logged: more ids never rerun one).
        """
        # states leave out what the class holds (an empty log)
        old, committed, new = (_normalised(state) for state in (old, committed, new))
        limit = new.get("limit") or committed.get("limit")
        ages = new.get("ages") or committed.get("ages")
        state = new
        state["recent"] = bound(merge_entries(
            old["recent"], committed["recent"], new["recent"]), limit, ages)
        state["counts"] = _merge_counts(old["counts"], committed["counts"], new["counts"])
        state["limit"] = limit
        if ages is not None:
            state["ages"] = ages
        stamp = _latest(_success_of(committed), _success_of(new))
        state.pop("last_success", None)       # the older datetime, now in the stamp
        if stamp is not None:
            state["_success_us"] = stamp
        state["failures"] = _merge_failures(*(s.get("failures", 0)
                                              for s in (old, committed, new)))
        _merge_older(state, old, committed, new)
        return state


def _ghost(committed, record):
    if committed and record._p_jar is not None:
        record._p_deactivate()


def _success_of(state):
    """A state's last-success stamp in microseconds, the datetime of a
    record written before the stamp was an integer included (None: none)."""
    us = state.get("_success_us")
    older = state.get("last_success")
    return to_us(older) if us is None and older is not None else us


def _normalised(state):
    state = dict(state or {})
    if "entries" in state:
        state["recent"] = state.pop("entries")
    state.setdefault("recent", ())
    state.setdefault("counts", {})
    return state


def _merge_older(state, old, committed, new):
    """The older record as one side made it (both making one: tried
    again), its ids of both sides."""
    # references in states compare by oid (PersistentReference refuses ==)
    oids = [getattr(s.get("older"), "oid", None) for s in (old, committed, new)]
    if oids[0] is None and None not in oids[1:] and oids[1] != oids[2]:
        raise ConflictError("a cron's older log entries made twice meanwhile")
    if oids[2] is None and oids[1] is not None:
        state["older"] = committed["older"]
    ids = [s.get("older_ids", b"") for s in (old, committed, new)]
    if ids[1] != ids[0] and ids[2] != ids[0]:
        state["older_ids"] = ids[1] + ids[2]
    elif ids[1] != ids[0]:
        state["older_ids"] = ids[1]


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
