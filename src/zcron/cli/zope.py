"""``zcron zope bind|unbind|list`` (zcron sites bound to Zope paths),
``zcron migrate collective.cron`` and the ``--zope-conf`` of the commands
that start a Zope instance's code in this process (the ``zope`` extra)."""
import os

import click

from zcron.cli.app import cli, pass_app
from zcron.cli.output import echo_json
from zcron.cli.params import json_option
from zcron.exceptions import InvalidInput


def use_zope_conf(app, path):
    """Start the Zope instance of ``path`` here (its ZCML, its database)
    and make its database the command's."""
    try:
        from zcron.zope.startup import open_zope
    except ImportError:
        raise InvalidInput("--zope-conf", path, "Zope is not installed here: pip install "
                           "'zcron[zope]'") from None
    app.use_db(open_zope(path), "zope-conf://" + os.path.abspath(path))


def zope_conf_option(f):
    return click.option("--zope-conf", metavar="PATH",
                        help="The instance's zope.conf: its ZCML and its database "
                             "(instead of --db and --zcml).")(f)


@cli.group(epilog="""\b
Example:
  zcron --db zeo://127.0.0.1:8100 zope bind /Plone --user admin
""")
def zope():
    """zcron sites bound to objects in the Zope tree (a Plone site)."""


@zope.command(epilog="""\b
Example:
  zcron --db zeo://127.0.0.1:8100 zope bind /Plone --user admin
""")
@click.argument("path")
@click.option("--user", help="The Zope user its runs go as (a cron's own user wins); "
                             "default: Zope's system user.")
@click.option("--name", help="The zcron site's name (default: from the path, /Plone: Plone).")
@pass_app
def bind(app, path, user, name):
    """Bind the zcron site of a Zope path (made when missing): its runners
    get the Zope object at PATH as their site."""
    from zcron.zope.binding import bind as bind_site
    site = app.transact(lambda root: bind_site(root, path, user, name).name, create=True,
                        note=f"zcron: bind {path}")
    click.echo(f"site {site} bound to {path}" + (f", runs as {user}" if user else ""))


@zope.command(epilog="""\b
Example:
  zcron --db zeo://127.0.0.1:8100 zope unbind Plone
""")
@click.argument("site")
@pass_app
def unbind(app, site):
    """Forget a site's Zope path (its crontab stays)."""
    from zcron.zope.binding import unbind as unbind_site
    app.transact(lambda root: unbind_site(root, site), note=f"zcron: unbind {site}")
    click.echo(f"site {site} unbound")


@zope.command("list", epilog="""\b
Example:
  zcron --db zeo://127.0.0.1:8100 zope list --json
""")
@json_option
@pass_app
def list_bindings(app, as_json):
    """The sites bound to Zope paths, with their run users."""
    from zcron.zope.binding import bindings
    rows = app.transact(lambda root: [
        {"site": name, "path": b.path, "user": b.user} for name, b in bindings(root).items()],
        write=False)
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['site']}\t{row['path']}\t{row['user'] or '(system)'}")


@cli.group(epilog="""\b
Example:
  zcron migrate collective.cron --site /Plone --zope-conf etc/zope.conf
""")
def migrate():
    """Crontabs brought over from other schedulers."""


@migrate.command("collective.cron", epilog="""\b
Example:
  zcron migrate collective.cron --site /Plone --zope-conf etc/zope.conf
""")
@click.option("--site", "path", required=True, help="The Plone site's path, e.g. /Plone.")
@click.option("--tz", default="UTC", show_default=True,
              help="The zone collective.cron read the periodicities in (the server's).")
@zope_conf_option
@json_option
@pass_app
def collective_cron(app, path, tz, zope_conf, as_json):
    """Create the site's zcron crontab from collective.cron's registry
    records: same uids, names, periodicities, users, environs and logs.
    Crons already brought over are left as they are: running it again
    changes nothing."""
    from zcron.zope.binding import bind as bind_site
    from zcron.zope.migrate import migrate as migrate_site
    if zope_conf:
        use_zope_conf(app, zope_conf)

    def work(root):
        items, activated = plone_records(app.session().conn, path)
        return migrate_site(bind_site(root, path), items, activated, tz)
    done = app.transact(work, note=f"zcron: migrate collective.cron {path}")
    if as_json:
        echo_json({"site": path, "added": done.added, "kept": done.kept})
    else:
        click.echo(f"{path}: {len(done.added)} crons added, {len(done.kept)} already there")


def plone_records(conn, path):
    """collective.cron's records in the registry of the Plone site at ``path``."""
    from zcron.zope.environment import zope_site
    from zcron.zope.migrate import read_records
    try:
        with zope_site(conn, path) as plone:
            return read_records(plone.portal_registry, path)
    except (LookupError, AttributeError) as e:
        raise InvalidInput("--site", path, f"no Plone site there ({e})") from None
    except ImportError as e:
        raise InvalidInput("--site", path, f"Zope is not installed here ({e})") from None
