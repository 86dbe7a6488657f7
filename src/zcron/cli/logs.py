"""A cron's log, or a whole site's: read it, follow it, clear it."""
import json
import time

import click

from zcron import clock
from zcron.cli.app import cli, get_cron, pass_app
from zcron.cli.output import (echo_json, echo_result, echo_table, first_line,
                              format_duration, SHORT_UID, time_column)
from zcron.cli.params import cron_argument, json_option, site_option, utc_option


# Seconds between two looks at the log with --follow.
FOLLOW_POLL = 0.5


@cli.command(epilog="""\b
Examples:
  zcron logs cleanup
  zcron logs cleanup --status failure --limit 1 --traceback
  zcron logs cleanup --output
  zcron logs cleanup --json
  zcron logs --site shop --status failure     (every cron of the site)
  zcron logs cleanup --follow                 (new entries as they land; Ctrl-C stops)
""")
@click.argument("ref", metavar="[CRON]", required=False)
@click.option("--limit", type=click.IntRange(min=1), metavar="N",
              help="Only the N newest entries (after --status).")
@click.option("--status", metavar="STATUS",
              help="Only entries of this status: OK, WARN, FAILURE or NOTRUN.")
@click.option("--traceback", "with_traceback", is_flag=True,
              help="Print each FAILURE's traceback under it.")
@click.option("--output", "with_output", is_flag=True,
              help="Print each entry's output (what a zcron.Result gave) under it.")
@click.option("--follow", "-f", is_flag=True,
              help="Keep printing new entries as they land, oldest first, until Ctrl-C.")
@site_option
@utc_option
@json_option
@pass_app
def logs(app, ref, limit, status, with_traceback, with_output, follow, site, utc, as_json):
    """Show a cron's log entries, newest first: date, status, duration,
    fire time and messages (times in the cron's zone); without CRON,
    those of every cron of the site, with the cron's name."""
    from zcron.model.log import check_status
    wanted = None if status is None else check_status(status)
    show = _Shown(ref is None, utc, as_json, with_traceback, with_output)

    def read(root):
        return _entries(root, site, ref, wanted)
    if follow:
        return _follow(app, read, limit, show)
    show.echo(app.transact(read, write=False)[:limit], follow=False)


def _entries(root, site, ref, wanted):
    """(cron's zone, name, uid, entry's dump) of the cron ``ref`` (every
    cron of the site when None), newest first."""
    from zcron.cli.app import get_crontab
    if ref is None:
        crons = list(get_crontab(root, site)[1])
    else:
        crons = [get_cron(root, site, ref)[2]]
    found = [(log.date, cron, log) for cron in crons for log in cron.logs
             if wanted is None or log.status == wanted]
    found.sort(key=lambda item: item[0], reverse=True)
    return [(cron.timezone, cron.name, cron.uid, log.dump()) for _, cron, log in found]


class _Shown:
    """How ``logs`` prints entries: a table, or each entry on its line
    (with tracebacks, or when following), or JSON (a line each when
    following); a CRON column for a whole site."""

    def __init__(self, whole_site, utc, as_json, with_traceback, with_output):
        self.whole_site, self.utc, self.as_json = whole_site, utc, as_json
        self.with_traceback, self.with_output = with_traceback, with_output

    def echo(self, found, follow):
        if self.as_json:
            dumps = [dict(entry, cron=name, uid=uid) if self.whole_site else entry
                     for _, name, uid, entry in found]
            if not follow:
                return echo_json(dumps)
            for dump in dumps:
                click.echo(json.dumps(dump, ensure_ascii=False))
            return None
        rows = self._rows(found)
        entries = [entry for _, _, _, entry in found]
        if follow or self.with_traceback or self.with_output:
            return echo_with_tracebacks(rows, entries, self.with_traceback,
                                        self.with_output, empty=not follow)
        headers = ["DATE", "STATUS", "DURATION", "FIRE TIME", "MESSAGE"]
        if self.whole_site:
            headers[1:1] = ["CRON", "UID"]
        return echo_table(headers, rows, empty="no log entries",
                          cut_first=(len(headers) - 1, 1))

    def _rows(self, found):
        """The entries' rows, a site's with each cron's name and short uid."""
        rows = log_rows([entry for _, _, _, entry in found],
                        [zone_name for zone_name, _, _, _ in found], self.utc, clock.now())
        if not self.whole_site:
            return rows
        return [row[:1] + [name, uid[:SHORT_UID]] + row[1:]
                for row, (_, name, uid, _) in zip(rows, found)]


def _follow(app, read, limit, show):
    """The newest entries (``limit`` of them, if given), then each new one
    as it lands, oldest first: the log read in a new transaction at each
    look, until Ctrl-C."""
    seen, first = set(), True
    try:
        while True:
            found = app.transact(read, write=False)
            new = [item for item in found if _key(item) not in seen]
            seen.update(_key(item) for item in found)
            show.echo(list(reversed(new[:limit] if first else new)), follow=True)
            first = False
            time.sleep(FOLLOW_POLL)
    except KeyboardInterrupt:
        return


def _key(item):
    _, _, uid, entry = item
    return (uid, entry["execution_id"], entry["date"], entry["status"])


def log_rows(entries, zones, utc, now=None):
    """The entries' rows: date (after how far it is from ``now``), status,
    duration, fire time, first message (after its marks: "[backfill,
    attempt 2 of 3]"); one time precision per column."""
    dates = time_column([entry["date"] for entry in entries], zones, utc, now)
    fires = time_column([entry["fire_time"] for entry in entries], zones, utc)
    return [[date, entry["status"], format_duration(entry["duration"]), fire,
             _message(entry)] for entry, date, fire in zip(entries, dates, fires)]


def log_row(entry, zone_name, utc, now=None):
    """One entry's row (``zcron run`` prints its run's so)."""
    return log_rows([entry], [zone_name], utc, now)[0]


def _message(entry):
    from zcron.model.log import marks
    shown = marks(entry["backfill"], entry["attempt"], entry["attempts"])
    message = first_line(entry["messages"])
    return f"[{', '.join(shown)}] {message}".rstrip() if shown else message


def echo_with_tracebacks(rows, entries, with_traceback=True, with_output=False, empty=True):
    """Each row, unaligned, with its further messages, its traceback
    (``|`` lines) and its output (``>`` lines); ``empty``: say when none."""
    for row, entry in zip(rows, entries):
        click.echo("  ".join(str(cell) for cell in row).rstrip())
        for message in entry["messages"][1:]:
            click.echo(f"    {message}")
        for shown, key, mark in ((with_traceback, "traceback", "|"),
                                 (with_output, "output", ">")):
            text = entry.get(key) if shown else None
            for line in (text or "").rstrip().splitlines():
                click.echo(f"    {mark} {line}")
    if not rows and empty:
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
