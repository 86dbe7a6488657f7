"""The ``zcron`` command line: ``main`` is the console script.

The commands are defined on the click group ``zcron.cli.app.cli``, one
module per family; importing them here registers them, in help order.
"""
import logging

# each module defines its commands on the group: this order is the help's
from zcron.cli import (  # noqa: F401  (registration)
    sites,
    crons,
    runs,
    calendars,
    views,
    preview,
    logs,
    dumps,
    check,
    declared,
    ini,
    worker,
    web,
    exports,
    history,
    defaults,
    status,
    backfill,
    completion,
    zope,
)
from zcron.cli.app import App, cli


def main(args=None):
    """Entry point of the ``zcron`` console script."""
    quiet_libraries()
    cli.main(args=args, prog_name="zcron")


def quiet_libraries():
    """Errors reach the user as zcron's one line; libraries (RelStorage,
    ZEO) would add their own log lines through Python's last-resort
    handler. zcron's own warnings (a worker's) still go to stderr."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())
        mine = logging.getLogger("zcron")
        if not mine.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("zcron: %(levelname)s: %(message)s"))
            mine.addHandler(handler)


__all__ = ["App", "cli", "main"]
