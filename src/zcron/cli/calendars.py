"""``zcron calendar add|list|show|remove``: a site's exclusion calendars
(kept on its crontab), which its crons skip with ``--exclude CAL``."""
import click

from zcron.cli.app import cli, get_crontab, pass_app
from zcron.cli.output import echo_json, echo_result, echo_table
from zcron.cli.params import change_options, json_option, site_option
from zcron.exceptions import InvalidInput

RULE_LABELS = (("dates", "date"), ("ranges", "range"), ("yearly", "yearly"),
               ("blackouts", "blackout"))


def _info(crontab, calendar):
    data = calendar.dump()
    data["used_by"] = [cron.name for cron in crontab.users_of(calendar.name)]
    return data


def _rules(data):
    return [f"{label} {text}" for rule, label in RULE_LABELS for text in data[rule]]


@cli.group(epilog="""\b
Examples:
  zcron calendar add holidays --date 2026-12-25 --range 2026-12-24..2027-01-02
  zcron calendar add lunch --blackout "0 12 * * MON-FRI for 1h"
  zcron add report --cron "0 * * * *" --exclude holidays --exclude lunch
  zcron next report --show-excluded
""")
def calendar():
    """Exclusion calendars: days, date ranges, yearly days and blackout
    times whose fire times the crons skipping them do not run."""


@calendar.command("add", epilog="""\b
Examples:
  zcron calendar add holidays --date 2026-12-25 --yearly 01-01
  zcron calendar add winter --range 2026-12-24..2027-01-02
  zcron calendar add lunch --blackout "0 12 * * MON-FRI for 1h" --blackout "@daily for 5m"
  zcron calendar add holidays --replace --yearly 12-25     (its crons are re-scheduled)
  zcron calendar add winter --range 2026-12-24..2026-12-31 --note "shop closed" --as ops
""")
@click.argument("name")
@click.option("--date", "dates", multiple=True, metavar="YYYY-MM-DD",
              help="A whole day, on each cron's wall clock (repeatable).")
@click.option("--range", "ranges", multiple=True, metavar="FIRST..LAST",
              help="Days FIRST to LAST, both included (repeatable).")
@click.option("--yearly", multiple=True, metavar="MM-DD", help="A day every year (repeatable).")
@click.option("--blackout", "blackouts", multiple=True, metavar="'TEXT for DURATION'",
              help="From each fire time of the schedule TEXT (any kind), for "
                   "DURATION (30m, 1h, 1h30m, 2d) (repeatable).")
@click.option("--replace", is_flag=True, help="Replace the calendar NAME's rules.")
@site_option
@change_options
@json_option
@pass_app
def calendar_add(app, name, dates, ranges, yearly, blackouts, replace, site, as_json):
    """Add the calendar NAME to a site (or --replace its rules)."""
    from zcron.model.calendar import Calendar
    Calendar(name, dates, ranges, yearly, blackouts)       # bad input stops here, early

    def work(root):
        _, crontab = get_crontab(root, site, write=True)
        if (name in crontab.calendars()) != replace:
            why = "already exists (--replace changes it)" if not replace else "does not exist"
            raise InvalidInput("calendar", name, f"{why} in site {site!r}")
        calendar = crontab.set_calendar(Calendar(name, dates, ranges, yearly, blackouts))
        crontab.save_calendar(name)
        return _info(crontab, calendar)

    data = app.transact(work, note=f"zcron calendar add {name} --site {site}")
    users = f"; re-scheduled {', '.join(data['used_by'])}" if data["used_by"] else ""
    echo_result(data, as_json, f"{'replaced' if replace else 'added'} calendar {name}{users}")


@calendar.command("list", epilog="""\b
Example:
  zcron calendar list --site shop
""")
@site_option
@json_option
@pass_app
def calendar_list(app, site, as_json):
    """List a site's calendars, their rules and the crons skipping them."""
    def work(root):
        _, crontab = get_crontab(root, site)
        return [_info(crontab, c) for c in crontab.calendars().values()]

    calendars = app.transact(work, write=False)
    if as_json:
        echo_json(calendars)
        return
    echo_table(["NAME", "RULES", "USED BY"],
               [[c["name"], "; ".join(_rules(c)) or "none", ", ".join(c["used_by"])]
                for c in calendars],
               empty=f"no calendars in site {site!r}; add one with: zcron calendar add NAME")


@calendar.command("show", epilog="""\b
Example:
  zcron calendar show holidays --json
""")
@click.argument("name")
@site_option
@json_option
@pass_app
def calendar_show(app, name, site, as_json):
    """Show one calendar: its rules and the crons skipping it."""
    def work(root):
        _, crontab = get_crontab(root, site)
        return _info(crontab, crontab.get_calendar(name))

    data = app.transact(work, write=False)
    if as_json:
        echo_json(data)
        return
    click.echo(f"calendar {data['name']} (site {site})")
    for line in _rules(data) or ["no rule: it excludes nothing"]:
        click.echo("  " + line)
    click.echo("used by: " + (", ".join(data["used_by"]) or "no cron"))


@calendar.command("remove", epilog="""\b
Example:
  zcron calendar remove holidays --note "no more holidays"
""")
@click.argument("name")
@site_option
@change_options
@json_option
@pass_app
def calendar_remove(app, name, site, as_json):
    """Remove a calendar no cron skips (zcron edit CRON --no-exclude first)."""
    def work(root):
        _, crontab = get_crontab(root, site, write=True)
        data = crontab.remove_calendar(name).dump()
        crontab.save_calendar(name)
        return data

    data = app.transact(work, note=f"zcron calendar remove {name} --site {site}")
    echo_result(data, as_json, f"removed calendar {name}")
