"""``zcron next``: the fire times to come of a saved cron (its bounds,
calendars, runs left, pause and jitter applied) or of a text, nothing saved."""
import click

from zcron import clock
from zcron.cli.app import cli, get_cron, pass_app
from zcron.cli.output import echo_json, format_time, iso_time, note
from zcron.cli.params import json_option, parse_time, site_option, utc_option
from zcron.cli.suggest import complete_zones


@cli.command("next", epilog="""\b
Examples:
  zcron next cleanup -n 3
  zcron next cleanup --show-excluded
  zcron next --schedule "30 2 * * *" --tz Europe/Zurich --after 2026-03-28
  zcron next --schedule "0 9 * * MON-FRI" -n 10 --json
""")
@click.argument("ref", metavar="[CRON]", required=False)
@click.option("--schedule", "--cron", "expression", metavar="TEXT",
              help="Preview this schedule text, of any kind, instead of a saved cron "
                   "(nothing saved; --cron is its old name).")
@click.option("--tz", "timezone", shell_complete=complete_zones,
              metavar="ZONE",
              help="With --schedule: the time zone (default UTC).")
@click.option("--after", metavar="WHEN",
              help="Start after this ISO 8601 time (read in the cron's zone unless "
                   "it has an offset); default now.")
@click.option("-n", "count", type=click.IntRange(1, 10000), default=5, show_default=True,
              metavar="N", help="How many fire times.")
@click.option("--show-excluded", is_flag=True,
              help="With CRON: list the fire times its calendars remove too, marked.")
@site_option
@utc_option
@json_option
@pass_app
def next_(app, ref, expression, timezone, after, count, show_excluded, site, utc, as_json):
    """Preview the next fire times of a saved cron (its bounds, calendars,
    runs left, pause and jitter applied), or of a text given with --schedule."""
    _check_next_options(ref, expression, timezone, show_excluded)
    if expression is not None:
        zone_name, times = _expression_times(expression, timezone or "UTC", after, count)
    else:
        zone_name, times = _saved_cron_times(app, site, ref, after, count, show_excluded)
    if as_json:
        echo_json([{"time": iso_time(t, zone_name, utc), "excluded_by": names or []}
                   if show_excluded else iso_time(t, zone_name, utc) for t, names in times])
        return
    for t, names in times:
        marks = f"  excluded by {', '.join(names)}" if names else ""
        click.echo(format_time(t, zone_name, utc) + marks)
    if not times:
        click.echo("(no fire time)")


def _check_next_options(ref, expression, timezone, show_excluded):
    if (ref is None) == (expression is None):
        raise click.UsageError("give either a CRON or --cron / --schedule TEXT")
    if (timezone is not None and ref is not None) or (show_excluded and ref is None):
        raise click.UsageError("--tz goes with --cron / --schedule, "
                               "--show-excluded with a saved CRON")


def _start(after, zone_name):
    return clock.now() if after is None else parse_time(after, "after", zone_name)


def _expression_times(expression, zone_name, after, count):
    """(zone, [(fire time, None)]) of a text given with --schedule."""
    from zcron.periodicity import get_periodicity
    times = get_periodicity(expression, zone_name).fire_times(_start(after, zone_name), n=count)
    return zone_name, [(t, None) for t in times]


def _saved_cron_times(app, site, ref, after, count, show_excluded):
    """(zone, [(time, calendars excluding it)]) of a saved cron, with a note
    when it is off or done."""
    from zcron.schedule import marked_runs, next_runs

    def work(root):
        _, _, cron = get_cron(root, site, ref)
        start = _start(after, cron.timezone)
        times = marked_runs(cron, start, count) if show_excluded else \
            [(t, None) for t in next_runs(cron, start, count)]
        return cron.timezone, times, cron.switched_on, cron.state(clock.now())

    zone_name, times, active, state = app.transact(work, write=False)
    if not active:
        note("this cron is off (or its crontab is): these runs will not happen "
             "until it is switched on")
    elif state == "done":
        note("this cron is done: no fire time is left (see its end and max_runs)")
    return zone_name, times
