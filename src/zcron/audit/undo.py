"""Undoing one change by a compensating change (recorded as any other):
an edit's fields set back, an added cron (or calendar) removed, a removed
one back with its settings (a cron with its uid); refused when a later
change touched the same fields."""
from zcron.audit.context import acting, current
from zcron.audit.diff import ADD, CRONTAB, EDIT, REMOVE, calendar_of
from zcron.audit.store import audit_of
from zcron.exceptions import InvalidInput


def undo(site, crontab, change_id):
    """Revert the change ``change_id`` of ``site``; returns it. The caller
    commits (and the crontab's save queues what follows)."""
    store = audit_of(site)
    if store is None:
        raise InvalidInput("change", change_id, f"no such change in site {site.name!r} "
                                                "(it has no history)")
    change = store.get(site.name, change_id)
    _refuse_if_overlapped(store, change)
    note = current().note
    why = f"undo of change {change.id}" + (f": {note}" if note else "")
    with acting(note=why):
        _revert(crontab, change)
    if change.uid == CRONTAB:
        crontab.save()
    elif calendar_of(change.uid) is not None:
        crontab.save_calendar(calendar_of(change.uid))
    else:
        crontab.save_cron(change.uid)
    return change


def _refuse_if_overlapped(store, change):
    touched = change.touched()
    for later in reversed(store.later(change)):
        common = touched & later.touched()
        if common:
            whole = "the cron" if calendar_of(later.uid) is None else "the calendar"
            fields = ", ".join(sorted(common)) if later.kind == EDIT else whole
            raise InvalidInput(
                "change", change.id,
                f"change {later.id} ({later.kind} of {later.name} by {later.who}) "
                f"changed {fields} since: undo it first")


def _revert(crontab, change):
    from zcron.model import Cron
    if change.uid == CRONTAB:
        crontab.activated = change.fields["activated"][0]
    elif calendar_of(change.uid) is not None:
        _revert_calendar(crontab, change, calendar_of(change.uid))
    elif change.kind == ADD:
        crontab.remove_cron(_present(crontab, change).uid)
    elif change.kind == REMOVE:
        if change.uid in crontab:
            raise InvalidInput("change", change.id, f"a cron with uid {change.uid} exists")
        crontab.add_cron(Cron.load(change.dump))
    else:
        old = {field: values[0] for field, values in change.fields.items()}
        _present(crontab, change).edit(**old)


def _revert_calendar(crontab, change, name):
    """A calendar added goes (refused while a cron skips it), one removed
    comes back, an edited one gets its old rules."""
    from zcron.model.calendar import Calendar
    if change.kind == ADD:
        crontab.remove_calendar(name)
        return
    known = crontab.calendars().get(name)
    if (known is None) != (change.kind == REMOVE):
        state = "exists" if known is not None else "is gone"
        raise InvalidInput("change", change.id, f"the calendar {name} {state}")
    data = change.dump if change.kind == REMOVE else dict(
        known.dump(), **{rule: values[0] for rule, values in change.fields.items()})
    crontab.set_calendar(Calendar.load(data))


def _present(crontab, change):
    if change.uid not in crontab:
        raise InvalidInput("change", change.id, f"its cron {change.name} "
                                                f"({change.uid}) is gone")
    return crontab.get(change.uid)
