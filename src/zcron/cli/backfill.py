"""``zcron backfill``: a cron's past fire times in a range queued for the
workers (``zcron.backfill``), followed to their end, or cancelled."""
import time

import click

from zcron import clock
from zcron.cli.app import cli, get_cron, pass_app
from zcron.cli.crons import label
from zcron.cli.output import (echo_json, echo_result, format_time, iso_time, note,
                              plural, stderr_is_tty)
from zcron.cli.params import cron_argument, json_option, parse_time, site_option, utc_option
from zcron.exceptions import InvalidInput

# Seconds between two looks at the backfill's progress.
POLL = 0.25
# Exit status when Ctrl-C cancelled the runs not started.
EXIT_CANCELLED = 130


@cli.command(epilog="""\b
Examples:
  zcron backfill report --from 2026-11-01 --to 2026-11-30T23:59 --dry-run
  zcron backfill report --from 2026-11-01 --to 2026-11-30T23:59
  zcron backfill ping --from 2026-11-01 --to 2026-11-30 --max 5000 --no-wait
  zcron backfill report --cancel
Exit status: 0 every run OK or WARN, 1 a FAILURE or NOTRUN, 130 cancelled
with Ctrl-C, 2 bad input (nothing queued).
""")
@cron_argument
@click.option("--from", "start", metavar="WHEN",
              help="The range's start (ISO 8601, read in the cron's zone unless it has "
                   "an offset); a fire time there is in.")
@click.option("--to", "end", metavar="WHEN", help="The range's end; a fire time there is in.")
@click.option("--dry-run", is_flag=True, help="List the fire times; queue nothing.")
@click.option("--max", "most", type=click.IntRange(min=1), metavar="N",
              help="Run the first N fire times only (needed past 1,000).")
@click.option("--no-wait", is_flag=True, help="Queue the runs and return.")
@click.option("--cancel", is_flag=True,
              help="Cancel the cron's backfill runs not started yet (from any process).")
@site_option
@utc_option
@json_option
@pass_app
def backfill(app, ref, start, end, dry_run, most, no_wait, cancel, site, utc, as_json):
    """Run a cron's fire times in a range again (bounds, calendars and
    pause applied as ``next`` applies them), oldest first, one after
    another, on the workers; each run logged with its own fire time and
    marked backfill. Ctrl-C cancels the runs not started yet."""
    if cancel:
        return _cancel(app, site, ref, as_json)
    for option, value in (("--from", start), ("--to", end)):
        if value is None:
            raise InvalidInput(option, "", "is needed (or --cancel)")
    data = app.transact(lambda root: _queue(root, site, ref, start, end, most, dry_run),
                        write=not dry_run, note=f"zcron backfill {ref} --site {site}")
    if dry_run or not data["times"]:
        return _echo_times(data, utc, as_json)
    if not data.pop("workers"):
        note("no worker is running: the runs wait for one (zcron worker)")
    if no_wait:
        return echo_result(data, as_json, f"queued {plural(len(data['times']), 'backfill run')}"
                           f" of {label(data)}; workers run them oldest first "
                           f"(zcron backfill --cancel {data['uid']} stops them)")
    _follow(app, site, data, as_json)


def _queue(root, site, ref, start, end, most, dry_run):
    """The fire times of the range (queued unless ``dry_run``)."""
    from zcron.backfill import fire_times, queue_backfill
    site_obj, _, cron = get_cron(root, site, ref)
    first = parse_time(start, "from", cron.timezone)
    times = fire_times(cron, first, parse_time(end, "to", cron.timezone), most)
    if not dry_run and times:
        queue_backfill(site_obj, cron, times, clock.now())
    return {"site": site, "uid": cron.uid, "name": cron.name, "timezone": cron.timezone,
            "times": [iso_time(t, "UTC") for t in times], "workers": _workers(root)}


def _workers(root):
    """Whether a worker is alive to run them."""
    from zcron.components import queue_for
    return any(w.alive(clock.now()) for w in queue_for(root).workers())


def _echo_times(data, utc, as_json):
    from zcron.model.timeutil import load_time
    if as_json:
        return echo_json([iso_time(load_time(t, "time"), data["timezone"], utc)
                          for t in data["times"]])
    for text in data["times"]:
        click.echo(format_time(load_time(text, "time"), data["timezone"], utc))
    click.echo(f"({plural(len(data['times']), 'fire time')})")


def _cancel(app, site, ref, as_json):
    data = app.transact(lambda root: _cancelled(root, site, ref),
                        note=f"zcron backfill --cancel {ref} --site {site}")
    echo_result(data, as_json, f"cancelled {plural(data['cancelled'], 'backfill run')} of "
                f"{label(data)} (a run going on ends as it would)")


def _follow(app, site, data, as_json):
    """Wait for the runs' ends, progress on a terminal; Ctrl-C cancels
    the runs not started. Exits with what the runs came to."""
    from zcron.model.timeutil import load_time, to_us
    fire_us = {to_us(load_time(t, "time")) for t in data["times"]}
    seen, total, remaining = {}, len(fire_us), len(fire_us)
    try:
        while True:
            remaining = app.transact(lambda root: _look(root, site, data, fire_us, seen),
                                     write=False)
            if stderr_is_tty():
                click.echo(f"\rbackfill {data['name']}: {total - remaining} of {total} "
                           "ended", err=True, nl=remaining == 0)
            if remaining == 0:
                break
            time.sleep(POLL)
    except KeyboardInterrupt:
        cancelled = app.transact(lambda root: _cancelled(root, site, data["uid"]),
                                 note=f"zcron backfill {data['uid']} cancelled")["cancelled"]
        click.echo(f"\nzcron: stopped: {total - remaining} of {total} ran, "
                   f"{max(0, remaining - cancelled)} still running, {cancelled} cancelled",
                   err=True)
        click.get_current_context().exit(EXIT_CANCELLED)
    _summary(data, list(seen.values()), as_json)


def _look(root, site, data, fire_us, seen):
    """How many runs are left; their entries kept so far go into ``seen``."""
    from zcron.backfill import entries, left
    site_obj, _, cron = get_cron(root, site, data["uid"])
    for log in entries(cron, fire_us):
        seen[log.execution_id] = log.dump()
    return left(site_obj, cron, fire_us)


def _cancelled(root, site, ref):
    """Cancel the cron's backfill runs not started yet."""
    from zcron.backfill import cancel
    site_obj, _, cron = get_cron(root, site, ref)
    return {"uid": cron.uid, "name": cron.name, "cancelled": cancel(site_obj, cron)}


def _summary(data, logs, as_json):
    counts = {}
    for entry in logs:
        counts[entry["status"]] = counts.get(entry["status"], 0) + 1
    failed = counts.get("FAILURE", 0) + counts.get("NOTRUN", 0)
    data = dict(data, statuses=counts)
    text = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    echo_result(data, as_json, f"backfilled {plural(len(data['times']), 'fire time')} of "
                f"{label(data)}: {text or 'no entry kept'}")
    click.get_current_context().exit(1 if failed else 0)
