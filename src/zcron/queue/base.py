"""Jobs and claims: the values every queue manager passes around."""
from zlib import crc32

from persistent import Persistent
from zope.interface import implementer

from zcron.interfaces import IJob, IWorkerInfo
from zcron.model.timeutil import from_us

# Kinds of job: a scheduled fire time, a "run now", a retry after FAILURE,
# and a run queued behind a still-running one (overlap policy 'queue-one').
SCHEDULE, MANUAL, RETRY, QUEUED = "schedule", "manual", "retry", "queued"
# A past fire time run again by ``zcron backfill`` (see ``zcron.backfill``).
BACKFILL = "backfill"


def shard_of(site, uid, shards):
    return crc32(f"{site}\x00{uid}".encode()) % shards


@implementer(IJob)
class Job:
    """A reference to one run of one cron; immutable, cheap, picklable."""

    __slots__ = ("site", "uid", "fire_us", "due_us", "kind", "attempt", "signature")

    def __init__(self, site, uid, fire_us, due_us=None, kind=SCHEDULE,
                 attempt=0, signature=None):
        self.site = site
        self.uid = uid
        self.fire_us = fire_us
        self.due_us = fire_us if due_us is None else due_us
        self.kind = kind
        self.attempt = attempt
        self.signature = signature

    @property
    def fire_time(self):
        return from_us(self.fire_us)

    @property
    def due(self):
        return from_us(self.due_us)

    @property
    def key(self):
        """Pending-queue key: ordered by due time."""
        return (self.due_us, self.site, self.uid, self.fire_us, self.kind, self.attempt)

    @property
    def claim_key(self):
        """Claims are keyed by cron first, to find a cron's running jobs."""
        return (self.site, self.uid, self.fire_us, self.kind, self.attempt)

    def __reduce__(self):
        # a plain tuple pickles small: claims and held jobs hold Jobs
        return (Job, (self.site, self.uid, self.fire_us, self.due_us, self.kind,
                      self.attempt, self.signature))

    def replace(self, **changes):
        values = {k: getattr(self, k) for k in self.__slots__}
        values.update(changes)
        return Job(**values)

    def __eq__(self, other):
        return isinstance(other, Job) and self.key == other.key

    def __hash__(self):
        return hash(self.key)

    def __repr__(self):
        return (f"<Job {self.site}/{self.uid} {self.kind} "
                f"fire={self.fire_time.isoformat()} attempt={self.attempt}>")


class Claim:
    """A claimed job: who runs it, since when, under which execution id.

    A plain value; the ZODB queue keeps it encoded as a string, written once
    when the job is claimed and removed when its outcome is recorded: a run's own
    transaction never writes it, so runs do not conflict over claims. A run
    is known to have ended by its log entry carrying the execution id.

    ``missed`` are the NOTRUN entries decided with the claim, as pairs
    (fire time µs, messages): whoever ends the claim logs them, with the
    run's entry, so that a claim writes no log record (see
    ``zcron.worker.execution.log_missed``).
    """

    __slots__ = ("job", "worker_id", "claimed_at", "execution_id", "notes", "missed")

    def __init__(self, job, worker_id, claimed_at, execution_id=None, notes=(), missed=()):
        self.job = job
        self.worker_id = worker_id
        self.claimed_at = claimed_at
        self.execution_id = execution_id
        self.notes = tuple(notes)      # messages for the run's log (missed runs)
        self.missed = tuple((int(fire_us), tuple(messages)) for fire_us, messages in missed)

    def _fields(self):
        return (self.job.key, self.worker_id, self.claimed_at, self.execution_id, self.notes,
                self.missed)

    def __eq__(self, other):
        return isinstance(other, Claim) and self._fields() == other._fields()

    def __hash__(self):
        return hash(self.execution_id)

    def __repr__(self):
        return f"<Claim {self.job!r} by {self.worker_id} ({self.execution_id})>"


def still_running(cron, claims):
    """The claims whose run has no log entry yet: a run's end is its entry."""
    return [claim for claim in claims if not cron.has_logged(claim.execution_id)]


@implementer(IWorkerInfo)
class WorkerInfo(Persistent):
    """A worker's entry: its lease is renewed by writing this record only."""

    def __init__(self, id, host, pid, started, lease_until, concurrency=1):
        self.id = id
        self.host = host
        self.pid = pid
        self.started = started
        self.lease_until = lease_until
        self.concurrency = concurrency
        self.stopping = False

    def alive(self, now):
        return self.lease_until >= now

    def __repr__(self):
        return f"<WorkerInfo {self.id} lease_until={self.lease_until.isoformat()}>"
