"""What a change did to a cron: its fields before and after as they are
dumped (JSON values), compared field by field, and said in words."""
import json

ADD, EDIT, REMOVE = "add", "edit", "remove"
CRONTAB = ""         # the uid of a crontab's own changes (its switch)


def snapshot(cron):
    """The cron's fields as its dump gives them, logs aside."""
    data = cron.dump(with_logs=False)
    data.pop("logs", None)
    return data


def switch_snapshot(crontab):
    return {"name": "crontab", "activated": crontab.activated}


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
