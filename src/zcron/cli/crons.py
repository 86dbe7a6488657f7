"""Crons: add, edit, switch, pause, run, list, show, and preview them."""
import json
from datetime import datetime

import click

from zcron import clock
from zcron.cli.app import cli, get_cron, get_crontab, pass_app
from zcron.cli.output import (NONE, echo_json, echo_result, echo_table,
                              first_line, format_duration, format_seconds,
                              format_time, iso_time, note, table)
from zcron.cli.params import (cron_argument, json_option, parse_environ,
                              parse_time, policy_options, pop_policies,
                              site_option, utc_option)
from zcron.exceptions import InvalidInput
from zcron.model import FOREVER

FOREVER_ISO = FOREVER.isoformat()


# -- views of a cron ------------------------------------------------------------------

def next_run(cron, queue, now):
    """(due time, kind) of the cron's next run: its soonest queued job, or
    -- when the queue has none yet -- the next one its schedule gives."""
    from zcron.schedule import next_runs
    jobs = queue.pending(cron.__parent__.site, cron.uid)
    if jobs:
        return jobs[0].due, jobs[0].kind
    if cron.switched_on:
        runs = next_runs(cron, now, 1)
        if runs:
            return runs[0], "schedule"
    return None, None


def summary(cron, queue, now, utc=False):
    """A cron's dump without logs, plus what ``list`` shows."""
    data = cron.dump(with_logs=False)
    data.pop("logs", None)
    due, _ = next_run(cron, queue, now)
    last = cron.last_log()
    data.update(
        state=cron.state(now),
        next_run=iso_time(due, cron.timezone, utc),
        last_run=None if last is None else iso_time(last.date, cron.timezone, utc),
        last_status=None if last is None else last.status,
        last_duration=None if last is None else last.duration,
    )
    return data


def label(data):
    return f"{data['name']} ({data['uid']})"


def _edit_cron(app, site, ref, verb, change):
    """Apply ``change(cron)`` to one cron and save it; returns its dump."""
    def work(root):
        _, crontab, cron = get_cron(root, site, ref, write=True)
        change(cron)
        crontab.save_cron(cron)
        return cron.dump()
    return app.transact(work, note=f"zcron {verb} {ref} --site {site}")


# -- add and edit -------------------------------------------------------------------------

@cli.command(epilog="""\b
Examples:
  zcron add cleanup --cron "30 2 * * *" --tz Europe/Zurich --environ '{"days": 7}'
  zcron add ping --cron "*/10 * * * * *" --overlap queue-one --timeout 5m
  zcron add report --cron @daily --missed all --catchup-window 1d --inactive
""")
@click.argument("name")
@click.option("--cron", "expression", required=True, metavar="EXPR",
              help="Cron expression: 5 fields, 6 with seconds first, or @daily, "
                   "@hourly, ...")
@click.option("--tz", "timezone", default="UTC", show_default=True, metavar="ZONE",
              help="IANA time zone the expression is read in, e.g. Europe/Zurich.")
@click.option("--environ", metavar="JSON",
              help="A JSON object handed to the runner, e.g. '{\"days\": 7}'.")
@click.option("--inactive", is_flag=True, help="Add it switched off.")
@policy_options
@site_option
@json_option
@pass_app
def add(app, name, expression, timezone, environ, inactive, site, as_json, **params):
    """Add a cron running the job runner NAME; prints its uid."""
    from zcron.model import Cron
    fields = dict(timezone=timezone, environ=parse_environ(environ),
                  activated=not inactive, **pop_policies(params))
    Cron(name, expression, **fields)           # bad input stops here, early

    def work(root):
        _, crontab = get_crontab(root, site, write=True)
        cron = crontab.add_cron(Cron(name, expression, **fields))
        crontab.save_cron(cron)
        return cron.dump()

    data = app.transact(work, note=f"zcron add {name} --site {site}")
    echo_result(data, as_json, data["uid"])


@cli.command(epilog="""\b
Examples:
  zcron edit cleanup --cron "0 3 * * *" --tz Europe/Paris
  zcron edit 3d5ec7d96b534077ae45939f65d6cdac --name cleanup2 --timeout none
  zcron edit cleanup --environ '{"days": 30}' --retries 2 --retry-backoff 5m
""")
@cron_argument
@click.option("--cron", "expression", metavar="EXPR", help="New cron expression.")
@click.option("--tz", "timezone", metavar="ZONE", help="New IANA time zone.")
@click.option("--environ", metavar="JSON", help="New environ (a JSON object; "
              "replaces the old one).")
@click.option("--name", metavar="NAME", help="New runner name.")
@policy_options
@site_option
@json_option
@pass_app
def edit(app, ref, expression, timezone, environ, name, site, as_json, **params):
    """Change a cron: only the options given change; all are checked first."""
    changes = pop_policies(params)
    for field, value in (("periodicity", expression), ("timezone", timezone),
                         ("environ", parse_environ(environ)), ("name", name)):
        if value is not None:
            changes[field] = value
    if not changes:
        raise click.UsageError("nothing to change: give at least one option")
    data = _edit_cron(app, site, ref, "edit", lambda cron: cron.edit(**changes))
    fields = ", ".join(sorted(changes))
    echo_result(data, as_json, f"edited {label(data)}: {fields}")


# -- remove, switch, pause ------------------------------------------------------------------

@cli.command(epilog="""\b
Example:
  zcron remove cleanup
""")
@cron_argument
@site_option
@json_option
@pass_app
def remove(app, ref, site, as_json):
    """Remove a cron, its logs and its queued jobs (--json prints its dump,
    which zcron load takes back)."""
    def work(root):
        _, crontab, cron = get_cron(root, site, ref, write=True)
        data = cron.dump()
        crontab.remove_cron(cron.uid)
        crontab.save_cron(cron.uid)
        return data

    data = app.transact(work, note=f"zcron remove {ref} --site {site}")
    echo_result(data, as_json, f"removed {label(data)}")


def _switch(app, ref, site, as_json, activated):
    verb = "enable" if activated else "disable"
    data = _edit_cron(app, site, ref, verb, lambda cron: cron.edit(activated=activated))
    echo_result(data, as_json, f"{verb}d {label(data)}")


@cli.command(epilog="""\b
Example:
  zcron enable cleanup
""")
@cron_argument
@site_option
@json_option
@pass_app
def enable(app, ref, site, as_json):
    """Switch a cron on."""
    _switch(app, ref, site, as_json, True)


@cli.command(epilog="""\b
Example:
  zcron disable cleanup
""")
@cron_argument
@site_option
@json_option
@pass_app
def disable(app, ref, site, as_json):
    """Switch a cron off: it has no runs until enabled."""
    _switch(app, ref, site, as_json, False)


@cli.command(epilog="""\b
Examples:
  zcron pause cleanup --note "migration in progress"
  zcron pause cleanup --until 2026-12-01T08:00      (08:00 in the cron's zone)
  zcron pause cleanup --until 2026-12-01T07:00Z     (07:00 UTC)
  zcron pause cleanup --until +2h
""")
@cron_argument
@click.option("--until", metavar="WHEN",
              help="Pause until then: an ISO 8601 date and time, read in the "
                   "cron's own time zone unless it has an offset (or Z), or "
                   "+DURATION from now (+30m, +2h, +1d). Default: until resumed.")
@click.option("--note", default="", help="Why it is paused (shown by list/show).")
@site_option
@json_option
@pass_app
def pause(app, ref, until, note, site, as_json):
    """Pause a cron: fire times before the end of the pause do not run
    (and are not logged as missed)."""
    def change(cron):
        moment = None
        if until is not None:
            moment = parse_time(until, "until", cron.timezone, relative=True)
            if moment <= clock.now():
                raise InvalidInput("until", until, "is in the past")
        cron.pause(moment, note)

    data = _edit_cron(app, site, ref, "pause", change)
    when = "resumed"
    if data["paused_until"] != FOREVER_ISO:
        when = format_time(datetime.fromisoformat(data["paused_until"]), data["timezone"])
    echo_result(data, as_json, f"paused {label(data)} until {when}")


@cli.command(epilog="""\b
Example:
  zcron resume cleanup
""")
@cron_argument
@site_option
@json_option
@pass_app
def resume(app, ref, site, as_json):
    """End a cron's pause: it runs again from its next fire time."""
    data = _edit_cron(app, site, ref, "resume", lambda cron: cron.resume())
    echo_result(data, as_json, f"resumed {label(data)}")


# -- run now ------------------------------------------------------------------------------

@cli.command(epilog="""\b
Example:
  zcron run cleanup
""")
@cron_argument
@site_option
@json_option
@pass_app
def run(app, ref, site, as_json):
    """Queue a run of a cron due now; a worker runs it (its overlap policy
    applies there). Refused for a cron that is off or paused."""
    from zcron.components import cron_manager

    def work(root):
        site_obj, crontab, cron = get_cron(root, site, ref)
        now = clock.now()
        if not crontab.activated:
            raise InvalidInput("cron", ref, f"the crontab of site {site!r} is "
                               "disabled (zcron crontab enable); a worker would not run it")
        if not cron.runnable(now):
            why = ("it is disabled (zcron enable)" if cron.state(now) == "off"
                   else "it is paused (zcron resume)")
            raise InvalidInput("cron", ref, f"{why}; a worker would not run it")
        job = cron_manager(site_obj, cron).run_now(now)
        return {"site": site, "uid": cron.uid, "name": cron.name, "kind": job.kind,
                "due": iso_time(job.due, cron.timezone), "timezone": cron.timezone}

    data = app.transact(work, note=f"zcron run {ref} --site {site}")
    due = format_time(datetime.fromisoformat(data["due"]), data["timezone"])
    echo_result(data, as_json,
                f"queued a run of {label(data)} due now ({due}); a worker will run it")


# -- list and show --------------------------------------------------------------------------

@cli.command("list", epilog="""\b
Examples:
  zcron list
  zcron list --site shop --utc
  zcron list --name cleanup
  zcron list --json | jq '.[] | select(.last_status == "FAILURE") | .name'
""")
@click.option("--name", metavar="NAME", help="Only the crons of this runner name.")
@site_option
@utc_option
@json_option
@pass_app
def list_(app, name, site, utc, as_json):
    """List a site's crons: state, schedule, next and last run."""
    from zcron.components import queue_for

    def work(root):
        _, crontab = get_crontab(root, site)
        queue, now = queue_for(root), clock.now()
        crons = crontab if name is None else crontab.find(name=name)
        return crontab.activated, [summary(c, queue, now, utc) for c in crons]

    activated, crons = app.transact(work, write=False)
    if not activated:
        note(f"the crontab of site {site!r} is disabled: no cron runs "
             "(zcron crontab enable)")
    if as_json:
        echo_json(crons)
        return
    rows = []
    for c in crons:
        state = c["state"]
        if state == "paused" and c["pause_note"]:
            state += f" ({c['pause_note']})"
        rows.append([
            c["name"], state, f"{c['periodicity']} ({c['timezone']})",
            _show_iso(c["next_run"], c["timezone"], utc),
            _show_iso(c["last_run"], c["timezone"], utc),
            c["last_status"], format_duration(c["last_duration"]), c["uid"],
        ])
    echo_table(["NAME", "STATE", "SCHEDULE", "NEXT RUN", "LAST RUN", "STATUS",
                "DURATION", "UID"], rows,
               empty=f"no crons in site {site!r}; add one with: zcron add NAME --cron EXPR")


def _show_iso(text, zone_name, utc):
    if text is None:
        return NONE
    return format_time(datetime.fromisoformat(text), zone_name, utc)


SHOW_RUNS = 5


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
        data = cron.dump()
        data.update(
            site=site,
            crontab_activated=crontab.activated,
            state=cron.state(now),
            description=cron.get_periodicity().describe(),
            jitter_offset=cron.jitter_offset(),
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
    zone_name = data["timezone"]

    def when(text):
        return _show_iso(text, zone_name, utc)

    state = data["state"]
    if state == "paused":
        until = data["paused_until"]
        state += " until " + ("resumed" if until == FOREVER_ISO else when(until))
        if data["pause_note"]:
            state += f" ({data['pause_note']})"
    if not data["crontab_activated"]:
        state += "; the site's crontab is off: no run"
    jitter = format_seconds(data["jitter"])
    if data["jitter"]:
        jitter += f" (this cron: +{data['jitter_offset']:g}s)"
    lines = [
        ("name", data["name"]),
        ("uid", data["uid"]),
        ("site", data["site"]),
        ("state", state),
        ("schedule", f"{data['periodicity']}  ({data['description']})"),
        ("time zone", zone_name),
        ("environ", json.dumps(data["environ"], ensure_ascii=False)),
        ("missed", data["missed"]),
        ("catchup window", format_seconds(data["catchup_window"])),
        ("overlap", data["overlap"]),
        ("timeout", format_seconds(data["timeout"])),
        ("warn after", format_seconds(data["warn_after"])),
        ("retries", f"{data['retries']} (backoff {format_seconds(data['retry_backoff'])})"),
        ("jitter", jitter),
        ("retry interrupted", "yes" if data["retry_interrupted"] else "no"),
        ("logs limit", data["logs_limit"]),
    ]
    for label_, value in lines:
        click.echo(f"{label_ + ':':<19}{value}")
    queued = [f"{when(j['due'])} ({j['kind']})" for j in data["queued"]]
    _echo_list("queued", queued or ["nothing"])
    _echo_list("next runs", [when(t) for t in data["next_runs"]] or ["none"])
    logs = data["logs"][:SHOW_RUNS]
    click.echo(f"{'last runs:':<19}" + ("" if logs else "none"))
    if logs:
        rows = [[when(log["date"]), log["status"], format_duration(log["duration"]),
                 first_line(log["messages"])] for log in logs]
        for line in table(["DATE", "STATUS", "DURATION", "MESSAGE"], rows).splitlines():
            click.echo("  " + line)


def _echo_list(title, items):
    for i, item in enumerate(items):
        click.echo(f"{(title + ':') if i == 0 else '':<19}{item}")


# -- next: preview fire times ---------------------------------------------------------------

@cli.command("next", epilog="""\b
Examples:
  zcron next cleanup -n 3
  zcron next --cron "30 2 * * *" --tz Europe/Zurich --after 2026-03-28
  zcron next --cron "0 9 * * MON-FRI" -n 10 --json
""")
@click.argument("ref", metavar="[CRON]", required=False)
@click.option("--cron", "expression", metavar="EXPR",
              help="Preview this expression instead of a saved cron (nothing saved).")
@click.option("--tz", "timezone", metavar="ZONE",
              help="With --cron: the time zone (default UTC).")
@click.option("--after", metavar="WHEN",
              help="Start after this ISO 8601 time (read in the cron's zone unless "
                   "it has an offset); default now.")
@click.option("-n", "count", type=click.IntRange(1, 10000), default=5, show_default=True,
              metavar="N", help="How many fire times.")
@site_option
@utc_option
@json_option
@pass_app
def next_(app, ref, expression, timezone, after, count, site, utc, as_json):
    """Preview the next fire times of a saved cron (with its pause and
    jitter applied), or of an expression given with --cron."""
    if (ref is None) == (expression is None):
        raise click.UsageError("give either a CRON or --cron EXPR")
    if timezone is not None and expression is None:
        raise click.UsageError("--tz goes with --cron; a saved cron has its own zone")
    if expression is not None:
        from zcron.periodicity import get_periodicity
        zone_name = timezone or "UTC"
        periodicity = get_periodicity(expression, zone_name)
        start = clock.now() if after is None else parse_time(after, "after", zone_name)
        times = list(periodicity.fire_times(start, n=count))
    else:
        from zcron.schedule import next_runs

        def work(root):
            _, _, cron = get_cron(root, site, ref)
            start = clock.now() if after is None else parse_time(after, "after",
                                                                  cron.timezone)
            return cron.timezone, next_runs(cron, start, count), cron.switched_on

        zone_name, times, active = app.transact(work, write=False)
        if not active:
            note("this cron is off (or its crontab is): these runs will not happen "
                 "until it is switched on")
    if as_json:
        echo_json([iso_time(t, zone_name, utc) for t in times])
        return
    for t in times:
        click.echo(format_time(t, zone_name, utc))
    if not times:
        click.echo("(no fire time)")
