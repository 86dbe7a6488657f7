"""The pace of recent runs and what follows from it."""
import pytest

from zcron.model import Cron


def _pace(concurrency=4, batch=512):
    from zcron.worker.pace import Pace
    return Pace(concurrency, batch)


class _Clock:
    """A monotonic clock moved by hand."""

    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def _timed_pace():
    from zcron.worker.pace import Pace
    clock = _Clock()
    return Pace(4, 512, monotonic=clock), clock


def _runs(pace, clock, per_second, duration=0.001):
    """One RATE_WINDOW of runs at ``per_second``, evenly spread; the last
    ends the window."""
    from zcron.worker.pace import RATE_WINDOW
    count, start = int(per_second * RATE_WINDOW), clock.t
    for n in range(1, count + 1):
        clock.t = start + RATE_WINDOW * n / count
        pace.observe("ok", duration=duration, cpu=duration)


class TestPace:
    def test_slow_runs_hold_two_claims_per_thread(self):
        pace = _pace()
        assert not pace.quick and pace.capacity == 8 and pace.low_water == 4
        assert not pace.backlog_long(100)     # the dispatcher is woken by every run

    def test_quick_runs_hold_a_batch_and_claim_again_at_one_group(self):
        from zcron.worker.pace import GROUP_MAX
        pace = _pace()
        pace.observe("ok", duration=0.001, cpu=0.001)
        assert pace.quick and pace.computing
        assert pace.capacity == 4 + 512 and pace.low_water == GROUP_MAX
        assert pace.backlog_long(GROUP_MAX + 1) and not pace.backlog_long(GROUP_MAX)

    def test_quick_runs_hold_what_the_recent_rate_starts_soon(self):
        """A worker running 186 quick runs a second holds 93 claimed (and
        its threads' share), not a batch of 512 that would wait seconds
        while another worker could run them; a group at the least."""
        from zcron.worker.pace import GROUP_MAX, HOLD_SECONDS
        pace, clock = _timed_pace()
        _runs(pace, clock, per_second=186)
        _runs(pace, clock, per_second=186)
        assert pace.capacity == 4 + int(186 * HOLD_SECONDS) == 4 + 93
        assert pace.low_water == (4 + 93) // 2
        _runs(pace, clock, per_second=20)
        assert pace.capacity == 4 + GROUP_MAX
        _runs(pace, clock, per_second=5_000)
        assert pace.capacity == 4 + 512

    def test_quick_runs_that_wait_do_not_compute(self):
        pace = _pace()
        pace.observe("waits", duration=0.005, cpu=0.0001)
        assert pace.quick and not pace.computing

    def test_only_runners_quick_last_time_join_a_group(self):
        pace, cron = _pace(), Cron("ok", "* * * * *")
        assert not pace.joins_group(cron)
        pace.observe("ok", duration=0.001, cpu=0.001)
        assert pace.joins_group(cron)
        assert not pace.joins_group(Cron("ok", "* * * * *", timeout=5))
        pace.observe("ok", duration=1.0, cpu=1.0)
        assert not pace.quick and not pace.joins_group(cron)

    def test_light_load_is_quick_runs_at_a_few_hundred_a_second(self):
        from zcron.worker.pace import LIGHT_RATE
        pace, clock = _timed_pace()
        pace.observe("ok", duration=0.001, cpu=0.001)
        assert pace.quick and not pace.light        # no rate measured yet
        _runs(pace, clock, per_second=LIGHT_RATE - 1)    # and the one above
        assert pace.light and pace.rate == LIGHT_RATE
        _runs(pace, clock, per_second=LIGHT_RATE + 100)
        assert not pace.light
        _runs(pace, clock, per_second=10, duration=1.0)
        assert not pace.light                       # slow runs

    def test_settling_waits_at_light_load_for_a_backlog_claimed_ahead(self):
        pace, clock = _timed_pace()
        _runs(pace, clock, per_second=200)
        assert pace.settling_waits(True)
        assert not pace.settling_waits(False)       # a job is due: claim more
        _runs(pace, clock, per_second=1000)
        assert not pace.settling_waits(True)

    def test_jobs_are_claimed_half_a_lookahead_ahead_at_light_load(self):
        from datetime import datetime, timezone

        from zcron.worker.claiming import LOOKAHEAD
        due, (pace, clock) = datetime(2026, 3, 1, tzinfo=timezone.utc), _timed_pace()
        assert due - pace.claim_at(due) == LOOKAHEAD
        _runs(pace, clock, per_second=200)
        assert due - pace.claim_at(due) == LOOKAHEAD / 2

    def test_jobs_are_claimed_further_ahead_at_light_load(self):
        """One claim transaction then takes the jobs of most of a second."""
        from zcron.worker.claiming import LIGHT_LOOKAHEAD, LOOKAHEAD
        pace, clock = _timed_pace()
        assert pace.lookahead == LOOKAHEAD
        _runs(pace, clock, per_second=200)
        assert pace.lookahead == LIGHT_LOOKAHEAD
        _runs(pace, clock, per_second=1000)
        assert pace.lookahead == LOOKAHEAD

    @pytest.mark.parametrize("size, seconds, full", [(1, 0.0, False), (64, 0.0, True),
                                                    (2, 0.05, True)])
    def test_group_full(self, size, seconds, full):
        assert _pace().group_full(size, seconds) is full
