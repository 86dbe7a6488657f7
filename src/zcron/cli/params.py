"""Options, argument types and value parsers shared by the commands."""
import json
import math
import re
from datetime import datetime, timedelta

import click

from zcron import clock
from zcron.cli.suggest import complete_crons, complete_sites
from zcron.exceptions import InvalidEnviron, InvalidInput
from zcron.interfaces import MISSED_POLICIES, OVERLAP_POLICIES
from zcron.periodicity.zone import load_zone


CLEAR = object()      # 'none' given to an option whose value may be unset

UNITS = {"": 1, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
SECONDS_RE = re.compile(
    r"^([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(s|m|min|h|d)?$", re.IGNORECASE)
SECONDS_HELP = "e.g. 90, 1.5, 30s, 5m, 2h, 1d"


def parse_seconds(text):
    """``90``, ``1.5``, ``5m``, ``2h``, ``1d`` -> seconds (int when whole);
    None when the text is not such a duration."""
    match = SECONDS_RE.match(text.strip())
    if match is None:
        return None
    seconds = float(match.group(1)) * UNITS[(match.group(2) or "").lower()]
    if not math.isfinite(seconds):
        return None
    return int(seconds) if seconds.is_integer() else seconds


class Seconds(click.ParamType):
    """A duration in seconds; ``none`` clears the value when allowed."""

    name = "seconds"

    def __init__(self, clearable=False):
        self.clearable = clearable

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float)) or value is CLEAR:
            return value
        text = str(value).strip()
        if self.clearable and text.lower() in ("none", "off"):
            return CLEAR
        seconds = parse_seconds(text)
        if seconds is None:
            extra = "; 'none' for no limit" if self.clearable else ""
            self.fail(f"{value!r} is not a duration ({SECONDS_HELP}{extra})", param, ctx)
        return seconds


SECONDS = Seconds()
SECONDS_OR_NONE = Seconds(clearable=True)


# -- options every cron command shares -------------------------------------------

def site_option(f):
    return click.option(
        "--site", default="default", show_default=True, metavar="SITE",
        shell_complete=complete_sites,
        help="The site (tenant) whose crontab is used.")(f)


def json_option(f):
    return click.option(
        "--json", "as_json", is_flag=True,
        help="Print JSON for scripts instead of text for people.")(f)


def utc_option(f):
    return click.option(
        "--utc", is_flag=True,
        help="Show times in UTC instead of the cron's own time zone.")(f)



# -- who changes, and why (kept in the site's history: zcron history) --------------

def _acting_as(ctx, param, value):
    """Changes made by the command are by ``value`` (ends with the command)."""
    from zcron.audit import acting
    if value is not None:
        ctx.with_resource(acting(value.strip() or None) if param.name == "actor"
                          else acting(note=value))


NOTE_OPTION = click.option(
    "--note", "change_note", metavar="TEXT", expose_value=False, callback=_acting_as,
    help="Why: kept with the change in the site's history (zcron history).")
AS_OPTION = click.option(
    "--as", "actor", metavar="NAME", expose_value=False, callback=_acting_as,
    help="Who makes the change, for the history (default: USER@HOST).")


def actor_option(f):
    return AS_OPTION(f)


def change_options(f):
    """--note and --as, on every command that changes crons."""
    return AS_OPTION(NOTE_OPTION(f))

def allow_unknown_runner_option(f):
    return click.option(
        "--allow-unknown-runner", "allow_unknown", is_flag=True,
        help="Accept a runner name no registered runner has (it logs NOTRUN "
             "until one is registered).")(f)


def cron_argument(f):
    return click.argument("ref", metavar="CRON", shell_complete=complete_crons)(f)


POLICY_OPTIONS = (
    click.option("--missed", type=click.Choice(MISSED_POLICIES),
                 help="Fire times missed while workers were down or busy: 'skip' "
                      "them, run 'once' now (the default), or run 'all' of them "
                      "within the catch-up window."),
    click.option("--catchup-window", type=SECONDS, metavar="SECONDS",
                 help="With --missed all: how far back missed fire times are still "
                      "run (default 3600; " + SECONDS_HELP + ")."),
    click.option("--overlap", type=click.Choice(OVERLAP_POLICIES),
                 help="When the previous run is still going: 'skip' this one (the "
                      "default), 'queue-one' behind it, or 'allow' both."),
    click.option("--timeout", type=SECONDS_OR_NONE, metavar="SECONDS",
                 help="Fail a run that takes longer ('none': no limit, the default)."),
    click.option("--warn-after", type=SECONDS_OR_NONE, metavar="SECONDS",
                 help="Log WARN for a run that takes longer ('none': never)."),
    click.option("--retries", type=click.IntRange(min=0), metavar="N",
                 help="Retry a FAILURE up to N times (default 0)."),
    click.option("--retry-backoff", type=SECONDS, metavar="SECONDS",
                 help="Wait before the first retry, doubled at each (default 60)."),
    click.option("--jitter", type=SECONDS, metavar="SECONDS",
                 help="Add up to this much to every fire time, the same for the "
                      "cron every time, to spread crons sharing a schedule."),
    click.option("--retry-interrupted/--no-retry-interrupted", default=None,
                 help="Run again a run whose worker was lost (default: log it "
                      "FAILURE 'interrupted')."),
    click.option("--logs-limit", type=click.IntRange(min=1), metavar="N",
                 help="Log entries kept (default 50; the newest FAILURE is kept too)."),
    click.option("--isolation", type=click.Choice(["thread", "process", "default"]),
                 callback=lambda ctx, param, value: CLEAR if value == "default" else value,
                 help="Run in a thread, or in a child process killed at the timeout "
                      "('default': the worker's --isolation)."),
    click.option("--max-memory", metavar="MB", callback=lambda ctx, param, value:
                 _megabytes(value, param, ctx),
                 help="With --isolation process: the child's memory limit in MB "
                      "('none': no limit)."),
    click.option("--alert-no-success", type=SECONDS_OR_NONE, metavar="SECONDS",
                 help="Alert when it has not succeeded (OK or WARN) for this long "
                      "('none': the site's default, if any)."),
    click.option("--alert-running", type=SECONDS_OR_NONE, metavar="SECONDS",
                 help="Alert when a run goes on longer than this "
                      "('none': the site's default, if any)."),
    click.option("--pause-after-failures", metavar="N", callback=lambda ctx, param, value:
                 _count_or_none(value, param, ctx),
                 help="Pause the cron after N FAILUREs in a row, retries exhausted "
                      "(resume counts again; 'none': never, the default)."),
    click.option("--keep-ok-for", type=SECONDS_OR_NONE, metavar="SECONDS",
                 help="Drop OK and WARN log entries older than this ('none': the "
                      "site's default, else 7d)."),
    click.option("--keep-failures-for", type=SECONDS_OR_NONE, metavar="SECONDS",
                 help="Drop FAILURE and NOTRUN log entries older than this, the newest "
                      "FAILURE aside ('none': the site's default, else 90d)."),
    click.option("--user", help="The Zope user its runs go as, in a site bound to a "
                                "Zope path (zcron zope bind); default: the site's."),
)
POLICY_FIELDS = ("missed", "catchup_window", "overlap", "timeout", "warn_after",
                 "retries", "retry_backoff", "jitter", "retry_interrupted",
                 "logs_limit", "isolation", "max_memory", "alert_no_success",
                 "alert_running", "pause_after_failures", "keep_ok_for",
                 "keep_failures_for", "user")


def _megabytes(value, param, ctx):
    """--max-memory: a whole number of MB >= 1, or 'none'."""
    return _count_or_none(value, param, ctx, " of MB")


def _count_or_none(value, param, ctx, unit=""):
    """A whole number >= 1, or 'none' (CLEAR)."""
    if value is None or value.strip().lower() == "none":
        return None if value is None else CLEAR
    if not value.strip().isdigit() or int(value) < 1:
        raise click.BadParameter(f"{value!r} is not a whole number{unit} >= 1 "
                                 "(or 'none')", ctx, param)
    return int(value)


def policy_options(f):
    for option in reversed(POLICY_OPTIONS):
        f = option(f)
    return f


def pop_policies(params):
    """Take the policy options given out of ``params``: {field: value}."""
    changes = {}
    for field in POLICY_FIELDS:
        value = params.pop(field)
        if value is not None:
            changes[field] = None if value is CLEAR else value
    return changes


# -- values -------------------------------------------------------------------------

def parse_environ(text):
    """--environ: a JSON object, handed to the runner."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError as e:
        raise InvalidEnviron(text, f"malformed JSON ({e})") from None
    if not isinstance(value, dict):
        raise InvalidEnviron(text, "must be a JSON object, e.g. '{\"days\": 7}'")
    return value


TIME_HELP = "e.g. 2026-11-22T08:00, 2026-11-22T08:00+01:00"


def parse_time(text, field, zone_name, relative=False):
    """An ISO 8601 date and time; without an offset it is read on the wall
    clock of ``zone_name``. With ``relative``, ``+2h`` means from now."""
    text = text.strip()
    if relative and text.startswith("+"):
        seconds = parse_seconds(text[1:])
        if seconds is None:
            raise InvalidInput(field, text, "expected +DURATION, e.g. +30m, +2h, +1d")
        return clock.now() + timedelta(seconds=seconds)
    iso = text[:-1] + "+00:00" if text[-1:] in ("z", "Z") else text
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        example = TIME_HELP + (", +2h" if relative else "")
        raise InvalidInput(field, text, f"expected an ISO 8601 date and time ({example})") \
            from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=load_zone(zone_name))
    return value
