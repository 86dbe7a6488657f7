"""The pace of recent runs -- quick or slow, computing or waiting -- and
what follows from it: how many jobs to hold claimed, when to claim more,
which runs share a commit, and whether threads take turns in the lane."""
import time
from datetime import timedelta

from zcron.worker.claiming import LIGHT_LOOKAHEAD, LOOKAHEAD

# Runs shorter than this (seconds) count as quick.
QUICK_RUN = 0.01
# Quick runs waiting together are committed together: one fsync for up to
# GROUP_MAX runs or GROUP_WINDOW seconds of them.
GROUP_WINDOW = 0.05
GROUP_MAX = 64
# A pool thread takes a job this long before its due time: it begins the
# transaction and loads the job's claim and cron, then runs it when due.
# A group under way takes the jobs due this soon the same way, instead of
# committing as they come due: a commit's fsync holds the FileStorage,
# and loads meanwhile wait for it.
PREPARE_AHEAD = timedelta(milliseconds=5)
# At light load a claim is made this long before its soonest job is due,
# and takes the jobs due within LIGHT_LOOKAHEAD: the rest of half a second.
CLAIM_LEAD = LOOKAHEAD / 2
# Quick runs at this rate (runs/s, over RATE_WINDOW seconds) or below are
# light load. At 1,000 runs/s the soak fell behind for good with the
# light-load rules (their larger claim transactions and later settling
# held up the runs due meanwhile).
LIGHT_RATE = 400
RATE_WINDOW = 1.0
# Quick runs: a worker holds claimed about this many seconds of its own
# runs, at its recent rate (a group at least, a batch at most). Holding
# a whole batch at any rate, a worker falling behind held jobs for
# seconds that another could have run, and that other's claims of 512
# grew long and lost every conflict to the holder's short ones (two
# workers under a steady load it could not keep up with: 0 / 100 %).
HOLD_SECONDS = 0.5


class Pace:
    """Written by pool threads after each run without a lock: each field
    is one assignment, and a stale read costs a decision, not a run."""

    def __init__(self, concurrency, batch, monotonic=time.monotonic):
        self.concurrency = concurrency
        self.batch = batch
        self.rate = float("inf")     # runs/s over the last window (none yet: not light)
        self._monotonic = monotonic
        self._window = (monotonic(), 0)  # (its start, runs since)
        self.quick = False           # are recent runs quick?
        self.computing = False       # ... and mostly computing? (see Lane)
        self._quick_runners = set()  # runner names whose last run here was quick

    def observe(self, name, duration, cpu):
        """A run of runner ``name`` took ``duration`` seconds, ``cpu`` of
        them computing in its thread."""
        self._count()
        self.quick = duration < QUICK_RUN
        # runs waiting on I/O overlap their waits; only computing ones take turns
        self.computing = self.quick and cpu >= duration / 2
        if self.quick:
            self._quick_runners.add(name)
        else:
            self._quick_runners.discard(name)

    def _count(self):
        now, (start, runs) = self._monotonic(), self._window
        if now - start < RATE_WINDOW:
            self._window = (start, runs + 1)
        else:
            self.rate = (runs + 1) / (now - start)
            self._window = (now, 0)

    @property
    def capacity(self):
        """How many jobs to hold claimed: while runs are quick, up to a
        batch (they are committed together: one fsync for many), as many
        as HOLD_SECONDS of runs at the recent rate (no rate yet: a batch);
        while they are slow, two per thread, leaving the rest to other
        workers."""
        if not self.quick:
            return 2 * self.concurrency
        held = self.rate * HOLD_SECONDS
        return self.concurrency + (self.batch if held >= self.batch
                                   else max(GROUP_MAX, int(held)))

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

    @property
    def light(self):
        """Light load: quick runs, LIGHT_RATE a second at most."""
        return self.quick and self.rate <= LIGHT_RATE

    @property
    def lookahead(self):
        """How far ahead of their due time jobs are claimed."""
        return LIGHT_LOOKAHEAD if self.light else LOOKAHEAD

    def claim_at(self, due):
        """When to claim a job due at ``due`` that nothing else wakes the
        dispatcher for: at light load CLAIM_LEAD ahead, so that one claim
        transaction takes the jobs due until LIGHT_LOOKAHEAD, not one claim
        (and commit) per run; else LOOKAHEAD ahead."""
        return due - (CLAIM_LEAD if self.light else LOOKAHEAD)

    def settling_waits(self, backlog_ahead):
        """Whether the dispatcher may sleep on when a run ends: at light
        load, the backlog claimed ahead of time (``backlog_ahead``),
        finished claims are settled with the next claim rather than in a
        transaction each."""
        return backlog_ahead and self.light

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
