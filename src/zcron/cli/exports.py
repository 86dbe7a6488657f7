"""``zcron ini export`` and ``zcron export supervisord|systemd``: a site's
crontab as a scheduler.ini, and the worker as a service (``zcron.exports``)."""
import os

import click

from zcron.cli.app import cli, get_crontab, get_site, pass_app
from zcron.cli.ini import ini
from zcron.cli.params import site_option
from zcron.exceptions import InvalidInput


def write_file(path, text, field, executable=False):
    """Write ``text`` to ``path`` (mode 0755 when ``executable``); a path
    that cannot be written is bad input, and nothing is written."""
    try:
        if executable:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o755)
            os.fchmod(fd, 0o755)        # whatever the umask, or an older file's mode
        else:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise InvalidInput(field, path, e.strerror or str(e)) from None


@ini.command("export", epilog="""\b
Examples:
  zcron ini export > scheduler.ini
  zcron --zcml myhost/configure.zcml ini export --site shop -o shop.ini
""")
@site_option
@click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write it to FILE instead of stdout.")
@pass_app
def ini_export(app, site, output):
    """Print a site's crontab as a scheduler.ini: a section a cron, with
    call (a plain function's runner; give --zcml to find them) or runner,
    every/at or schedule, active, the environ; comments say what the
    format cannot (policies, bounds, calendars, a pause)."""
    from zcron.exports.ini import export_ini

    def work(root):
        return export_ini(*get_crontab(root, site))

    text = app.transact(work, write=False)
    if output:
        write_file(output, text, "--output")
    else:
        click.echo(text, nl=False)


@cli.group(name="export", epilog="""\b
Examples:
  zcron --config /srv/shop/zcron.ini export supervisord --script /srv/shop/scheduler.sh
  zcron --config /srv/shop/zcron.ini export systemd --name shop-worker
""")
def export_group():
    """The worker as a service: supervisord, systemd."""


def service_options(f):
    f = click.option("--name", metavar="NAME",
                     help="The program's or unit's name (default: zcron-worker, "
                          "or zcron-SITE with --site).")(f)
    return click.option("--site", metavar="SITE",
                        help="A site of the database this worker serves (checked; "
                             "it names the service). The worker runs every site.")(f)


def service_for(app, site, name):
    """The worker ``app`` would run; a ``site`` given must exist."""
    from zcron.exports.service import default_name, worker_service
    if site is not None:
        app.transact(lambda root: get_site(root, site), write=False)
    return worker_service(app, default_name(site) if name is None else name)


@export_group.command(epilog="""\b
Examples:
  zcron --config /srv/shop/zcron.ini export supervisord --script /srv/shop/scheduler.sh
  zcron export supervisord --name shop-worker > /etc/supervisor/conf.d/shop.conf
""")
@service_options
@click.option("--script", metavar="PATH", type=click.Path(dir_okay=False),
              help="Write the shell script the program runs there (mode 0755); "
                   "without it, it is printed after the section (from its #! line), "
                   "to be saved as ./NAME.sh.")
@click.option("--log-dir", metavar="DIR", default="var/log", show_default=True,
              help="Where supervisord writes the worker's stdout and stderr.")
@pass_app
def supervisord(app, site, name, script, log_dir):
    """Print a supervisord [program:NAME] section running the worker, with
    this command's --config, --db and --zcml (absolute paths), through a
    script that sets the environment and execs zcron worker."""
    from zcron.exports.supervisord import program_section, worker_script
    service = service_for(app, site, name)
    path = os.path.abspath(script or f"{service.name}.sh")
    section = program_section(service, path, os.path.abspath(log_dir))
    if script:
        write_file(script, worker_script(service), "--script", executable=True)
        click.echo(section, nl=False)
    else:
        click.echo(section + "\n" + worker_script(service), nl=False)


@export_group.command(epilog="""\b
Examples:
  zcron --config /srv/shop/zcron.ini export systemd --name shop-worker \\
      > /etc/systemd/system/shop-worker.service
""")
@service_options
@pass_app
def systemd(app, site, name):
    """Print a systemd unit (NAME.service) running the worker, with this
    command's --config, --db and --zcml (absolute paths)."""
    from zcron.exports.systemd import unit
    click.echo(unit(service_for(app, site, name)), nl=False)
