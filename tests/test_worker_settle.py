"""Completing a finished claim: the cron's held run is queued once no run
of the cron goes on, and waits on while one does; a claim released
unstarted logs the NOTRUN entries it carries."""
from zcron.components import queue_for
from zcron.model.timeutil import from_us
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


def test_a_released_claim_logs_the_notrun_it_carries(session, site, fake_clock):
    """A claim given back unstarted (its worker stopping) logs its missed
    fire times at once: the job put back will not decide them again."""
    import zcron
    from zcron.components import load_crontab
    from zcron.worker.book import ClaimBook
    from zcron.worker.session import Tx
    from zcron.worker.settle import Settler
    crontab = load_crontab(site)
    cron = crontab.add_cron(zcron.Cron("ok", "0 0 1 1 *"))
    crontab.save()
    q = queue_for(session.root)
    job = Job("default", cron.uid, 2_000_000, kind="manual")
    q.put(job)
    q.claim(job, "w1", fake_clock.now(), missed=[(1_000_000, ["missed: one"])])
    tx = Tx(session.root)
    Settler(ClaimBook()).released(tx, job)
    missed, = cron.logs
    assert (missed.status, missed.messages) == ("NOTRUN", ["missed: one"])
    assert missed.fire_time == from_us(1_000_000) and missed.date == fake_clock.now()
    assert [event.log for event in tx.events] == [missed] and q.get_claim(job) is None
