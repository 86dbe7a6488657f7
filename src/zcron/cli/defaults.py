"""``zcron site defaults``: a site's values for cron policy fields its
crons leave unset (zcron.model.defaults)."""
import click

from zcron.cli.app import get_site, pass_app
from zcron.cli.output import echo_json, format_seconds
from zcron.cli.params import CLEAR, SECONDS_OR_NONE, json_option
from zcron.cli.sites import site
from zcron.model.defaults import DEFAULTABLE, set_defaults, site_defaults


def defaults_options(f):
    for field in reversed(DEFAULTABLE):
        f = click.option("--" + field.replace("_", "-"), field, type=SECONDS_OR_NONE,
                         metavar="SECONDS", help=f"The {field} of the site's crons "
                         "that set none ('none' removes the default).")(f)
    return f


@site.command("defaults", epilog="""\b
Examples:
  zcron site defaults default --alert-no-success 1d --alert-running 2h
  zcron site defaults default                 (shows them)
  zcron site defaults default --alert-running none
""")
@click.argument("name")
@defaults_options
@json_option
@pass_app
def defaults(app, name, as_json, **given):
    """Show the defaults of the site NAME, or set those given."""
    changes = {field: None if value is CLEAR else value
               for field, value in given.items() if value is not None}

    def work(root):
        found = get_site(root, name)
        return set_defaults(found, changes) if changes else site_defaults(found)
    values = app.transact(work, write=bool(changes), note=f"zcron site defaults {name}")
    if as_json:
        echo_json(values)
        return
    for field in DEFAULTABLE:
        click.echo(f"{field}: {format_seconds(values.get(field))}")
