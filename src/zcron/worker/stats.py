"""A worker's counts (runs by status, claim conflicts): what the CLI and
the bench report when it stops."""
import threading


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.by_status = {}
        self.claim_conflicts = 0

    def count(self, status):
        with self.lock:
            self.by_status[status] = self.by_status.get(status, 0) + 1

    @property
    def runs(self):
        return sum(self.by_status.values())
