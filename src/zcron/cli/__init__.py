"""The ``zcron`` command line: ``main`` is the console script.

The commands are defined on the click group ``zcron.cli.app.cli``, one
module per family; importing them here registers them, in help order.
"""
from zcron.cli import sites, crons, logs, dumps, worker, web  # noqa: F401  (registration)
from zcron.cli.app import App, cli


def main(args=None):
    """Entry point of the ``zcron`` console script."""
    cli.main(args=args, prog_name="zcron")


__all__ = ["App", "cli", "main"]
