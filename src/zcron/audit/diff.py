"""What a change did to a cron (or a crontab's switch, or a site's
calendar): its fields before and after as they are dumped (JSON values),
compared field by field, and said in words."""
import json

ADD, EDIT, REMOVE = "add", "edit", "remove"
CRONTAB = ""         # the uid of a crontab's own changes (its switch)
CALENDAR = "calendar:"      # + its name: the uid of a calendar's changes


def snapshot(cron):
    """The cron's fields as its dump gives them, logs aside."""
    data = cron.dump(with_logs=False)
    data.pop("logs", None)
    return data


def switch_snapshot(crontab):
    return {"name": "crontab", "activated": crontab.activated}


def calendar_uid(name):
    return CALENDAR + name


def calendar_of(uid):
    """The calendar name of a change's uid; None for a cron or the switch."""
    return uid[len(CALENDAR):] if uid.startswith(CALENDAR) else None


def state_of(uid, thing):
    """What is compared and kept of what changed: a cron's snapshot, the
    crontab's switch, a calendar's dump."""
    if uid == CRONTAB:
        return switch_snapshot(thing)
    return snapshot(thing) if calendar_of(uid) is None else thing.dump()


def title(uid, data):
    """The name a change goes by: the cron's, or 'calendar NAME'."""
    return data["name"] if calendar_of(uid) is None else f"calendar {data['name']}"


def field_changes(before, after):
    """{field: [old, new]} of the fields that differ."""
    return {field: [before.get(field), value] for field, value in after.items()
            if before.get(field) != value}


def kind_of(before, after):
    """ADD, EDIT or REMOVE for a cron that was (``before`` not None) and
    is (``after`` not None); None when it neither was nor is."""
    if before is None:
        return None if after is None else ADD
    return REMOVE if after is None else EDIT


def show(value):
    return value if isinstance(value, str) and value else json.dumps(value)


def describe(change):
    """One line: 'add NAME', 'remove NAME' or 'edit NAME: f old -> new, ...'."""
    text = f"{change.kind} {change.name}"
    if change.kind != EDIT:
        return text
    parts = [f"{field} {show(old)} -> {show(new)}"
             for field, (old, new) in sorted(change.fields.items())]
    return f"{text}: {', '.join(parts)}"
