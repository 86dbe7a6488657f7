"""Persistent model: sites, crontabs, crons and their logs. No I/O here."""
from zcron.model.cron import Cron
from zcron.model.crontab import Crontab
from zcron.model.log import Log
from zcron.model.site import CronSite, ZcronRoot
from zcron.model.timeutil import FOREVER

__all__ = ["Cron", "Crontab", "CronSite", "FOREVER", "Log", "ZcronRoot"]
