"""What the crontab table shows of one cron (its row: state, status, last
and next run, the schedule in words) and where a declared cron is declared."""
from functools import cached_property

from zcron.declared import declarations
from zcron.declared.sync import identity_text
from zcron.exceptions import InvalidInput
from zcron.web.schedule_fields import kind_title


def describe(cron):
    """(plain words, kind title) of a cron's schedule."""
    try:
        periodicity = cron.get_periodicity()
    except InvalidInput:       # a zone removed from the system since
        return "", ""
    return periodicity.describe(), kind_title(periodicity)


def declared_sources():
    """{identity text: where it is declared} of every declaration; none
    when they cannot be gathered (the worker and the CLI say why)."""
    try:
        return {identity_text(d): d.source or d.name for d in declarations()}
    except InvalidInput:
        return {}


def declared_at(cron, sources):
    """Where a declared cron is declared, for its mark ('' by hand)."""
    if not cron.declared:
        return ""
    return sources.get(cron.declared) or f"{cron.declared} (declaration gone)"


class CronRow:
    """What the crontab table shows of one cron. Its status is read at
    once (a status filter reads it of many crons); the schedule's words
    and the next job only when the row is shown."""

    def __init__(self, site, cron, queue, now, sources=None):
        self.site, self.queue, self.cron, self.uid = site, queue, cron, cron.uid
        self.state = cron.state(now)
        self.running = bool(queue.running(site.name, cron.uid))
        self.last = cron.last_log()
        self.last_status = self.last.status if self.last else None
        self.status_key = "running" if self.running else (self.last_status or "never")
        self.declared_at = declared_at(cron, sources) if sources is not None else cron.declared

    @cached_property
    def _words(self):
        return describe(self.cron)

    @property
    def describe(self):
        return self._words[0]

    @property
    def kind(self):
        return self._words[1]

    @cached_property
    def next_job(self):
        pending = self.queue.pending(self.site.name, self.uid)
        return pending[0] if pending else None

    @property
    def next_run(self):
        return self.next_job.due if self.next_job else None

    @property
    def next_kind(self):
        return self.next_job.kind if self.next_job else None


cron_row = CronRow
