"""The pace of recent runs -- quick or slow, computing or waiting -- and
what follows from it: how many jobs to hold claimed, when to claim more,
which runs share a commit, and whether threads take turns in the lane."""
from zcron.worker.claiming import LOOKAHEAD

# Runs shorter than this (seconds) count as quick.
QUICK_RUN = 0.01
# Quick runs waiting together are committed together: one fsync for up to
# GROUP_MAX runs or GROUP_WINDOW seconds of them.
GROUP_WINDOW = 0.05
GROUP_MAX = 64
# A job is claimed this long before it is due (at most LOOKAHEAD): half of
# it, so that each claim takes the jobs due in the next half.
CLAIM_LEAD = LOOKAHEAD / 2


class Pace:
    """Written by pool threads after each run without a lock: each field
    is one assignment, and a stale read costs a decision, not a run."""

    def __init__(self, concurrency, batch):
        self.concurrency = concurrency
        self.batch = batch
        self.quick = False           # are recent runs quick?
        self.computing = False       # ... and mostly computing? (see Lane)
        self._quick_runners = set()  # runner names whose last run here was quick

    def observe(self, name, duration, cpu):
        """A run of runner ``name`` took ``duration`` seconds, ``cpu`` of
        them computing in its thread."""
        self.quick = duration < QUICK_RUN
        # runs waiting on I/O overlap their waits; only computing ones take turns
        self.computing = self.quick and cpu >= duration / 2
        if self.quick:
            self._quick_runners.add(name)
        else:
            self._quick_runners.discard(name)

    @property
    def capacity(self):
        """How many jobs to hold claimed: while runs are quick, a batch
        (they are committed together: one fsync for many); while they are
        slow, two per thread, leaving the rest to other workers."""
        return self.concurrency + (self.batch if self.quick else self.concurrency)

    @property
    def low_water(self):
        """Quick runs: claim more once the claimed backlog is down to this
        (a group), so that each claim transaction takes many."""
        return min(self.capacity // 2, GROUP_MAX)

    def backlog_long(self, size):
        """Whether a claimed backlog of ``size`` jobs is enough to go on
        with: the dispatcher then neither claims more nor is woken, so
        that it later completes and claims many jobs in one transaction."""
        return self.quick and size > self.low_water

    @staticmethod
    def claim_at(due):
        """When to claim a job due at ``due`` that nothing else wakes the
        dispatcher for: once it is CLAIM_LEAD ahead, so that one claim
        transaction takes every job due within the next LOOKAHEAD -- not
        one claim (and commit) per run at light load."""
        return due - CLAIM_LEAD

    def settling_waits(self, backlog_ahead):
        """Whether the dispatcher may sleep on when a run ends: quick runs
        at light load, the backlog claimed ahead of time (``backlog_ahead``),
        settle with the next claim rather than in a transaction each."""
        return self.quick and backlog_ahead

    def joins_group(self, cron):
        """Whether a run may join a group already under way. A slow run
        among quick ones would hold back their logs (and leave their crons
        looking busy) until it ends, so only runs of runners that were
        quick last time here join; any other run starts a group of its own."""
        return not cron.timeout and cron.name in self._quick_runners

    @staticmethod
    def group_full(size, seconds):
        """A group of ``size`` runs begun ``seconds`` ago commits now."""
        return seconds >= GROUP_WINDOW or size >= GROUP_MAX
