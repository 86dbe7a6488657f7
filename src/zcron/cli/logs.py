"""A cron's log: read it, clear it."""
import click

from zcron.cli.app import cli, get_cron, pass_app
from zcron.cli.output import (echo_json, echo_result, echo_table, first_line,
                              format_duration, format_time)
from zcron.cli.params import cron_argument, json_option, site_option, utc_option


@cli.command(epilog="""\b
Examples:
  zcron logs cleanup
  zcron logs cleanup --status failure --limit 1 --traceback
  zcron logs cleanup --output
  zcron logs cleanup --json
""")
@cron_argument
@click.option("--limit", type=click.IntRange(min=1), metavar="N",
              help="Only the N newest entries (after --status).")
@click.option("--status", metavar="STATUS",
              help="Only entries of this status: OK, WARN, FAILURE or NOTRUN.")
@click.option("--traceback", "with_traceback", is_flag=True,
              help="Print each FAILURE's traceback under it.")
@click.option("--output", "with_output", is_flag=True,
              help="Print each entry's output (what a zcron.Result gave) under it.")
@site_option
@utc_option
@json_option
@pass_app
def logs(app, ref, limit, status, with_traceback, with_output, site, utc, as_json):
    """Show a cron's log entries, newest first: date, status, duration,
    fire time and messages (times in the cron's zone)."""
    from zcron.model.log import check_status
    wanted = None if status is None else check_status(status)

    def work(root):
        _, _, cron = get_cron(root, site, ref)
        entries = [log for log in cron.logs if wanted is None or log.status == wanted]
        return cron.timezone, [log.dump() for log in entries[:limit]]

    zone_name, entries = app.transact(work, write=False)
    if as_json:
        echo_json(entries)
        return
    rows = [log_row(entry, zone_name, utc) for entry in entries]
    if with_traceback or with_output:
        echo_with_tracebacks(rows, entries, with_traceback, with_output)
    else:
        echo_table(["DATE", "STATUS", "DURATION", "FIRE TIME", "MESSAGE"], rows,
                   empty="no log entries")


def log_row(entry, zone_name, utc):
    """One entry's row: date, status, duration, fire time, first message
    (after its marks: "[backfill, attempt 2 of 3]")."""
    from zcron.model.log import entry_marks
    from zcron.model.timeutil import load_time
    fire = load_time(entry["fire_time"], "fire_time")
    marks = entry_marks(entry)
    message = first_line(entry["messages"])
    if marks:
        message = f"[{', '.join(marks)}] {message}".rstrip()
    return [format_time(load_time(entry["date"], "date"), zone_name, utc),
            entry["status"], format_duration(entry["duration"]),
            format_time(fire, zone_name, utc), message]


def echo_with_tracebacks(rows, entries, with_traceback=True, with_output=False):
    """Each row, unaligned, with its further messages, its traceback
    (``|`` lines) and its output (``>`` lines)."""
    for row, entry in zip(rows, entries):
        click.echo("  ".join(str(cell) for cell in row).rstrip())
        for message in entry["messages"][1:]:
            click.echo(f"    {message}")
        for shown, key, mark in ((with_traceback, "traceback", "|"),
                                 (with_output, "output", ">")):
            text = entry.get(key) if shown else None
            for line in (text or "").rstrip().splitlines():
                click.echo(f"    {mark} {line}")
    if not rows:
        click.echo("(no log entries)")


@cli.command("clear-logs", epilog="""\b
Example:
  zcron clear-logs cleanup
""")
@cron_argument
@site_option
@json_option
@pass_app
def clear_logs(app, ref, site, as_json):
    """Forget a cron's log entries (works on read-only crontabs too: logs
    are kept in the database)."""
    def work(root):
        _, _, cron = get_cron(root, site, ref)
        count = len(cron.logs)
        cron.clear_logs()
        return {"uid": cron.uid, "name": cron.name, "cleared": count}

    data = app.transact(work, note=f"zcron clear-logs {ref} --site {site}")
    echo_result(data, as_json,
                f"cleared {data['cleared']} log entries of {data['name']} ({data['uid']})")
