"""zcron.worker.claiming: a claim transaction's length is bounded."""
from zcron.components import queue_for
from zcron.model.timeutil import to_us
from zcron.queue.base import Job
from zcron.worker.claiming import CLAIM_BUDGET, Claimer
from zcron.worker.session import Tx

JOBS = 10


def _claimed(session, fake_clock, monotonic):
    """Jobs claimed out of JOBS due "run now" jobs, all wanted."""
    q = queue_for(session.root)
    now_us = to_us(fake_clock.now())
    for n in range(JOBS):
        q.put(Job("default", f"{n:032x}", now_us, kind="manual"))
    claims = Claimer("w1", 512, monotonic=monotonic).claim(Tx(session.root), JOBS)
    return len(claims.jobs), len(q.claimed())


def test_deciding_stops_after_the_budget(session, site, fake_clock):
    """Each decision here takes 0.4 budgets: the fourth would start past
    the budget, so three are taken, and claimed."""
    ticks = iter(n * 0.4 * CLAIM_BUDGET for n in range(100))
    assert _claimed(session, fake_clock, lambda: next(ticks)) == (3, 3)


def test_one_job_is_decided_however_slow(session, site, fake_clock):
    ticks = iter(n * 10 * CLAIM_BUDGET for n in range(100))
    assert _claimed(session, fake_clock, lambda: next(ticks)) == (1, 1)


def test_quick_decisions_take_all_that_is_wanted(session, site, fake_clock):
    assert _claimed(session, fake_clock, lambda: 0.0) == (JOBS, JOBS)
