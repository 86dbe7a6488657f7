"""Recording changes where the model makes them: the crontab's add and
remove, its calendars' and the cron's edits tell this module (before
changing), which
notes each cron's state before the transaction's first change to it;
when the transaction commits, each cron's net change is one record in
its site's store, and the ZODB transaction gets the same user and
description. A transaction that is aborted (or retried) records nothing."""
from zcron import clock
from zcron.audit.context import current
from zcron.audit.diff import (ADD, CRONTAB, EDIT, calendar_uid, describe, field_changes,
                              kind_of, snapshot, state_of, switch_snapshot, title)
from zcron.audit.store import Change, audit_of

_KEY = object()      # the transaction's data slot for its Pending


class Pending:
    """One transaction's touched crons, site by site: uid -> [before, now]
    (``before``: a snapshot, or a removed cron not snapshotted yet; None:
    it did not exist; ``now``: the cron, or None once removed). The uid
    CRONTAB holds the crontab's own switch; a calendar's is calendar_uid(name)."""

    def __init__(self, actor):
        self.actor = actor
        self.sites = {}      # id(site) -> (site, {uid: [before, now]})


def cron_changing(cron):
    """``cron`` is about to change (a field set or reset)."""
    crontab = cron.__parent__
    if crontab is not None:
        _touch(crontab, cron.uid, lambda: snapshot(cron), cron)


def cron_added(crontab, cron):
    _touch(crontab, cron.uid, lambda: None, cron)


def cron_removing(crontab, cron):
    _touch(crontab, cron.uid, lambda: cron, None)


def crontab_switching(crontab):
    """Its switch is about to be set (not the first time: its creation)."""
    crontab._p_activate()        # a ghost's __dict__ is empty
    if "activated" in crontab.__dict__:
        _touch(crontab, CRONTAB, lambda: switch_snapshot(crontab), crontab)


def calendar_changing(crontab, name, now):
    """The calendar ``name`` is about to be ``now`` (None: removed)."""
    old = crontab.calendars().get(name)
    _touch(crontab, calendar_uid(name), lambda: None if old is None else old.dump(), now)


def _touch(crontab, uid, before, now):
    site = crontab.__parent__
    jar = getattr(site, "_p_jar", None)
    if jar is None or crontab.read_only:
        return          # nothing stored is changing: a crontab being built, or read
    txn = jar.transaction_manager.get()
    try:
        pending = txn.data(_KEY)
    except KeyError:
        pending = Pending(current())
        txn.set_data(_KEY, pending)
        txn.addBeforeCommitHook(_commit, (txn, pending))
    crons = pending.sites.setdefault(id(site), (site, {}))[1]
    if uid in crons:
        crons[uid][1] = now
    else:
        crons[uid] = [before(), now]


def _commit(txn, pending):
    """Each cron's net change recorded; the transaction annotated."""
    made = []
    for site, crons in pending.sites.values():
        made += _record(site, crons, pending.actor)
    if made:
        who = pending.actor.who
        txn.user = who
        first, last = made[0], made[-1]
        ids = str(first.id) if first is last else f"{first.id}-{last.id}"
        txn.note(f"zcron changes {ids} by {who}: {describe(first)}"
                 + (f" (and {len(made) - 1} more)" if len(made) > 1 else "")
                 + (f"; note: {first.note}" if first.note else ""))


def _net(crons):
    """(uid, kind, before, now, after, fields) of each cron that changed."""
    for uid, (before, now) in crons.items():
        if before is not None and not isinstance(before, dict):
            before = snapshot(before)
        kind = kind_of(before, now)
        if kind == EDIT:
            after = state_of(uid, now)
            fields = field_changes(before, after)
            if fields:
                yield uid, kind, before, now, after, fields
        elif kind is not None:
            yield uid, kind, before, now, None, None


def _record(site, crons, actor):
    """The site's changes (the last ``limit`` of them kept)."""
    real = list(_net(crons))
    if not real:
        return []
    store = audit_of(site, create=True)
    when = clock.now()
    ids = [store.next_id() for _ in real]
    kept = []
    for change_id, (uid, kind, before, now, after, fields) in list(zip(ids, real))[-store.limit:]:
        dump = state_of(uid, now) if kind == ADD else (None if kind == EDIT else before)
        note = actor.note or _pause_note(fields)
        change = Change(change_id, when, actor.who, note, kind, uid,
                        title(uid, dump or after), fields, dump)
        store.add(change)
        kept.append(change)
    return kept


def _pause_note(fields):
    """A pause's own note says why, when the caller gave none."""
    old_new = (fields or {}).get("pause_note")
    return old_new[1] if old_new else ""


def crontab_replaced(crontab):
    """``crontab``'s crons are all going (a crontab put in its place)."""
    for cron in crontab:
        cron_removing(crontab, cron)
