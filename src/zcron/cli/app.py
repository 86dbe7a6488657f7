"""The ``zcron`` command group: global options, settings, database
sessions, and the one place where errors become exit statuses.

Exit statuses: 0 ok; 1 a runtime failure (or problems found by ``check``);
2 bad input -- one line ``zcron: error: ...`` on stderr, and the
transaction aborted, so nothing was written.
"""
import os
import sys

import click
from ZODB.POSException import ConflictError

from zcron.cli.output import one_line
from zcron.cli.settings import read_config
from zcron.cli.terminal import NO_COLOR_KEY
from zcron.declared.settings import use_config
from zcron.exceptions import InvalidInput, ReadOnlyCrontab, UnknownSite, ZcronError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

CONFIG_NAME = "zcron.ini"
CONFLICT_ATTEMPTS = 5

# click >= 8.2 raises this for a group given no command; older ones print
# the help themselves
NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class LocatedInput(InvalidInput):
    """Bad input found at a place in a larger input (``crons[12]``)."""

    def __init__(self, where, error):
        ZcronError.__init__(self, f"{where}: {error}")
        self.where = where
        self.field, self.value, self.reason = error.field, error.value, error.reason


def fail(message, status):
    click.echo(f"zcron: error: {one_line(message)}", err=True)
    sys.exit(status)


class ZcronGroup(click.Group):
    """Runs the commands, turning every expected error into one line."""

    def list_commands(self, ctx):
        return list(self.commands)       # in the order they were defined

    def main(self, args=None, prog_name=None, **extra):
        extra.pop("standalone_mode", None)
        try:
            status = super().main(args, prog_name=prog_name,
                                  standalone_mode=False, **extra)
        except NO_ARGS_IS_HELP as e:
            click.echo(e.ctx.get_help())
            status = EXIT_OK
        except click.UsageError as e:
            hint = f" (see '{e.ctx.command_path} --help')" if e.ctx is not None else ""
            fail(e.format_message() + hint, EXIT_BAD_INPUT)
        except click.ClickException as e:
            fail(e.format_message(), e.exit_code)
        except click.Abort:
            fail("interrupted", EXIT_INTERRUPTED)
        except (InvalidInput, ReadOnlyCrontab) as e:
            fail(str(e), EXIT_BAD_INPUT)
        except ZcronError as e:
            fail(str(e), EXIT_FAILURE)
        except BrokenPipeError:
            # `zcron list | head`: the reader left; say nothing more
            sys.stdout = open(os.devnull, "w")
            status = EXIT_FAILURE
        sys.exit(status if isinstance(status, int) else EXIT_OK)


class App:
    """What the commands share: settings, the components, the database."""

    def __init__(self, db=None, zcml=(), config=None):
        self.db_option = db
        self.zcml_option = list(zcml or ())
        self.config_option = config
        self._config = None
        self._db = None
        self._session = None
        self.host_zcml = ()

    # -- settings ------------------------------------------------------------

    @property
    def config_path(self):
        """--config, else ./zcron.ini if there is one (the exports name it)."""
        found = self.config_option is None and os.path.isfile(CONFIG_NAME)
        return CONFIG_NAME if found else self.config_option

    @property
    def config(self):
        if self._config is None:
            self._config = read_config(self.config_path) if self.config_path else {}
        return self._config

    @property
    def uri(self):
        from zcron.db import normalize_uri
        return normalize_uri(self.db_option or self.config.get("db"))

    @property
    def zcml_files(self):
        if self.zcml_option:
            return self.zcml_option
        return self.config.get("zcml", [])

    def configure(self):
        """zcron's components and the host's ZCML (its runners, subscribers)."""
        from zcron.config import configure
        files = self.zcml_files
        use_config(self.config_option or CONFIG_NAME)   # for declared jobs, if present
        configure(*files)
        self.host_zcml = tuple(files)

    def check_runner(self, name, allowed):
        """Refuse a runner name no runner of the host's ZCML, of zcron's
        or of an installed plugin has (``zcron.config.check_runner_name``),
        unless ``allowed``; without the host's ZCML none is known (as for
        ``zcron check``)."""
        from zcron.config import check_runner_name, runner_names
        from zcron.declared.plugins import installed_runner_names
        self.configure()
        if not allowed and self.host_zcml:
            check_runner_name(name, runner_names() + installed_runner_names(),
                              insist="--allow-unknown-runner to use it anyway")

    # -- the database -----------------------------------------------------------

    def open_db(self, read_only_ok=False, create=False):
        """The database; with ``read_only_ok``, a FileStorage another
        process holds (a worker) is opened read-only instead, as of now.
        Only with ``create`` is a missing FileStorage made (commands that
        create things): the others say there is no database."""
        if self._db is None:
            from zcron.db import open_db
            from zcron.exceptions import DatabaseLocked
            self.configure()
            uri = self.uri
            try:
                self._db = open_db(uri, create=create)
            except DatabaseLocked:
                if not (read_only_ok and uri.startswith("file://")):
                    raise
                self._db = open_db(uri + ("&" if "?" in uri else "?") + "read_only=1")
                click.echo("note: the database is in use by another process (a "
                           "worker?); showing it read-only, as of now", err=True)
        return self._db

    def use_db(self, db, uri):
        """A database opened by the host (a Zope instance), whose ZCML is
        loaded already: the commands use it instead of --db and --zcml."""
        self._db, self.db_option = db, uri

    def session(self, read_only_ok=False, create=False):
        if self._session is None:
            from zcron.db import Session
            self._session = Session(self.open_db(read_only_ok, create))
        return self._session

    def transact(self, work, write=True, note=None, create=False):
        """``work(root)`` in one transaction, committed when ``write`` (else
        aborted), and run again from scratch when it conflicts with a
        worker's writes. Any error aborts it: nothing is written. Only with
        ``create`` may a missing FileStorage be made (see ``open_db``)."""
        from zcron.retry import transact
        session = self.session(read_only_ok=not write, create=create)
        try:
            return transact(session.tm, lambda: work(session.root), CONFLICT_ATTEMPTS,
                            base=0.05, commit=write, note=note)
        except ConflictError:
            raise ZcronError(
                f"the database stayed busy: {CONFLICT_ATTEMPTS} attempts conflicted with "
                "other writers; nothing was saved, try again") from None

    def close(self):
        if self._session is not None:
            self._session.close()
            self._session = None
        if self._db is not None:
            self._db.close()
            self._db = None


pass_app = click.make_pass_decorator(App)


# -- lookups with messages naming what to do -------------------------------------

def get_site(root, name):
    try:
        return root.get_site(name)
    except UnknownSite:
        raise UnknownSite(name, "no such site (add it with: zcron site add NAME)") from None


def get_crontab(root, name, write=False):
    """(site, crontab); with ``write``, refuse a read-only crontab."""
    from zcron.components import load_crontab
    site = get_site(root, name)
    crontab = load_crontab(site)
    if write and crontab.read_only:
        path = dict(site.registry_options).get("path")
        where = f" ({path})" if path else ""
        raise ReadOnlyCrontab(
            f"the crontab of site {name!r} is read-only: its {site.registry!r} "
            f"registry reads it from a file{where}; change the file instead")
    return site, crontab


def get_cron(root, name, ref, write=False):
    """(site, crontab, cron) of the cron ``ref`` names in the site ``name``;
    with ``write``, refuse a read-only crontab."""
    site, crontab = get_crontab(root, name, write=write)
    return site, crontab, crontab.resolve(ref)


EPILOG = """\b
Examples:
  zcron --zcml myhost/configure.zcml site add default
  zcron add cleanup --cron "30 2 * * *" --tz Europe/Zurich --environ '{"days": 7}'
  zcron list
  zcron --zcml myhost/configure.zcml worker --concurrency 4

\b
Settings come from the options, else ZCRON_DB / ZCRON_ZCML (paths separated
by ':'), else the [zcron] section of the config file (--config, or zcron.ini
in the working directory):
  [zcron]
  db = file://var/Data.fs
  zcml = myhost/configure.zcml
(paths in it are relative to the file). Exit status: 0 ok, 1 failure or
problems found by check, 2 bad input (nothing is saved).
"""


@click.group(name="zcron", cls=ZcronGroup, context_settings=CONTEXT_SETTINGS,
             epilog=EPILOG)
@click.option("--db", metavar="URI", envvar="ZCRON_DB",
              help="Database: file://var/Data.fs (the default; one process at a "
                   "time), zeo://host:port, postgres://... [env: ZCRON_DB]")
@click.option("--zcml", metavar="FILE", multiple=True, envvar="ZCRON_ZCML",
              type=click.Path(dir_okay=False),
              help="The host's ZCML (its runners and subscribers); repeatable. "
                   "[env: ZCRON_ZCML]")
@click.option("--config", metavar="FILE", envvar="ZCRON_CONFIG",
              type=click.Path(exists=True, dir_okay=False),
              help="An ini file with a [zcron] section holding db and zcml "
                   "(default: ./zcron.ini if present). [env: ZCRON_CONFIG]")
@click.option("--no-color", is_flag=True, help="No colours, even on a terminal "
              "(as with NO_COLOR set); none when the output is piped.")
@click.version_option(package_name="zcron", prog_name="zcron")
@click.pass_context
def cli(ctx, db, zcml, config, no_color):
    """zcron: crontabs of Zope Component Architecture sites, kept in ZODB,
    run by workers.

    CRON, in the commands below, is a cron's uid (or its start: the 8
    characters list shows), or its name when no other cron of the site has
    it; --site defaults to 'default'.
    """
    ctx.meta[NO_COLOR_KEY] = no_color
    app = ctx.obj = App(db=db, zcml=zcml, config=config)
    ctx.call_on_close(app.close)
