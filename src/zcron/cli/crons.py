"""Changing crons: add, edit, remove, switch, pause.

Seeing them (list, show, next) is ``zcron.cli.views``; running one now
(run) is ``zcron.cli.runs``.
"""
import click

from zcron import clock
from zcron.cli.app import cli, get_cron, get_crontab, pass_app
from zcron.cli.bounds import BOUND_FIELDS, bound_changes, bound_options
from zcron.cli.output import echo_result, format_pause_end
from zcron.cli.params import (actor_option, allow_unknown_runner_option, change_options,
                              cron_argument, json_option, parse_environ, parse_time,
                              policy_options, pop_policies, site_option)
from zcron.cli.suggest import complete_zones
from zcron.exceptions import InvalidInput


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

SCHEDULE_HELP = ("When it runs, any kind of schedule: a cron expression (5 fields, 6 with "
                 "seconds first, @daily, ...), 'every 15 minutes', 'every weekday at "
                 "09:00', 'once at ...'. --cron is another name for it.")


@cli.command(epilog="""\b
Examples:
  zcron add cleanup --schedule "30 2 * * *" --tz Europe/Zurich --environ '{"days": 7}'
  zcron add ping --schedule "*/10 * * * * *" --overlap queue-one --timeout 5m
  zcron add report --cron @daily --missed all --catchup-window 1d --inactive
""")
@click.argument("name")
@click.option("--schedule", "--cron", "expression", required=True, metavar="TEXT",
              help=SCHEDULE_HELP)
@click.option("--tz", "timezone", shell_complete=complete_zones,
              default="UTC", show_default=True, metavar="ZONE",
              help="IANA time zone the expression is read in, e.g. Europe/Zurich.")
@click.option("--environ", metavar="JSON",
              help="A JSON object handed to the runner, e.g. '{\"days\": 7}'.")
@click.option("--inactive", is_flag=True, help="Add it switched off.")
@allow_unknown_runner_option
@bound_options
@policy_options
@site_option
@change_options
@json_option
@pass_app
def add(app, name, expression, timezone, environ, inactive, allow_unknown, site,
        as_json, **params):
    """Add a cron running the job runner NAME; prints its uid."""
    from zcron.model import Cron
    app.check_runner(name, allow_unknown)
    fields = dict(timezone=timezone, environ=parse_environ(environ),
                  activated=not inactive, **pop_policies(params))
    fields.update(bound_changes(params, timezone))
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
  zcron edit cleanup --schedule "0 3 * * *" --tz Europe/Paris
  zcron edit 3d5ec7d96b534077ae45939f65d6cdac --name cleanup2 --timeout none
  zcron edit cleanup --environ '{"days": 30}' --retries 2 --retry-backoff 5m
""")
@cron_argument
@click.option("--schedule", "--cron", "expression", metavar="TEXT",
              help="New schedule (any kind, as for zcron add).")
@click.option("--tz", "timezone", shell_complete=complete_zones,
              metavar="ZONE", help="New IANA time zone.")
@click.option("--environ", metavar="JSON", help="New environ (a JSON object; "
              "replaces the old one).")
@click.option("--name", metavar="NAME", help="New runner name.")
@allow_unknown_runner_option
@bound_options
@policy_options
@site_option
@change_options
@json_option
@pass_app
def edit(app, ref, expression, timezone, environ, name, allow_unknown, site, as_json,
         **params):
    """Change a cron: only the options given change; all are checked first."""
    if name is not None:
        app.check_runner(name, allow_unknown)
    changes = pop_policies(params)
    for field, value in (("periodicity", expression), ("timezone", timezone),
                         ("environ", parse_environ(environ)), ("name", name)):
        if value is not None:
            changes[field] = value
    bounds = {field: params[field] for field in BOUND_FIELDS}
    if not changes and not any(bounds.values()):
        raise click.UsageError("nothing to change: give at least one option")

    def change(cron):
        changes.update(bound_changes(dict(bounds), timezone or cron.timezone))
        cron.edit(**changes)

    data = _edit_cron(app, site, ref, "edit", change)
    fields = ", ".join(sorted(changes))
    echo_result(data, as_json, f"edited {label(data)}: {fields}")


# -- remove, switch, pause ------------------------------------------------------------------

@cli.command(epilog="""\b
Example:
  zcron remove cleanup
""")
@cron_argument
@site_option
@change_options
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
@change_options
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
@change_options
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
@actor_option
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
    when = format_pause_end(data["paused_until"], data["timezone"])
    echo_result(data, as_json, f"paused {label(data)} until {when}")


@cli.command(epilog="""\b
Example:
  zcron resume cleanup
""")
@cron_argument
@site_option
@change_options
@json_option
@pass_app
def resume(app, ref, site, as_json):
    """End a cron's pause: it runs again from its next fire time."""
    data = _edit_cron(app, site, ref, "resume", lambda cron: cron.resume())
    echo_result(data, as_json, f"resumed {label(data)}")
