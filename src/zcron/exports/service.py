"""The worker as a service manager runs it: its command line (``--config``,
``--db`` and ``--zcml`` as the command line got them, paths made
absolute), its working directory, its environment, and how long its stop
may take before the manager kills it. supervisord and systemd write it."""
import inspect
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from zcron.exceptions import InvalidInput

# Its run lines reach the manager's log as they happen, not a buffer later.
ENVIRONMENT = {"PYTHONUNBUFFERED": "1"}
# Seconds granted past the worker's own shutdown grace before a kill.
STOP_MARGIN = 10
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class WorkerService:
    name: str
    argv: tuple             # the worker's command line, absolute paths
    directory: str          # its working directory
    stop_wait: int          # seconds a stop may take (runs in progress finish)
    environment: dict = field(default_factory=lambda: dict(ENVIRONMENT))


def worker_service(app, name, directory=None):
    """The worker ``zcron.cli.app.App`` ``app`` would run, as service ``name``."""
    check_name(name)
    return WorkerService(name, tuple(worker_argv(app)),
                         os.path.abspath(directory or os.getcwd()), stop_wait())


def check_name(name):
    if not NAME.fullmatch(name):
        raise InvalidInput("--name", name, "expected letters, digits, '.', '_' or '-', "
                                           "starting with a letter or a digit")


def default_name(site=None):
    """``zcron-worker``, or ``zcron-SITE`` (its other characters as '-')."""
    if not site:
        return "zcron-worker"
    return "zcron-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", site).strip("-.")


def worker_argv(app):
    """``zcron [--config F] [--db URI] [--zcml F]... worker``: the config
    file in use, the database unless the config names it, the ZCML given."""
    argv = [zcron_script()]
    if app.config_path:
        argv += ["--config", os.path.abspath(app.config_path)]
    if app.db_option or not app.config.get("db"):
        argv += ["--db", app.uri]
    for path in app.zcml_option:
        argv += ["--zcml", os.path.abspath(path)]
    return argv + ["worker"]


def zcron_script():
    """The ``zcron`` console script of this Python (its virtualenv's)."""
    return str(Path(os.path.abspath(sys.executable)).with_name("zcron"))


def stop_wait():
    """The worker's shutdown grace (``Worker(shutdown_grace=...)``), plus
    STOP_MARGIN: a kill never cuts a run the worker lets finish."""
    from zcron.worker import Worker
    grace = inspect.signature(Worker).parameters["shutdown_grace"].default
    return int(grace) + STOP_MARGIN
