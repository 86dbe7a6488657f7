"""The audit trail on the command line: ``history`` (who changed what,
when and why) and ``undo`` (one change reverted by a recorded one)."""
from datetime import datetime
from types import SimpleNamespace

import click

from zcron.audit.diff import describe
from zcron.cli.app import cli, get_crontab, pass_app
from zcron.cli.output import echo_json, echo_table, format_time
from zcron.cli.params import change_options, json_option, site_option
from zcron.exceptions import ZcronError


def matching(crontab, ref):
    """The changes of the cron ``ref`` names: a uid, a current cron's name,
    or the name a removed cron had."""
    if ref is None:
        return None
    try:
        uid = crontab.resolve(ref).uid
    except ZcronError:        # gone, or ambiguous: match what was recorded
        uid = None
    return lambda change: change.uid in (uid, ref.lower()) or change.name == ref


@cli.command(epilog="""\b
Examples:
  zcron history
  zcron history cleanup --limit 5
  zcron history --site tenant --json
""")
@click.argument("ref", metavar="[CRON]", required=False)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              metavar="N", help="Show the newest N changes.")
@site_option
@json_option
@pass_app
def history(app, ref, limit, site, as_json):
    """The site's changes (or one cron's), newest first: id, when, who,
    what and why. Give an id to zcron undo."""
    from zcron.audit.store import audit_of

    def work(root):
        site_obj, crontab = get_crontab(root, site)
        store = audit_of(site_obj)
        changes = [] if store is None else store.newest(limit, matching(crontab, ref))
        return [change.as_json() for change in changes]

    changes = app.transact(work, write=False)
    if as_json:
        echo_json(changes)
        return
    echo_table(("ID", "WHEN", "WHO", "WHAT", "NOTE"),
               [_row(change) for change in changes], empty="no change recorded")


def _row(data):
    when = format_time(datetime.fromisoformat(data["when"]))
    return (str(data["id"]), when, data["who"],
            describe(SimpleNamespace(**data)), data["note"] or "-")


@cli.command(epilog="""\b
Examples:
  zcron undo 42
  zcron undo 42 --note "the new timeout was too short"
""")
@click.argument("change_id", metavar="CHANGE_ID", type=int)
@site_option
@change_options
@json_option
@pass_app
def undo(app, change_id, site, as_json):
    """Revert one change (see zcron history) by a new change, itself
    recorded: an edit's fields go back, an added cron goes, a removed one
    comes back with its settings. Refused when a later change touched the
    same fields."""
    from zcron.audit.undo import undo as undo_change

    def work(root):
        site_obj, crontab = get_crontab(root, site, write=True)
        return undo_change(site_obj, crontab, change_id).as_json()

    data = app.transact(work, note=f"zcron undo {change_id} --site {site}")
    if as_json:
        echo_json(data)
        return
    click.echo(f"undone change {data['id']} ({data['kind']} {data['name']})")
