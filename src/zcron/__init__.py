"""zcron: a cron framework for Zope Component Architecture applications.

The names a host needs are here; the contracts are in ``zcron.interfaces``.
"""
from zcron.config import add_runner, add_subscriber, configure
from zcron.db import open_db
from zcron.exceptions import ZcronError
from zcron.interfaces import FAILURE, NOTRUN, OK, WARN
from zcron.model import Cron, Crontab, CronSite, Log
from zcron.runners import Runner

__all__ = [
    "Cron", "Crontab", "CronSite", "FAILURE", "Log", "NOTRUN", "OK", "Runner",
    "WARN", "ZcronError", "add_runner", "add_subscriber", "configure", "open_db",
]
