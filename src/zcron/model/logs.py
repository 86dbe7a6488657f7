"""A cron's log, kept in its own persistent record.

Recording a run writes this record only: never the crontab, never another
cron, so runs of two crons do not conflict and a crontab of 100,000 crons
is not rewritten by each run.
"""
from persistent import Persistent

from zcron.interfaces import FAILURE


class CronLogs(Persistent):
    """Newest first, bounded; the newest FAILURE survives the bound."""

    def __init__(self):
        self.entries = ()
        self.counts = {}

    def add(self, log, limit):
        entries = (log,) + self.entries
        if len(entries) > limit:
            kept, dropped = entries[:limit], entries[limit:]
            if not any(e.status == FAILURE for e in kept):
                failure = next((e for e in dropped if e.status == FAILURE), None)
                if failure is not None:
                    kept += (failure,)
            entries = kept
        self.entries = entries
        counts = dict(self.counts)
        counts[log.status] = counts.get(log.status, 0) + 1
        self.counts = counts

    def clear(self):
        self.entries = ()

    def __len__(self):
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries)
