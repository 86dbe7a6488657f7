"""``zcron declared list|sync``: the declared jobs, and keeping the sites'
crontabs in step with them (which workers also do when they start)."""
import click

from zcron.cli.app import cli, get_site, pass_app
from zcron.cli.output import echo_json, echo_table
from zcron.cli.params import NOTE_OPTION, json_option


@cli.group(epilog="""\b
Examples:
  zcron declared list
  zcron declared sync --site shop
""")
def declared():
    """Jobs declared by the host's code or configuration (entry points,
    decorators, ZCML, scheduler.ini), one cron per declaration per site."""


@declared.command("list", epilog="""\b
Examples:
  zcron declared list
  zcron declared list --json
""")
@json_option
@pass_app
def declared_list(app, as_json):
    """Every declaration, where it is declared, and per site whether its
    cron is in step ('missing', 'differs: FIELDS', 'in step')."""
    from zcron.declared.sync import states
    found = app.transact(states, write=False)
    if as_json:
        echo_json(found)
        return
    rows = [[item["declared"], item["source"], item["schedule"], site, state]
            for item in found for site, state in sorted(item["sites"].items())
            or [("-", "no such site")]]
    echo_table(["DECLARED", "SOURCE", "SCHEDULE", "SITE", "STATE"], rows,
               empty="no declared jobs")


@declared.command("sync", epilog="""\b
Examples:
  zcron declared sync
  zcron declared sync --site shop --json
""")
@click.option("--site", "sites", multiple=True, metavar="SITE",
              help="Only this site (repeatable); all sites by default.")
@NOTE_OPTION
@json_option
@pass_app
def declared_sync(app, sites, as_json):
    """Keep the sites' crontabs in step with the declarations now: add the
    missing crons, update what declarations changed (operators' switches,
    pauses and other policies are kept), remove the crons of declarations
    gone. Prints what it changed."""
    from zcron.declared.sync import keep_in_step

    def work(root):
        names = [get_site(root, name).name for name in sites] or None
        return keep_in_step(root, names)

    changes = app.transact(work, note="zcron declared sync")
    if as_json:
        echo_json([change.dump() for change in changes])
        return
    for change in changes:
        click.echo(str(change))
    if not changes:
        click.echo("everything is in step")
