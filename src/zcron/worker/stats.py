"""A worker's counts (runs by status, claim conflicts): what the CLI and
the bench report when it stops. Runs are counted once committed, so that
an attempt undone by a conflict is not counted and every count has its
FinishedCronJobEvent."""
import threading

from zcron.interfaces import IFinishedCronJobEvent


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.by_status = {}
        self.claim_conflicts = 0

    def count(self, status):
        with self.lock:
            self.by_status[status] = self.by_status.get(status, 0) + 1

    def count_logged(self, events):
        """Count the runs a committed transaction logged (its events)."""
        for event in events:
            if IFinishedCronJobEvent.providedBy(event):
                self.count(event.log.status)

    @property
    def runs(self):
        return sum(self.by_status.values())
