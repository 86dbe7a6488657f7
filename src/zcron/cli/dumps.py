"""Crontabs as JSON: dump, load (ours and collective.cron's), check."""
import sys
import time

import click

from zcron.cli.app import LocatedInput, cli, get_crontab, pass_app
from zcron.cli.output import Progress, echo_json, plural
from zcron.cli.params import json_option, site_option
from zcron.exceptions import InvalidDump, InvalidInput


@cli.command(epilog="""\b
Examples:
  zcron dump > crontab.json
  zcron dump --site shop --no-logs
""")
@site_option
@click.option("--no-logs", is_flag=True, help="Leave the log entries out.")
@pass_app
def dump(app, site, no_logs):
    """Print a site's crontab as JSON (zcron load takes it back)."""
    def work(root):
        return get_crontab(root, site)[1].dump(with_logs=not no_logs)
    echo_json(app.transact(work, write=False))


# -- reading a dump ----------------------------------------------------------------------

def read_text(path):
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except UnicodeDecodeError as e:
        raise InvalidDump(path, f"not UTF-8 text ({e.reason})") from None
    except OSError as e:
        raise InvalidInput("file", path, e.strerror or str(e)) from None


def split_dump(text):
    """(activated, list of cron items) of a crontab dump -- ours, or
    collective.cron's list of crons (of JSON strings, even)."""
    from zcron.model import Crontab
    from zcron.model.jsonio import parse_json
    data = parse_json(text)
    if isinstance(data, list):
        data = {"crons": data}
    items = []
    if isinstance(data, dict) and isinstance(data.get("crons", []), list):
        items = data.get("crons", [])
        data = dict(data, crons=[])
    envelope = Crontab.load(data)          # checks its shape and 'activated'
    return envelope.activated, items


def cron_name(item, index):
    name = item.get("name") if isinstance(item, dict) else None
    uid = item.get("uid") if isinstance(item, dict) else None
    if name and uid:
        return f"crons[{index}] {name} ({uid})"
    return f"crons[{index}]"


def build_crons(items, progress):
    """Every cron of a dump, checked; the first bad one says where it is."""
    from zcron.model import Cron
    from zcron.model.jsonio import parse_json
    crons, uids = [], set()
    for index, item in enumerate(progress.each(items, "checking")):
        try:
            if isinstance(item, str):
                item = parse_json(item)
            cron = Cron.load(item)
            if cron.uid in uids:
                from zcron.exceptions import DuplicateUid
                raise DuplicateUid(cron.uid, "appears twice in the file")
        except InvalidInput as e:
            raise LocatedInput(cron_name(item, index), e) from None
        uids.add(cron.uid)
        crons.append(cron)
    return crons


@cli.command(epilog="""\b
Examples:
  zcron load crontab.json
  zcron dump --site prod | zcron --db file://staging/Data.fs load - --replace
  zcron load plone-crontab.json --site plone      (a collective.cron dump)
""")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False,
                                                       allow_dash=True))
@site_option
@click.option("--replace", is_flag=True,
              help="Replace the site's crons (and its switch) by the file's; "
                   "without it the file's crons are added.")
@json_option
@pass_app
def load(app, path, site, replace, as_json):
    """Load crons from a JSON dump (FILE, or - for stdin) into a site.

    Everything is checked before anything is written: a bad cron anywhere
    in the file, or a uid the crontab already has (without --replace),
    leaves the database unchanged. The dump's own site name is ignored.
    """
    progress = Progress()
    started = time.monotonic()
    progress.phase(f"reading {path}")
    activated, items = split_dump(read_text(path))

    def work(root):
        from zcron.exceptions import DuplicateUid
        from zcron.model import Crontab
        site_obj, crontab = get_crontab(root, site, write=True)
        crons = build_crons(items, progress)
        before = len(crontab)
        if replace:
            crontab = Crontab(site=site, activated=activated)
            crontab.__parent__ = site_obj
        else:
            for index, cron in enumerate(crons):
                if cron.uid in crontab:
                    raise LocatedInput(cron_name(cron.dump(False), index),
                                       DuplicateUid(cron.uid))
        for cron in progress.each(crons, "adding"):
            crontab.add_cron(cron)
        progress.phase("scheduling")
        crontab.save()
        progress.phase("committing")
        return {"site": site, "loaded": len(crons),
                "replaced": before if replace else 0, "crons": len(crontab)}

    result = app.transact(work, note=f"zcron load {path} --site {site}")
    result["seconds"] = round(time.monotonic() - started, 3)
    if as_json:
        echo_json(result)
        return
    replaced = f", replacing {result['replaced']}" if replace else ""
    click.echo(f"loaded {plural(result['loaded'], 'cron')} into site {site!r}{replaced} "
               f"({result['crons']} in all) in {result['seconds']:.1f}s")


# -- check -------------------------------------------------------------------------------

def cron_problems(fields, runners):
    """Every problem of one cron's fields (not only the first): values,
    policies, expression, zone, and -- given the runner names -- its runner."""
    from zcron.model.cron import FIELDS, validate
    from zcron.periodicity import get_periodicity
    from zcron.periodicity.zone import load_zone
    problems = []
    for field, value in fields.items():
        if field in ("periodicity", "timezone") or (field == "uid" and not value):
            continue              # checked below; a dump may leave uids out
        if field in FIELDS:
            try:
                validate({field: value})
            except InvalidInput as e:
                problems.append(str(e))
    expression, zone_name = fields.get("periodicity"), fields.get("timezone", "UTC")
    try:
        load_zone(zone_name)
        zone_ok = True
    except InvalidInput as e:
        problems.append(str(e))
        zone_ok = False
    periodicity = None
    if not expression or not isinstance(expression, str):
        problems.append("no cron expression ('periodicity')")
    else:
        try:
            periodicity = get_periodicity(expression, zone_name if zone_ok else "UTC")
        except InvalidInput as e:
            problems.append(str(e))
    if periodicity is not None and zone_ok:
        from zcron import clock
        if periodicity.next_fire_time(clock.now()) is None:
            problems.append(f"{expression!r} never fires again")
    name = fields.get("name")
    if runners is not None and isinstance(name, str) and name not in runners:
        problems.append(f"no job runner is registered under the name {name!r}")
    return problems


def check_items(items, runners):
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
        problems = cron_problems(item, runners)
        if not problems:
            try:          # what the fields alone do not show: logs, missing keys
                Cron.load(item)
            except InvalidInput as e:
                problems.append(str(e))
        uid = item.get("uid")
        if uid and uid in seen:
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
    from zcron.config import runner_names
    app.configure()
    notes = []
    runners = None
    if app.host_zcml:
        runners = set(runner_names())
    else:
        notes.append("runners not checked: no host ZCML loaded (give --zcml)")
    if path is not None:
        source = "stdin" if path == "-" else path
        try:
            _, items = split_dump(read_text(path))
        except InvalidInput as e:
            items, problems = [], [(source, str(e))]
        else:
            problems = check_items(items, runners)
        count = len(items)
    else:
        source = f"site {site!r}"

        def work(root):
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
                             for p in cron_problems(fields, runners))
            if not crontab.activated:
                notes.append("the crontab is disabled: no cron runs")
            return len(crons), found

        count, problems = app.transact(work, write=False)
    if as_json:
        echo_json({"ok": not problems, "source": source, "crons": count,
                   "problems": [{"where": w, "problem": p} for w, p in problems],
                   "notes": notes})
    else:
        for where, problem in problems:
            click.echo(f"{where}: {problem}")
        for text in notes:
            click.echo(f"note: {text}")
        if problems:
            click.echo(f"{plural(len(problems), 'problem')} in {source} "
                       f"({plural(count, 'cron')})")
        else:
            click.echo(f"ok: {plural(count, 'cron')} checked in {source}")
    if problems:
        click.get_current_context().exit(1)
