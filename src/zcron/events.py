"""Data-only events: they carry objects, handlers do the work."""
from zope.interface import implementer
from zope.interface.interfaces import ObjectEvent

from zcron import interfaces


@implementer(interfaces.IModifiedCrontabEvent)
class ModifiedCrontabEvent(ObjectEvent):
    def __init__(self, crontab, site, crons=None):
        super().__init__(crontab)
        self.site = site
        self.crons = crons


@implementer(interfaces.ICrontabSynchronisationEvent)
class CrontabSynchronisationEvent(ObjectEvent):
    def __init__(self, crontab, site, crons=None):
        super().__init__(crontab)
        self.site = site
        self.crons = crons


@implementer(interfaces.IServerRestartEvent)
class ServerRestartEvent:
    def __init__(self, db, root=None):
        self.db = db
        self.root = root


@implementer(interfaces.IStartedCronJobEvent)
class StartedCronJobEvent(ObjectEvent):
    def __init__(self, cron, site, job):
        super().__init__(cron)
        self.site = site
        self.job = job


@implementer(interfaces.IFinishedCronJobEvent)
class FinishedCronJobEvent(ObjectEvent):
    def __init__(self, cron, site, job, log):
        super().__init__(cron)
        self.site = site
        self.job = job
        self.log = log


@implementer(interfaces.ICronAutoPausedEvent)
class CronAutoPausedEvent:
    def __init__(self, site, cron, note):
        self.site = site
        self.cron = cron
        self.note = note
