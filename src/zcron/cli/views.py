"""Seeing crons: list a site's, show one in detail (previews of fire
times are ``zcron.cli.preview``).

Nothing here writes; changing crons is ``zcron.cli.crons``.
"""
import json
from itertools import islice

import click

from zcron import clock
from zcron.cli.app import cli, get_cron, get_crontab, pass_app
from zcron.cli.output import (echo_json, echo_json_list, echo_rows,
                              first_line, format_duration, format_iso, format_pause_end,
                              format_seconds, iso_time, note, PAGE, SHORT_UID, table,
                              time_column)
from zcron.cli.params import (cron_argument, json_option, site_option,
                              utc_option)
from zcron.cli.terminal import colour_on, width_limit
from zcron.db import sparingly
from zcron.interfaces import STATUSES

SHOW_RUNS = 5
STATES = ("on", "off", "paused", "done")
LIST_CUT_FIRST = (2, 0, 1)     # on a narrow terminal: the schedule, name, state
LABEL_WIDTH = 19


def next_due(cron, queue, now):
    """When the cron runs next: its soonest queued job, or -- when the
    queue has none yet -- the next run its schedule gives; None if neither."""
    from zcron.schedule import next_runs
    jobs = queue.pending(cron.__parent__.site, cron.uid)
    if jobs:
        return jobs[0].due
    if cron.switched_on:
        runs = next_runs(cron, now, 1)
        if runs:
            return runs[0]
    return None


def with_kind(data, cron):
    """A cron's dump with its schedule's kind (``cron``, ...) after its text."""
    result = {}
    for key, value in data.items():
        result[key] = value
        if key == "periodicity":
            result["kind"] = cron.get_periodicity().kind
    return result


def summary(cron, queue, now, utc=False):
    """A cron's dump without logs, plus what ``list`` shows."""
    data = with_kind(cron.dump(with_logs=False), cron)
    data.pop("logs", None)
    last = cron.last_log()
    data.update(
        state=cron.state(now),
        next_run=iso_time(next_due(cron, queue, now), cron.timezone, utc),
        last_run=None if last is None else iso_time(last.date, cron.timezone, utc),
        last_status=None if last is None else last.status,
        last_duration=None if last is None else last.duration,
    )
    return data


# -- list -----------------------------------------------------------------------------------

@cli.command("list", epilog="""\b
Examples:
  zcron list
  zcron list --site shop --utc
  zcron list --name cleanup
  zcron list --status failure --state on
  zcron list --json | jq '.[] | select(.last_status == "FAILURE") | .name'
""")
@click.option("--name", metavar="NAME", help="Only the crons of this runner name.")
@click.option("--status", type=click.Choice(STATUSES, case_sensitive=False),
              help="Only the crons whose last run has this status.")
@click.option("--state", type=click.Choice(STATES),
              help="Only the crons in this state.")
@site_option
@utc_option
@json_option
@pass_app
def list_(app, name, status, state, site, utc, as_json):
    """List a site's crons: state, schedule, next and last run."""
    from zcron.components import queue_for

    def work(root):
        _, crontab = get_crontab(root, site)
        if not crontab.activated:
            note(f"the crontab of site {site!r} is disabled: no cron runs "
                 "(zcron crontab enable)")
        queue, now = queue_for(root), clock.now()
        crons = crontab if name is None else crontab.find(name=name)
        found = (c for c in _summaries(crontab, crons, queue, now, utc)
                 if status in (None, c["last_status"]) and state in (None, c["state"]))
        if as_json:
            echo_json_list(found)
            return
        echo_rows(["NAME", "STATE", "SCHEDULE", "NEXT RUN", "LAST RUN", "STATUS",
                   "DURATION", "UID"], _streamed_rows(found, utc, now),
                  empty=f"no crons in site {site!r}; add one with: zcron add NAME --cron EXPR",
                  cut_first=LIST_CUT_FIRST)

    app.transact(work, write=False)     # prints as it reads: read-only, nothing to conflict


def _summaries(crontab, crons, queue, now, utc):
    """The crons' summaries as they are read: a million crons need not
    all stay in the connection's cache."""
    return (summary(cron, queue, now, utc) for cron in sparingly(crons, crontab))


def _streamed_rows(crons, utc, now):
    crons = iter(crons)
    page = list(islice(crons, PAGE))
    while page:
        yield from _list_rows(page, utc, now)
        page = list(islice(crons, PAGE))


def _list_rows(crons, utc, now):
    """The rows of ``list``, from the crons' summaries."""
    zones = [c["timezone"] for c in crons]
    next_runs = time_column([c["next_run"] for c in crons], zones, utc, now)
    last_runs = time_column([c["last_run"] for c in crons], zones, utc, now)
    return [[data["name"], _list_state(data), f"{data['periodicity']} ({data['timezone']})",
             next_run, last_run, data["last_status"], format_duration(data["last_duration"]),
             data["uid"][:SHORT_UID]]
            for data, next_run, last_run in zip(crons, next_runs, last_runs)]


def _list_state(data):
    state = data["state"]
    if state == "paused" and data["pause_note"]:
        state += f" ({data['pause_note']})"
    return state


# -- show -----------------------------------------------------------------------------------

@cli.command(epilog="""\b
Examples:
  zcron show cleanup
  zcron show 3d5ec7d96b534077ae45939f65d6cdac --json
""")
@cron_argument
@site_option
@utc_option
@json_option
@pass_app
def show(app, ref, site, utc, as_json):
    """Show one cron in detail: its fields, queued jobs, next 5 runs and
    newest log entries."""
    from zcron.components import queue_for
    from zcron.schedule import next_runs

    def work(root):
        _, crontab, cron = get_cron(root, site, ref)
        now = clock.now()
        data = with_kind(cron.dump(), cron)
        data.update(
            site=site,
            crontab_activated=crontab.activated,
            state=cron.state(now),
            description=cron.get_periodicity().describe(),
            jitter_offset=cron.jitter_offset(),
            runs=cron.runs,
            **alert_facts(cron, now, utc),
            queued=[{"due": iso_time(j.due, cron.timezone, utc),
                     "fire_time": iso_time(j.fire_time, cron.timezone, utc),
                     "kind": j.kind, "attempt": j.attempt}
                    for j in queue_for(root).pending(site, cron.uid)],
            next_runs=[iso_time(t, cron.timezone, utc)
                       for t in next_runs(cron, now, SHOW_RUNS)] if cron.switched_on else [],
        )
        return data

    data = app.transact(work, write=False)
    if as_json:
        echo_json(data)
    else:
        _echo_show(data, utc)


def _echo_show(data, utc):
    """``show`` for people: the fields, then the queue, next and last runs."""
    def column(times):           # aligned, after how far they are from now
        return time_column(times, [data["timezone"]] * len(times), utc, clock.now())

    for label, value in _show_fields(data, utc):
        click.echo(f"{label + ':':<{LABEL_WIDTH}}{value}")
    due = column([j["due"] for j in data["queued"]])
    _echo_list("queued", [f"{d} ({j['kind']})" for d, j in zip(due, data["queued"])]
               or ["nothing"])
    _echo_list("next runs", column(data["next_runs"]) or ["none"])
    _echo_last_runs(data["logs"][:SHOW_RUNS], column)


def _show_fields(data, utc):
    """(label, value) of each field ``show`` prints."""
    return [
        ("name", data["name"]),
        ("uid", data["uid"]),
        ("site", data["site"]),
        ("state", _show_state(data, utc)),
        ("schedule", f"{data['periodicity']}  ({data['description']})"),
        ("kind", data["kind"]),
        ("time zone", data["timezone"]),
        ("environ", json.dumps(data["environ"], ensure_ascii=False)),
        ("missed", data["missed"]),
        ("catchup window", format_seconds(data["catchup_window"])),
        ("overlap", data["overlap"]),
        ("timeout", format_seconds(data["timeout"])),
        ("warn after", format_seconds(data["warn_after"])),
        ("retries", f"{data['retries']} (backoff {format_seconds(data['retry_backoff'])})"),
        ("jitter", _show_jitter(data)),
        ("retry interrupted", "yes" if data["retry_interrupted"] else "no"),
        ("logs limit", data["logs_limit"]),
        ("keep ok for", _show_keep(data, "keep_ok_for")),
        ("keep failures for", _show_keep(data, "keep_failures_for")),
        ("start, end", " .. ".join(format_iso(data[f], data["timezone"], utc)
                                   for f in ("start", "end"))),
        ("max runs", f"{data['max_runs'] or 'no limit'} ({data['runs']} run so far)"),
        ("exclude", ", ".join(data["exclude"]) or "no calendar"),
        ("alert no success", _show_alert(data, "alert_no_success")),
        ("alert running", _show_alert(data, "alert_running")),
        ("last success", format_iso(data["last_success"], data["timezone"], utc)
         + ("  (overdue)" if data["overdue"] else "")),
        ("pause after", f"{data['pause_after_failures']} failures in a row"
         if data["pause_after_failures"] else "never (no circuit breaker)"),
    ]


def alert_facts(cron, now, utc):
    """What ``show`` tells of a cron's alerts: values in effect, last success."""
    from zcron.alerts.rules import overdue_since
    from zcron.model.defaults import DEFAULTABLE, effective
    return {"effective": {field: effective(cron, field) for field in DEFAULTABLE},
            "last_success": iso_time(cron.last_success, cron.timezone, utc),
            "overdue": overdue_since(cron, now) is not None}


def _show_alert(data, field):
    """A cron's own value, else its site's default, said so."""
    if data[field] is None and data["effective"][field] is not None:
        return format_seconds(data["effective"][field]) + " (site default)"
    return format_seconds(data[field])


def _show_keep(data, field):
    """A log age limit: the cron's, the site's, else the built-in one, said so."""
    from zcron.model.logs import KEEP_DEFAULTS
    if data["effective"][field] is None:
        return format_seconds(KEEP_DEFAULTS[field]) + " (built-in)"
    return _show_alert(data, field)


def _show_state(data, utc):
    """The state, with a pause's end and note, and a word when the site's
    crontab is off (then nothing runs, whatever the cron's own state)."""
    state = data["state"]
    if state == "paused":
        state += " until " + format_pause_end(data["paused_until"], data["timezone"], utc)
        if data["pause_note"]:
            state += f" ({data['pause_note']})"
    if not data["crontab_activated"]:
        state += "; the site's crontab is off: no run"
    return state


def _show_jitter(data):
    jitter = format_seconds(data["jitter"])
    if data["jitter"]:
        jitter += f" (this cron: +{data['jitter_offset']:g}s)"
    return jitter


def _echo_list(title, items):
    for i, item in enumerate(items):
        click.echo(f"{(title + ':') if i == 0 else '':<{LABEL_WIDTH}}{item}")


def _echo_last_runs(logs, column):
    """The newest log entries, their dates by ``column`` (one precision)."""
    click.echo(f"{'last runs:':<{LABEL_WIDTH}}" + ("" if logs else "none"))
    if logs:
        dates = column([log["date"] for log in logs])
        rows = [[date, log["status"], format_duration(log["duration"]),
                 first_line(log["messages"])] for date, log in zip(dates, logs)]
        width = width_limit()
        lines = table(["DATE", "STATUS", "DURATION", "MESSAGE"], rows,
                      None if width is None else width - 2, colour_on()).splitlines()
        for line in lines:
            click.echo("  " + line)
