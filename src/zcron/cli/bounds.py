"""The bound options of ``zcron add`` and ``zcron edit`` (--start, --end,
--max-runs, --exclude, --no-exclude) and how their texts become fields."""
import click

from zcron.cli.params import parse_time
from zcron.exceptions import InvalidInput

BOUND_OPTIONS = (
    click.option("--start", metavar="WHEN",
                 help="No fire time before this ISO 8601 time, read in the cron's zone "
                      "unless it has an offset ('none' clears it)."),
    click.option("--end", metavar="WHEN",
                 help="No fire time after this ISO 8601 time, read in the cron's zone "
                      "unless it has an offset ('none' clears it)."),
    click.option("--max-runs", metavar="N",
                 help="Done after N logged runs, NOTRUN aside ('none': no limit)."),
    click.option("--exclude", multiple=True, metavar="CAL",
                 help="Skip the fire times the site's calendar CAL excludes "
                      "(repeatable; replaces the cron's list)."),
    click.option("--no-exclude", is_flag=True, help="Skip no calendar."),
)
BOUND_FIELDS = ("start", "end", "max_runs", "exclude", "no_exclude")


def bound_options(f):
    for option in reversed(BOUND_OPTIONS):
        f = option(f)
    return f


def bound_changes(params, zone_name):
    """Take the bound options out of ``params``: {field: value}, times
    read in ``zone_name`` unless they have an offset."""
    given = {field: params.pop(field) for field in BOUND_FIELDS}
    changes = {}
    for field in ("start", "end"):
        text = given[field]
        if text is not None:
            changes[field] = None if _none(text) else parse_time(text, field, zone_name)
    if given["max_runs"] is not None:
        changes["max_runs"] = _max_runs(given["max_runs"])
    if given["exclude"] and given["no_exclude"]:
        raise InvalidInput("exclude", list(given["exclude"]), "--no-exclude contradicts it")
    if given["exclude"] or given["no_exclude"]:
        changes["exclude"] = list(given["exclude"])
    return changes


def _none(text):
    return text.strip().lower() == "none"


def _max_runs(text):
    if _none(text):
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput("max_runs", text, "expected a whole number >= 1, or none") from None
