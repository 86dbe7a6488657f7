"""What an alert says: the event's kind and its facts as a JSON-able dict,
taken when the event fires (the cron's connection moves on after), and the
one sentence people read."""
from zcron import clock
from zcron.interfaces import (FAILURE, ICronAutoPausedEvent, ICronOverdueEvent,
                              ICronRecoveredEvent, ICronRunningLongEvent,
                              IFinishedCronJobEvent)
from zcron.model.timeutil import dump_time

# kind -> the event interface; a FAILURE is a finished run's event
KINDS = {
    "overdue": ICronOverdueEvent,
    "recovered": ICronRecoveredEvent,
    "running_long": ICronRunningLongEvent,
    "auto_paused": ICronAutoPausedEvent,
    "failure": IFinishedCronJobEvent,
}


def kind_of(event):
    """The alert kind of an event, None when it is no alert (a run not failed)."""
    for kind, interface in KINDS.items():
        if interface.providedBy(event):
            if kind == "failure" and event.log.status != FAILURE:
                return None
            return kind
    return None


def payload(kind, event):
    cron = event.object
    data = {"event": kind, "site": getattr(event.site, "name", None), "cron": cron.name,
            "uid": cron.uid, "at": dump_time(clock.now())}
    for name in ("since", "started"):
        if hasattr(event, name):
            data[name] = dump_time(getattr(event, name))
    if kind == "running_long":
        data["execution_id"] = event.execution_id
    if kind == "auto_paused":
        data["note"] = event.note
    if kind == "failure":
        data["execution_id"] = event.log.execution_id
        data["messages"] = list(event.log.messages)
    data["text"] = sentence(data)
    return data


def sentence(data):
    name = f"{data['site']}/{data['cron']}"
    text = {
        "overdue": f"{name} is overdue: no success since {data.get('since')}",
        "recovered": f"{name} recovered: it succeeded again (overdue since "
                     f"{data.get('since')})",
        "running_long": f"{name} is running long: its run started {data.get('started')}",
        "auto_paused": f"{name} was paused: {data.get('note')}",
        "failure": f"{name} failed: " + " ".join((data.get("messages") or [""])[:1]),
    }[data["event"]]
    return text.strip()
