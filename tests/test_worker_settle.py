"""Completing a finished claim: the cron's held run is queued once no run
of the cron goes on, and waits on while one does."""
from zcron.components import queue_for
from zcron.queue.base import QUEUED, Job
from zcron.worker.settle import complete

UID = "a" * 32


def test_held_run_waits_for_the_last_running(session, site, fake_clock):
    q = queue_for(session.root)
    first, second = (Job("default", UID, fire, kind="manual") for fire in (1, 2))
    for job in (first, second):
        q.put(job)
        q.claim(job, "w1", fake_clock.now())
    q.hold(Job("default", UID, 3, kind=QUEUED))
    complete(q, first)
    assert [job.fire_us for job in q.held()] == [3]       # the second still runs
    assert q.pending("default", UID) == []
    complete(q, second)
    assert q.held() == []
    assert [(job.fire_us, job.kind) for job in q.pending("default", UID)] == [(3, QUEUED)]


def test_without_a_held_run_only_the_claim_goes(session, site, fake_clock):
    q = queue_for(session.root)
    job = Job("default", UID, 1, kind="manual")
    q.put(job)
    q.claim(job, "w1", fake_clock.now())
    complete(q, job)
    assert (q.running("default", UID), q.held(), q.pending("default", UID)) == ([], [], [])
