"""Checking crons without changing anything: a site's crontab or a dump
file, every problem of every cron (not only the first), for a deploy to
run before it loads."""
import click

from zcron.cli.app import cli, get_crontab, pass_app
from zcron.cli.dumps import cron_name, read_text, split_dump
from zcron.cli.output import echo_json, plural
from zcron.cli.params import json_option, site_option
from zcron.exceptions import InvalidInput


def cron_problems(fields, runners, calendars=()):
    """Every problem of one cron's fields (not only the first): values,
    policies, expression, zone, calendars, and -- given the runner names --
    its runner."""
    return (value_problems(fields)
            + schedule_problems(fields.get("periodicity"), fields.get("timezone", "UTC"))
            + calendar_problems(fields.get("exclude"), calendars)
            + runner_problems(fields.get("name"), runners))


def calendar_problems(names, calendars):
    """Calendars the cron skips that its crontab (or dump) lacks."""
    if not isinstance(names, list):
        return []           # a bad value: value_problems says so
    return [f"invalid calendar {name!r}: no such calendar in the crontab"
            for name in names if isinstance(name, str) and name not in calendars]


def value_problems(fields):
    """The problems of each field but the schedule, one field at a time."""
    from zcron.model.fields import uid_given
    from zcron.model.fields import FIELDS, validate
    problems = []
    for field, value in fields.items():
        if field in ("periodicity", "timezone") or (field == "uid" and not uid_given(value)):
            continue              # checked apart; a dump may leave uids out
        if field in FIELDS:
            try:
                validate({field: value})
            except InvalidInput as e:
                problems.append(str(e))
    return problems


def schedule_problems(expression, zone_name):
    """The zone's problem, the expression's, or that it never fires again."""
    from zcron import clock
    from zcron.periodicity import get_periodicity
    from zcron.periodicity.zone import load_zone
    problems = []
    try:
        load_zone(zone_name)
        zone_ok = True
    except InvalidInput as e:
        problems.append(str(e))
        zone_ok = False
    if not expression or not isinstance(expression, str):
        return problems + ["no cron expression ('periodicity')"]
    try:
        periodicity = get_periodicity(expression, zone_name if zone_ok else "UTC")
    except InvalidInput as e:
        return problems + [str(e)]
    if zone_ok and periodicity.next_fire_time(clock.now()) is None:
        problems.append(f"{expression!r} never fires again")
    return problems


def runner_problems(name, runners):
    """No runner under the cron's name (when the runner names are known)."""
    if runners is not None and isinstance(name, str) and name not in runners:
        return [f"no job runner is registered under the name {name!r}"]
    return []


def check_items(items, runners, calendars=()):
    """[(where, problem)] for the crons of a dump."""
    from zcron.model import Cron
    from zcron.model.jsonio import parse_json
    found, seen = [], set()
    for index, item in enumerate(items):
        try:
            if isinstance(item, str):
                item = parse_json(item)
        except InvalidInput as e:
            found.append((f"crons[{index}]", str(e)))
            continue
        where = cron_name(item, index)
        if not isinstance(item, dict):
            found.append((where, "a cron must be a JSON object"))
            continue
        problems = cron_problems(item, runners, calendars)
        if not problems:
            try:          # what the fields alone do not show: logs, missing keys
                Cron.load(item)
            except InvalidInput as e:
                problems.append(str(e))
        uid = item.get("uid")
        if isinstance(uid, str):          # any other uid is a problem above
            if uid in seen:
                problems.append(f"uid {uid!r} appears twice")
            seen.add(uid)
        found.extend((where, p) for p in problems)
    return found


@cli.command(epilog="""\b
Examples:
  zcron --zcml myhost/configure.zcml check
  zcron --zcml myhost/configure.zcml check deploy/crontab.json
  zcron check --site shop --json
""")
@click.argument("path", metavar="[FILE]", required=False,
                type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@site_option
@json_option
@pass_app
def check(app, path, site, as_json):
    """Check a site's crontab, or a JSON dump FILE, changing nothing:
    expressions, time zones, policies, and -- when the host's ZCML is loaded
    (--zcml) -- that a job runner is registered for every cron's name.

    Exit status 0 with "ok", or 1 with the list of problems.
    """
    notes = []
    runners = known_runners(app, notes)
    if path is not None:
        source = "stdin" if path == "-" else path
        count, problems = check_file(path, source, runners)
    else:
        source = f"site {site!r}"
        count, problems = app.transact(
            lambda root: check_site(root, site, source, runners, notes), write=False)
    if as_json:
        echo_json({"ok": not problems, "source": source, "crons": count,
                   "problems": [{"where": w, "problem": p} for w, p in problems],
                   "notes": notes})
    else:
        echo_check(problems, notes, source, count)
    if problems:
        click.get_current_context().exit(1)


def known_runners(app, notes):
    """The host's runner names, or None (and a note) without its ZCML."""
    from zcron.config import runner_names
    app.configure()
    if app.host_zcml:
        return set(runner_names())
    notes.append("runners not checked: no host ZCML loaded (give --zcml)")
    return None


def check_file(path, source, runners):
    """(crons, [(where, problem)]) of a dump file; an unreadable file is
    one problem."""
    try:
        envelope, items = split_dump(read_text(path))
    except InvalidInput as e:
        return 0, [(source, str(e))]
    return len(items), check_items(items, runners, set(envelope.calendars()))


def check_site(root, site, source, runners, notes):
    """(crons, [(where, problem)]) of a site's saved crontab."""
    try:
        crontab = get_crontab(root, site)[1]
    except InvalidInput as e:
        if e.field == "site":
            raise
        return 0, [(source, str(e))]       # a json registry's bad file
    crons = list(crontab)
    found = []
    for cron in crons:
        fields = cron.dump(with_logs=False)
        found.extend((f"{cron.name} ({cron.uid})", p)
                     for p in cron_problems(fields, runners, crontab.calendars()))
    if not crontab.activated:
        notes.append("the crontab is disabled: no cron runs")
    return len(crons), found


def echo_check(problems, notes, source, count):
    for where, problem in problems:
        click.echo(f"{where}: {problem}")
    for text in notes:
        click.echo(f"note: {text}")
    if problems:
        click.echo(f"{plural(len(problems), 'problem')} in {source} "
                   f"({plural(count, 'cron')})")
    else:
        click.echo(f"ok: {plural(count, 'cron')} checked in {source}")
