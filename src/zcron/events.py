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
    def __init__(self, db, root=None, step=None):
        self.db = db
        self.root = root
        self.step = step


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


class _CronAlertEvent(ObjectEvent):
    def __init__(self, site, cron):
        super().__init__(cron)
        self.site = site
        self.cron = cron


@implementer(interfaces.ICronOverdueEvent)
class CronOverdueEvent(_CronAlertEvent):
    def __init__(self, site, cron, since):
        super().__init__(site, cron)
        self.since = since


@implementer(interfaces.ICronRecoveredEvent)
class CronRecoveredEvent(_CronAlertEvent):
    def __init__(self, site, cron, since):
        super().__init__(site, cron)
        self.since = since


@implementer(interfaces.ICronRunningLongEvent)
class CronRunningLongEvent(_CronAlertEvent):
    def __init__(self, site, cron, execution_id, started):
        super().__init__(site, cron)
        self.execution_id = execution_id
        self.started = started


@implementer(interfaces.ICronAutoPausedEvent)
class CronAutoPausedEvent(_CronAlertEvent):
    def __init__(self, site, cron, note):
        super().__init__(site, cron)
        self.note = note
