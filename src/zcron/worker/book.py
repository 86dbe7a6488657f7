"""The book of claims in flight: the jobs this worker claimed and has not
settled in the queue yet, the next job each claim queued, and the runs
that ended or were cut short, for the dispatcher to settle. Pool threads
and the dispatcher both write it, always under its one lock."""
import threading


class ClaimBook:
    def __init__(self):
        self._lock = threading.Lock()
        self._inflight = {}      # claim key -> Job
        self._successors = {}    # claim key -> the Job its claim queued next
        self._finished = {}      # claim key -> Job whose run ended
        self._orphans = {}       # claim key -> (Job, why its run was cut short)

    def claimed(self, jobs, successors):
        """Claims committed; ``successors``: claim key -> the next job
        each queued (a claim released unstarted takes it back)."""
        with self._lock:
            for job in jobs:
                self._inflight[job.claim_key] = job
            self._successors.update(successors)

    def finished(self, jobs):
        """Runs ended (their outcome committed, or nothing to run): their
        claims are to be completed."""
        with self._lock:
            for job in jobs:
                self._finished[job.claim_key] = job

    def orphaned(self, jobs, reason):
        """Runs an unexpected error cut short: to be logged ``reason``."""
        with self._lock:
            for job in jobs:
                self._orphans[job.claim_key] = (job, reason)

    def finished_jobs(self):
        with self._lock:
            return list(self._finished.values())

    def orphans(self):
        """(job, reason) of the runs cut short, not settled yet."""
        with self._lock:
            return list(self._orphans.values())

    @property
    def has_finished(self):
        return bool(self._finished)

    @property
    def has_orphans(self):
        return bool(self._orphans)

    def successor_of(self, job):
        with self._lock:
            return self._successors.get(job.claim_key)

    def forget(self, jobs):
        """Claims settled and committed: no longer this worker's."""
        with self._lock:
            for job in jobs:
                key = job.claim_key
                self._inflight.pop(key, None)
                self._successors.pop(key, None)
                self._finished.pop(key, None)
                self._orphans.pop(key, None)

    def all_among(self, jobs):
        """Whether every claim in flight is one of ``jobs``."""
        keys = {job.claim_key for job in jobs}
        with self._lock:
            return keys.issuperset(self._inflight)

    def __len__(self):
        """Claims in flight: claimed, running, or ended and not settled."""
        return len(self._inflight)
