"""A worker's stop: marked stopping in the queue (``WorkerInfo.stopping``)
while its runs in progress finish; its claimed runs not yet started go back
to the queue, each taking back the next job its claim queued; it leaves the
worker registry once nothing it claimed is left unsettled."""
import logging

from zcron.retry import RETRYABLE
from zcron.queue.base import QUEUED

logger = logging.getLogger("zcron.worker")


class Shutdown:
    def __init__(self, worker_id, session, book, backlog, pool, settler, grace):
        self.worker_id = worker_id
        self.session = session
        self.book = book
        self.backlog = backlog
        self.pool = pool
        self.settler = settler
        self.grace = grace      # seconds runs in progress get to finish

    def begin(self):
        """Mark this worker stopping, for the dashboard and the CLI: it
        claims no more and finishes its runs. A conflicting mark is only
        warned of: the stop goes on."""
        try:
            self.session.transact(lambda tx: tx.queue.stop_worker(self.worker_id))
        except RETRYABLE as error:
            logger.warning("worker %s could not be marked stopping: %s", self.worker_id, error)

    def finish(self):
        """Release what was claimed but not started, let the runs in
        progress finish (``grace`` seconds at most), settle it all."""
        released = self.backlog.drain()
        self.backlog.stop()
        self.pool.join(self.grace)
        try:
            self.session.transact(lambda tx: self._settle(tx, released))
        finally:
            self.session.close()
        logger.info("worker %s stopped", self.worker_id)

    def _settle(self, tx, released):
        for job in released:
            self.settler.released(tx, job)
            self._put_back(tx.queue, job)
        settled = released + self.settler.finished(tx) + self.settler.orphans(tx)
        if self.book.all_among(settled):
            tx.queue.unregister_worker(self.worker_id)

    def _put_back(self, q, job):
        """Queue a released job as if never claimed: with the signature of
        the next job its claim queued, taken back (the cron as it was then);
        when that job ran or moved meanwhile, this one runs alone."""
        successor = self.book.successor_of(job)
        if successor is None:
            q.put(job)
        elif q.remove(successor):
            q.put(job.replace(signature=successor.signature))
        else:
            q.put(job.replace(kind=QUEUED))
