"""Crontabs as JSON: dump, and load (ours and collective.cron's).

Checking a dump or a crontab without loading it is ``zcron.cli.check``.
"""
import sys
import time

import click

from zcron.cli.app import LocatedInput, cli, get_crontab, pass_app
from zcron.cli.output import Progress, echo_json, plural
from zcron.cli.params import (allow_unknown_runner_option, change_options, json_option,
                              site_option)
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
    """(the crontab without its crons, list of cron items) of a crontab
    dump -- ours, or collective.cron's list of crons (JSON strings, even)."""
    from zcron.model import Crontab
    from zcron.model.jsonio import parse_json
    data = parse_json(text)
    if isinstance(data, list):
        data = {"crons": data}
    items = []
    if isinstance(data, dict) and isinstance(data.get("crons", []), list):
        items = data.get("crons", [])
        data = dict(data, crons=[])
    envelope = Crontab.load(data)          # checks its shape, 'activated', calendars
    return envelope, items


def cron_name(item, index):
    name = item.get("name") if isinstance(item, dict) else None
    uid = item.get("uid") if isinstance(item, dict) else None
    if name and uid:
        return f"crons[{index}] {name} ({uid})"
    return f"crons[{index}]"


def build_crons(items, progress, check_runner):
    """Every cron of a dump, checked (its runner name by ``check_runner``);
    the first bad one says where it is."""
    from zcron.model import Cron
    from zcron.model.jsonio import parse_json
    crons, uids = [], set()
    for index, item in enumerate(progress.each(items, "checking")):
        try:
            if isinstance(item, str):
                item = parse_json(item)
            cron = Cron.load(item)
            check_runner(cron.name)
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
@change_options
@allow_unknown_runner_option
@json_option
@pass_app
def load(app, path, site, replace, allow_unknown, as_json):
    """Load crons from a JSON dump (FILE, or - for stdin) into a site.

    Everything is checked before anything is written: a bad cron anywhere
    in the file, or a uid the crontab already has (without --replace),
    leaves the database unchanged. The dump's own site name is ignored.
    """
    from zcron.model.site import check_new_site_name
    check_new_site_name(site)         # no '/' (a site saved before: dump it elsewhere)
    progress = Progress()
    started = time.monotonic()
    progress.phase(f"reading {path}")
    envelope, items = split_dump(read_text(path))

    def work(root):
        site_obj, crontab = get_crontab(root, site, write=True)
        crons = build_crons(items, progress,
                            lambda name: app.check_runner(name, allow_unknown))
        before = len(crontab)
        if replace:
            crontab = fresh_crontab(site, site_obj, envelope.activated, crontab)
        else:
            refuse_known_uids(crontab, crons)
        add_envelope(site_obj, crontab, envelope)
        for cron in progress.each(crons, "adding"):
            crontab.add_cron(cron)
        progress.phase("scheduling")
        schedule(crontab, crons, replace)
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


def schedule(crontab, crons, replace):
    """A replaced crontab is synchronised whole; else only the loaded
    crons are (in one pass: the others' jobs are right already)."""
    if replace:
        crontab.save()
    else:
        crontab.save_crons(crons)


def fresh_crontab(site, site_obj, activated, old):
    """An empty crontab for ``load --replace``, switched as the dump says
    (the old one's crons recorded as removed, for the history)."""
    from zcron.audit.record import crontab_replaced
    from zcron.model import Crontab
    crontab_replaced(old)
    crontab = Crontab(site=site, activated=activated)
    crontab.__parent__ = site_obj
    return crontab


def add_envelope(site_obj, crontab, envelope):
    """The dump's calendars, and its site defaults over the site's."""
    from zcron.model.defaults import set_defaults
    add_calendars(crontab, envelope)
    if envelope.loaded_defaults:
        set_defaults(site_obj, envelope.loaded_defaults)


def add_calendars(crontab, envelope):
    """The dump's calendars, before its crons (they name them); one the
    site has already must have the same rules."""
    from zcron.model.calendar import Calendar
    for calendar in crontab.new_calendars(envelope):
        crontab.set_calendar(Calendar.load(calendar.dump()))


def refuse_known_uids(crontab, crons):
    """Without --replace, a loaded cron may not take a uid already there."""
    from zcron.exceptions import DuplicateUid
    for index, cron in enumerate(crons):
        if cron.uid in crontab:
            raise LocatedInput(cron_name(cron.dump(False), index), DuplicateUid(cron.uid))
