"""Leases: this worker's registration and its renewal, and the reaping of
workers whose lease ran out (their claimed runs logged interrupted)."""
import time
from datetime import timedelta

# A lease must be this much overdue before its worker counts as lost
# (clocks of machines differ a little).
LEASE_GRACE = timedelta(seconds=1)


class Leases:
    def __init__(self, worker_id, lease, concurrency, reap_interval, settler):
        self.worker_id = worker_id
        self.lease = lease
        self.concurrency = concurrency
        self.reap_interval = reap_interval
        self.settler = settler
        self._last_renew = self._last_reap = 0.0

    def register(self, tx):
        tx.queue.register_worker(self.worker_id, tx.now, self.lease, self.concurrency)
        self._last_renew = time.monotonic()

    def renew_if_due(self, tx):
        """Renew the lease every third of it (registering again a worker
        reaped meanwhile)."""
        tick = time.monotonic()
        if tick - self._last_renew >= self.lease / 3:
            if tx.queue.renew_worker(self.worker_id, tx.now, self.lease) is None:
                tx.queue.register_worker(self.worker_id, tx.now, self.lease, self.concurrency)
            tx.on_commit(lambda: setattr(self, "_last_renew", tick))

    def reap_if_due(self, tx):
        tick = time.monotonic()
        if tick - self._last_reap >= self.reap_interval:
            self._reap(tx)
            # only once committed: a conflicting cycle reaps again next time
            tx.on_commit(lambda: setattr(self, "_last_reap", tick))

    def _reap(self, tx):
        """Account for the claims of workers whose lease ran out."""
        q, me = tx.queue, self.worker_id
        workers = {w.id: w for w in q.workers()}
        lost = {wid for wid, w in workers.items()
                if not w.alive(tx.now - LEASE_GRACE) and wid != me}
        for claim in q.claimed():
            owner = claim.worker_id
            if owner == me or (owner in workers and owner not in lost):
                continue
            self.settler.interrupted(tx, claim, f"interrupted: worker {owner} lost")
        for wid in lost:
            q.unregister_worker(wid)
