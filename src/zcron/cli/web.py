"""``zcron serve`` (the dashboard) and ``zcron user`` (its users)."""
import os

import click

from zcron.cli.app import CONFIG_NAME, EXIT_BAD_INPUT, cli, pass_app
from zcron.cli.params import json_option
from zcron.exceptions import ZcronError


def users_file(app, path=None):
    """The ini file holding the dashboard's users: --config of the command,
    else zcron's --config / $ZCRON_CONFIG, else ./zcron.ini."""
    return path or app.config_option or os.environ.get("ZCRON_CONFIG") or CONFIG_NAME


@cli.command(epilog="""\b
Examples:
  zcron user add alice --role manager        (asks for the password)
  zcron --db zeo://db:8100 --zcml myhost/configure.zcml serve --port 8080

\b
Users and their roles are in the [users] section of the config file
(zcron.ini, --config or $ZCRON_CONFIG). The dashboard opens its own
connection to the database: with a FileStorage (one process only) serve it
from the worker instead, with 'zcron worker --web 127.0.0.1:8080'.
""")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default keeps it on this machine).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@pass_app
def serve(app, host, port):
    """Serve the web dashboard until stopped (SIGTERM, Ctrl-C). Creates
    the database if there is none yet."""
    serve_dashboard = web_module().serve
    config = check_users(app)
    app.configure()          # zcron's components, with or without the host's ZCML

    def listening(url):
        click.echo(f"zcron: dashboard on {url} for {app.uri}; Ctrl-C stops it", err=True)
    try:
        serve_dashboard(app.uri, list(app.zcml_files), host=host, port=port,
                        config=config, ready=listening)
    except OSError as e:
        raise ZcronError(f"cannot serve the dashboard on {host}:{port}: "
                         f"{e.strerror or e}") from None


def web_module():
    """``zcron.web``, or one line saying what to install when the ``web``
    extra is not (instead of an ImportError's traceback)."""
    try:
        import waitress  # noqa: F401
        import zcron.web
    except ImportError as e:
        error = click.ClickException(
            f"the dashboard needs the 'web' extra, which is not installed (no module "
            f"{e.name!r}): pip install 'zcron[web]' (from a checkout: pip install -e '.[web]')")
        error.exit_code = EXIT_BAD_INPUT
        raise error from None
    return zcron.web


def check_users(app):
    """The users file, refusing to serve a dashboard nobody can log in to."""
    from zcron.exceptions import InvalidInput
    from zcron.users import load_users
    path = users_file(app)
    if not os.path.exists(path) or not load_users(path):
        raise InvalidInput("config", path, "the dashboard needs users: add one with "
                                           "zcron user add NAME --role manager")
    return path


@cli.group(epilog="""\b
Examples:
  zcron user add alice --role manager
  zcron user add bob --role viewer --config /etc/zcron.ini
  zcron user list
  zcron user remove bob
  zcron user token alice          (an API token for scripts, shown once)
""")
def user():
    """The dashboard's users: managers change things, viewers read."""


@user.command("add", epilog="""\b
Example:
  zcron user add alice --role manager
""")
@click.argument("name")
@click.option("--role", type=click.Choice(["manager", "viewer"]), default="viewer",
              show_default=True)
@click.option("--config", "path", metavar="FILE", type=click.Path(dir_okay=False),
              help="The ini file (created if missing).")
@click.password_option(prompt="Password", confirmation_prompt=True,
                       help="Asked for when not given (better: not on a command line).")
@pass_app
def user_add(app, name, role, path, password):
    """Add a user (or change its role and password); the password is
    stored hashed (PBKDF2-SHA256)."""
    from zcron.users import add_user
    path = users_file(app, path)
    add_user(path, name, role, password)
    click.echo(f"user {name} ({role}) saved in {path}")


@user.command("remove", epilog="""\b
Example:
  zcron user remove bob
""")
@click.argument("name")
@click.option("--config", "path", metavar="FILE", type=click.Path(dir_okay=False))
@pass_app
def user_remove(app, name, path):
    """Remove a user; its sessions end at their next request (the dashboard
    checks every session's user against this file)."""
    from zcron.exceptions import InvalidInput
    from zcron.users import remove_user
    path = users_file(app, path)
    if not remove_user(path, name):
        raise InvalidInput("user", name, f"no such user in {path}")
    click.echo(f"user {name} removed from {path}")


@user.command("token", epilog="""\b
Examples:
  zcron user token alice
  curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/api/sites
  zcron user token alice --revoke
""")
@click.argument("name")
@click.option("--revoke", is_flag=True, help="Remove the user's token instead.")
@click.option("--config", "path", metavar="FILE", type=click.Path(dir_okay=False))
@pass_app
def user_token(app, name, revoke, path):
    """A new API token for the user (replacing its previous one), printed
    once: only its hash is kept. Scripts send it as 'Authorization: Bearer
    TOKEN' to /api/, with the user's role."""
    from zcron.exceptions import InvalidInput
    from zcron.tokens import new_token, revoke_token
    path = users_file(app, path)
    if not revoke:
        click.echo(new_token(path, name))
    elif not revoke_token(path, name):
        raise InvalidInput("user", name, f"has no API token in {path}")
    else:
        click.echo(f"the API token of {name} is revoked")


@user.command("list", epilog="""\b
Example:
  zcron user list --json
""")
@click.option("--config", "path", metavar="FILE", type=click.Path(dir_okay=False))
@json_option
@pass_app
def user_list(app, path, as_json):
    """The users and their roles (never their passwords)."""
    import json
    from zcron.users import load_users
    path = users_file(app, path)
    users = load_users(path) if os.path.exists(path) else {}
    rows = sorted((name, entry.role) for name, entry in users.items())
    if as_json:
        click.echo(json.dumps([{"name": n, "role": r} for n, r in rows]))
    elif not rows:
        click.echo(f"no users in {path} (add one: zcron user add NAME --role manager)")
    else:
        for name, role in rows:
            click.echo(f"{name:<20} {role}")
