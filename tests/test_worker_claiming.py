"""zcron.worker.claiming: a claim transaction's length is bounded."""
from zcron.components import queue_for
from zcron.model.timeutil import from_us, to_us
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


def test_jobs_due_within_the_lookahead_given_are_claimed(session, site, fake_clock):
    """The pace says how far ahead (LIGHT_LOOKAHEAD at light load)."""
    from zcron.worker.claiming import LIGHT_LOOKAHEAD, LOOKAHEAD
    q, now = queue_for(session.root), fake_clock.now()
    for n, ahead in enumerate([LOOKAHEAD, LIGHT_LOOKAHEAD, LIGHT_LOOKAHEAD * 2]):
        q.put(Job("default", f"{n:032x}", to_us(now + ahead), kind="manual"))
    claimer = Claimer("w1", 512)
    assert len(claimer.claim(Tx(session.root), JOBS).jobs) == 1
    claims = claimer.claim(Tx(session.root), JOBS, lookahead=LIGHT_LOOKAHEAD)
    assert [from_us(job.due_us) - now for job in claims.jobs] == [LIGHT_LOOKAHEAD]


class TestPrefetch:
    """Over a network, the crons and logs that late jobs' decisions read
    are asked for in bulk before deciding; on-time jobs read neither."""

    def test_late_jobs_crons_and_logs_are_asked_for_together(self, zeo_server, zca,
                                                             fake_clock):
        from datetime import datetime, timedelta, timezone

        import zcron
        from zcron.components import load_crontab
        from zcron.db import Session, open_db
        from zcron.model import CronSite
        t0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
        fake_clock.set(t0)
        db = open_db(zeo_server.uri)
        try:
            with Session(db) as session:
                site = session.root.add_site(CronSite("default"))
                crontab = load_crontab(site)
                late = [crontab.add_cron(zcron.Cron("ok", "* * * * * *")) for _ in range(3)]
                on_time = crontab.add_cron(zcron.Cron("ok", "0 0 1 1 *"))
                for cron in late:
                    cron.log_record()
                crontab.save()
                session.tm.commit()
                late_uids = {cron.uid for cron in late}
                fake_clock.set(t0 + timedelta(seconds=2.5))   # 3 fire times due each
                queue_for(session.root).put(Job("default", on_time.uid,
                                                to_us(fake_clock.now()), kind="manual"))
                session.tm.commit()
            session = Session(db)
            asked = []
            session.conn.prefetch = lambda objects: asked.append(list(objects))
            claims = Claimer("w1", 512, prefetches=True).claim(Tx(session.root), 512)
            crons, logs = asked
            assert {cron.uid for cron in crons} == late_uids
            assert sorted(log._p_oid for log in logs) == sorted(
                cron.log_record()._p_oid for cron in crons)
            assert len(claims.jobs) == 4
            session.close()
        finally:
            db.close()

    def test_without_a_network_nothing_is_asked_for(self, session, site, fake_clock):
        asked = []
        session.conn.prefetch = lambda objects: asked.append(objects)
        q = queue_for(session.root)
        q.put(Job("default", f"{1:032x}", to_us(fake_clock.now()), kind="manual"))
        Claimer("w1", 512).claim(Tx(session.root), 1)
        assert asked == []


class TestNotRunAndTheDigest:
    """A claim carries the NOTRUN entries decided with it, for its run's
    transaction to log: the cron's log record and the crontab's digest
    stay as they were. A NOTRUN decided alone is logged at once, and is
    the digest's last entry."""

    def _late_by(self, session, site, fake_clock, expression, seconds, missed):
        from datetime import timedelta

        import zcron
        from zcron.components import load_crontab
        from zcron.interfaces import OK
        from zcron.model.digest import STATUS, table
        from zcron.model.log import Log
        crontab = load_crontab(site)
        cron = crontab.add_cron(zcron.Cron("ok", expression, missed=missed))
        cron.add_log(Log(fake_clock.now(), OK, []))
        crontab.save()
        session.tm.commit()
        assert table(crontab)[cron.uid][STATUS] == OK
        fake_clock.set(fake_clock.now() + timedelta(seconds=seconds))
        claims = Claimer("w1", 512).claim(Tx(session.root), 512)
        self.log_written = cron.log_record()._p_changed
        return claims, cron.last_log().status, table(crontab)[cron.uid][STATUS]

    def test_a_run_claimed_with_it_carries_it(self, session, site, fake_clock):
        claims, newest, shown = self._late_by(session, site, fake_clock, "* * * * * *", 2.5,
                                              "once")
        assert len(claims.jobs) == 1
        assert (newest, shown, self.log_written) == ("OK", "OK", False)
        (fire_us, messages), = queue_for(session.root).get_claim(claims.jobs[0]).missed
        assert fire_us < claims.jobs[0].fire_us
        assert messages == ("missed: fire time %s (workers were down or busy; policy 'once')"
                            % from_us(fire_us).isoformat(),)

    def test_alone_it_is_the_digests_last_entry(self, session, site, fake_clock):
        # the minute's fire time, 45 s late: past the grace of 'skip'
        fake_clock.set(fake_clock.now().replace(second=0, microsecond=0))
        claims, newest, shown = self._late_by(session, site, fake_clock, "* * * * *", 105,
                                              "skip")
        assert claims.jobs == []
        assert newest == "NOTRUN" and shown == "NOTRUN"
