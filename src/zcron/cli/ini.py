"""``zcron ini``: scheduler.ini files (the superdjango scheduler's format);
``zcron ini check FILE`` says, before a deploy, which jobs it declares and
which sections are left out because their callback cannot be imported."""
import sys

import click

from zcron.cli.app import EXIT_FAILURE, cli, pass_app
from zcron.cli.output import plural


@cli.group(epilog="""\b
Examples:
  zcron ini check config/scheduler.ini
  zcron ini export > scheduler.ini
""")
def ini():
    """scheduler.ini files: each section a job (call, every, at, active,
    keyword arguments), declared for every site by '[zcron] scheduler_ini =
    PATH' in the config file, or for one by '[site:NAME] scheduler_ini = PATH'."""


@ini.command("check", epilog="""\b
Example:
  zcron ini check config/scheduler.ini

\b
Exit status: 0 every section is fine, 1 some callbacks cannot be imported
(listed, one line each), 2 the file is unreadable or a section is bad.
""")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_app
def check(app, file):
    """Read FILE as a sync would, changing nothing: bad sections are refused
    (exit 2), sections whose callback cannot be imported listed (exit 1)."""
    from zcron.declared.ini import read_jobs
    app.configure()                 # the host's kinds of schedule text
    found = read_jobs(file)
    for line in found.unimportable:
        click.echo(line)
    inactive = f"; {len(found.inactive)} inactive" if found.inactive else ""
    click.echo(f"{file}: {plural(len(found.jobs), 'job')} declared{inactive}"
               + (f", {plural(len(found.unimportable), 'section')} left out"
                  if found.unimportable else ""))
    if found.unimportable:
        sys.exit(EXIT_FAILURE)
