"""Crontab and cron managers: the queue matches the crontab."""
from datetime import datetime, timedelta, timezone

import pytest

T0 = datetime(2026, 3, 1, 12, 0, 30, tzinfo=timezone.utc)


@pytest.fixture
def crontab(site, fake_clock):
    from zcron.components import load_crontab
    fake_clock.set(T0)
    return load_crontab(site)


def _pending(session, uid=None, site="default"):
    from zcron.components import queue_for
    q = queue_for(session.root)
    if uid is None:
        return sorted(q.site_pending(site), key=lambda j: j.key)
    return q.pending(site, uid)


def _cron(name="job", expr="*/5 * * * *", **kw):
    from zcron.model import Cron
    return Cron(name, expr, **kw)


class TestCrontabManager:
    def test_verify(self, site, crontab):
        from zope.interface.verify import verifyObject
        from zcron.components import cron_manager, crontab_manager
        from zcron.interfaces import ICronManager, ICrontabManager
        cron = crontab.add_cron(_cron())
        assert verifyObject(ICrontabManager, crontab_manager(site, crontab))
        assert verifyObject(ICronManager, cron_manager(site, cron))

    def test_one_pending_job_per_active_cron(self, session, crontab):
        a = crontab.add_cron(_cron("a"))
        b = crontab.add_cron(_cron("b", "0 8 * * 1-5", timezone="Europe/Zurich"))
        off = crontab.add_cron(_cron("off", activated=False))
        crontab.save()
        session.tm.commit()
        jobs = _pending(session)
        assert [j.uid for j in jobs] == [a.uid, b.uid]
        assert jobs[0].fire_time == datetime(2026, 3, 1, 12, 5, tzinfo=timezone.utc)
        # Monday 2 March 2026, 08:00 in Zurich is 07:00 UTC
        assert jobs[1].fire_time == datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)
        assert _pending(session, off.uid) == []

    def test_saving_again_changes_nothing(self, session, crontab, fake_clock):
        from zcron.components import crontab_manager
        crontab.add_cron(_cron())
        crontab.save()
        before = _pending(session)
        fake_clock.advance(3600)      # even later: the job is kept, not moved
        assert crontab_manager(crontab.__parent__, crontab).synchronize() == 0
        assert _pending(session) == before

    def test_inactive_crontab_has_no_jobs(self, session, crontab):
        crontab.add_cron(_cron())
        crontab.save()
        crontab.activated = False
        crontab.save()
        assert _pending(session) == []
        crontab.activated = True
        crontab.save()
        assert len(_pending(session)) == 1

    def test_disable_and_remove_cron(self, session, crontab):
        cron = crontab.add_cron(_cron())
        crontab.save()
        cron.edit(activated=False)
        crontab.save_cron(cron)
        assert _pending(session) == []
        cron.edit(activated=True)
        crontab.save_cron(cron)
        assert len(_pending(session)) == 1
        crontab.remove_cron(cron.uid)
        crontab.save_cron(cron.uid)
        assert _pending(session) == []

    def test_full_save_forgets_removed_crons(self, session, crontab):
        keep, drop = crontab.add_cron(_cron("keep")), crontab.add_cron(_cron("drop"))
        crontab.save()
        crontab.remove_cron(drop.uid)
        crontab.save()
        assert [j.uid for j in _pending(session)] == [keep.uid]

    def test_changing_periodicity_or_zone_moves_the_job(self, session, crontab):
        cron = crontab.add_cron(_cron(expr="0 9 * * *"))
        crontab.save()
        assert _pending(session)[0].fire_time.hour == 9
        cron.edit(periodicity="0 10 * * *")
        crontab.save_cron(cron)
        assert [j.fire_time.hour for j in _pending(session)] == [10]
        cron.edit(timezone="America/New_York")
        crontab.save_cron(cron)
        jobs = _pending(session)
        assert len(jobs) == 1 and jobs[0].fire_time.hour == 15   # 10:00 EST

    def test_renaming_keeps_exactly_one_job(self, session, crontab):
        cron = crontab.add_cron(_cron())
        crontab.save()
        before = _pending(session)
        cron.edit(name="renamed")
        crontab.save_cron(cron)
        assert _pending(session) == before

    def test_pause_until_and_resume(self, session, crontab):
        cron = crontab.add_cron(_cron(expr="0 * * * *"))
        crontab.save()
        cron.pause(until=T0 + timedelta(hours=5), note="maintenance")
        crontab.save_cron(cron)
        assert _pending(session)[0].fire_time == datetime(2026, 3, 1, 18, tzinfo=timezone.utc)
        cron.pause(note="forever")
        crontab.save_cron(cron)
        assert _pending(session) == []
        cron.resume()
        crontab.save_cron(cron)
        assert _pending(session)[0].fire_time == datetime(2026, 3, 1, 13, tzinfo=timezone.utc)

    def test_jitter_delays_due_time_not_fire_time(self, session, crontab):
        cron = crontab.add_cron(_cron(expr="0 * * * *", jitter=30))
        crontab.save()
        job = _pending(session)[0]
        assert job.fire_time == datetime(2026, 3, 1, 13, tzinfo=timezone.utc)
        assert (job.due - job.fire_time).total_seconds() == cron.jitter_offset()
        assert 0 < cron.jitter_offset() <= 30

    def test_other_sites_untouched(self, session, crontab):
        from zcron.components import load_crontab
        from zcron.model import CronSite
        other = load_crontab(session.root.add_site(CronSite("other")))
        other.add_cron(_cron("theirs"))
        other.save()
        crontab.add_cron(_cron("ours"))
        crontab.save()
        crontab.activated = False
        crontab.save()
        assert _pending(session) == []
        assert len(_pending(session, site="other")) == 1

    def test_run_now_queues_a_manual_job(self, session, crontab, site):
        from zcron.components import cron_manager
        cron = crontab.add_cron(_cron())
        crontab.save()
        job = cron_manager(site, cron).run_now()
        assert job.kind == "manual" and job.fire_time == T0
        assert [j.kind for j in _pending(session, cron.uid)] == ["manual", "schedule"]
        assert cron.has_log_record      # here, so that the run writes only that

    def test_a_cron_without_log_record_is_claimed_with_the_cron(self, session, crontab):
        """Its job's signature says so; once the record exists (its first
        claim creates it), saving queues the same fire time, unmarked."""
        from zcron.schedule import needs_cron
        cron = crontab.add_cron(_cron())
        crontab.save()
        [first] = _pending(session, cron.uid)
        assert needs_cron(first)
        cron.log_record()
        crontab.save_cron(cron)
        [again] = _pending(session, cron.uid)
        assert again.fire_time == first.fire_time and not needs_cron(again)
        crontab.save_cron(cron)
        assert _pending(session, cron.uid) == [again]

    def test_never_firing_again_queues_nothing(self, session, crontab):
        from zcron.schedule import next_runs
        cron = crontab.add_cron(_cron(expr="0 0 29 2 *"))
        cron.pause(until=datetime(9000, 1, 1, tzinfo=timezone.utc))
        crontab.save()
        assert next_runs(cron, T0, 3)[0].year >= 9000


class TestServerRestart:
    def test_restart_twice_leaves_one_job_per_cron(self, session, crontab, site):
        from zope.event import notify
        from zcron.events import ServerRestartEvent
        crontab.add_cron(_cron("a"))
        crontab.add_cron(_cron("b", "@daily"))
        crontab.save()
        notify(ServerRestartEvent(None, session.root))
        notify(ServerRestartEvent(None, session.root))
        assert sorted(j.uid for j in _pending(session)) == sorted(c.uid for c in crontab)

    def test_restart_schedules_crons_saved_without_sync(self, session, crontab):
        """Crons written without the event (e.g. by an old script) get jobs."""
        from zope.event import notify
        from zcron.events import ServerRestartEvent
        crontab.add_cron(_cron("a"))
        crontab.save()
        raw = crontab.add_cron(_cron("raw"))       # no save(): no event
        notify(ServerRestartEvent(None, session.root))
        assert raw.uid in {j.uid for j in _pending(session)}

    def test_restart_skips_crontabs_unchanged_since_the_last_sync(self, session, crontab):
        from zope.event import notify
        from zcron.components import marker_for, queue_for
        from zcron.events import ServerRestartEvent
        from zcron.sync import sync_stamp
        cron = crontab.add_cron(_cron("a"))
        crontab.save()
        session.tm.commit()
        assert marker_for(session.root).stamp("default") == sync_stamp(crontab)
        queue_for(session.root).remove(_pending(session, cron.uid)[0])
        session.tm.commit()
        notify(ServerRestartEvent(None, session.root))     # unchanged: skipped
        assert _pending(session, cron.uid) == []
        crontab.activated = False                            # changed, not saved
        session.tm.commit()
        notify(ServerRestartEvent(None, session.root))
        crontab.activated = True
        session.tm.commit()
        notify(ServerRestartEvent(None, session.root))       # read again, all of it
        assert len(_pending(session, cron.uid)) == 1
        assert marker_for(session.root).stamp("default") == sync_stamp(crontab)

    def test_restart_reads_only_the_crons_added_since_the_last_sync(self, session, crontab):
        from zope.event import notify
        from zcron.components import marker_for, queue_for
        from zcron.events import ServerRestartEvent
        from zcron.sync import sync_stamp
        old = crontab.add_cron(_cron("old"))
        crontab.save()
        session.tm.commit()
        queue_for(session.root).remove(_pending(session, old.uid)[0])
        saved = crontab.add_cron(_cron("saved"))
        crontab.save_cron(saved)                             # the stamp is behind
        raw = crontab.add_cron(_cron("raw"))                 # no save: no job yet
        session.tm.commit()
        notify(ServerRestartEvent(None, session.root))
        assert [j.uid for j in _pending(session)] == sorted([saved.uid, raw.uid])
        assert marker_for(session.root).stamp("default") == sync_stamp(crontab)

    def test_a_site_made_and_filled_in_one_transaction_is_not_read_again(self, session):
        from zope.event import notify
        from zcron.components import load_crontab, queue_for
        from zcron.events import ServerRestartEvent
        from zcron.model import CronSite
        crontab = load_crontab(session.root.add_site(CronSite("fresh")))
        cron = crontab.add_cron(_cron("a"))
        crontab.save()
        session.tm.commit()
        queue_for(session.root).remove(queue_for(session.root).pending("fresh", cron.uid)[0])
        session.tm.commit()
        notify(ServerRestartEvent(None, session.root))      # its stamp holds: skipped
        assert queue_for(session.root).pending("fresh", cron.uid) == []

    def test_a_crontab_replaced_is_read_again_whole(self, session, site, crontab):
        from zope.event import notify
        from zcron.components import registry_for
        from zcron.events import ServerRestartEvent
        from zcron.model import Crontab
        crontab.add_cron(_cron("a"))
        crontab.save()
        session.tm.commit()
        fresh = Crontab(site="default")
        crons = [fresh.add_cron(_cron(f"n{n}")) for n in range(3)]
        registry_for(site).save(fresh)                       # no event: no jobs
        session.tm.commit()
        notify(ServerRestartEvent(None, session.root))
        assert {j.uid for j in _pending(session)} == {c.uid for c in crons}

    def test_restart_reads_a_crontab_switched_without_save(self, session, crontab):
        from zope.event import notify
        from zcron.events import ServerRestartEvent
        cron = crontab.add_cron(_cron("a"))
        crontab.save()
        session.tm.commit()
        crontab.activated = False                            # no save(): no event
        session.tm.commit()
        notify(ServerRestartEvent(None, session.root))
        assert _pending(session, cron.uid) == []

    def test_without_a_step_all_is_in_the_callers_transaction(self, session, crontab):
        """Hosts firing the event keep its work in their own transaction."""
        from zope.event import notify
        from zcron.components import marker_for
        from zcron.events import ServerRestartEvent
        for n in range(1500):                     # more than one chunk
            crontab.add_cron(_cron(f"c{n}"))
        session.tm.commit()                       # committed without sync
        transactions = len(session.db.undoLog(0, 100))
        notify(ServerRestartEvent(None, session.root))
        assert len(_pending(session)) == 1500
        session.tm.abort()
        assert _pending(session) == [] and marker_for(session.root).stamp("default") is None
        assert len(session.db.undoLog(0, 100)) == transactions      # none committed

    def test_no_stamp_for_a_crontab_that_is_not_persistent(self):
        from zcron.sync import sync_stamp
        assert sync_stamp(object()) is None

    def test_restart_forgets_removed_sites(self, session, crontab):
        from zope.event import notify
        from zcron.components import marker_for
        from zcron.events import ServerRestartEvent
        crontab.add_cron(_cron())
        crontab.save()
        session.tm.commit()
        notify(ServerRestartEvent(None, session.root))
        assert marker_for(session.root).stamp("default") is not None
        session.root.remove_site("default")
        notify(ServerRestartEvent(None, session.root))
        assert _pending(session) == [] and marker_for(session.root).sites() == []
        assert marker_for(session.root).stamp("default") is None

    def test_restart_forgets_held_jobs_of_removed_sites(self, session, crontab):
        from zope.event import notify
        from zcron.components import queue_for
        from zcron.events import ServerRestartEvent
        from zcron.queue.base import QUEUED, Job
        cron = crontab.add_cron(_cron())
        crontab.save()
        queue_for(session.root).hold(Job("default", cron.uid, 0, kind=QUEUED))
        session.root.remove_site("default")
        notify(ServerRestartEvent(None, session.root))
        assert queue_for(session.root).held() == [] and _pending(session) == []

    def test_remove_site_clears_what_is_queued_for_it(self, session, crontab):
        from zcron.components import marker_for, queue_for
        from zcron.queue.base import QUEUED, Job
        from zcron.sync import remove_site
        cron = crontab.add_cron(_cron())
        crontab.save()
        q = queue_for(session.root)
        q.hold(Job("default", cron.uid, 0, kind=QUEUED))
        q.claim(Job("default", cron.uid, 1), "w", T0)
        assert remove_site(session.root, "default") == 2      # scheduled + held
        assert "default" not in session.root.sites and marker_for(session.root).sites() == []
        assert q.held() == [] and _pending(session) == []
        assert len(q.claimed()) == 1         # a run in progress ends as usual

    def test_concurrent_restarts_over_zeo(self, zeo_server, zca, fake_clock):
        """Several workers firing ServerRestart at once: one job per cron."""
        import threading
        from ZODB.POSException import ConflictError
        from zope.event import notify
        from zcron.components import load_crontab, queue_for
        from zcron.db import Session, open_db
        from zcron.events import ServerRestartEvent
        from zcron.model import CronSite
        fake_clock.set(T0)
        db = open_db(zeo_server.uri)
        with Session(db) as s:
            crontab = load_crontab(s.root.add_site(CronSite("default")))
            for n in range(20):
                crontab.add_cron(_cron(f"c{n}"))
            s.tm.commit()                     # committed without sync

        def restart():
            with Session(db) as s:
                for _ in range(20):
                    s.tm.begin()
                    notify(ServerRestartEvent(db, s.root))
                    try:
                        s.tm.commit()
                        return
                    except ConflictError:
                        s.tm.abort()
        threads = [threading.Thread(target=restart) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with Session(db) as s:
            jobs = list(queue_for(s.root).site_pending("default"))
            assert len(jobs) == 20 and len({j.uid for j in jobs}) == 20
        db.close()


class TestCost:
    def test_saving_one_cron_of_many_writes_few_objects(self, session, crontab):
        """Saving one cron of a large crontab touches O(1) records."""
        for n in range(3000):
            crontab.add_cron(_cron(f"c{n}"))
        crontab.save()
        session.tm.commit()
        written = []
        cron = crontab.find(name="c1500")[0]
        cron.edit(periodicity="*/7 * * * *")
        crontab.save_cron(cron)
        session.tm.get().addBeforeCommitHook(
            lambda: written.extend(session.conn._registered_objects))
        session.tm.commit()
        # the cron, and a few BTree buckets and counters of its shard of the
        # queue (old and new entries may sit in different buckets)
        assert 1 <= len(written) <= 12, written
        assert not [o for o in written if type(o).__name__ in ("Crontab", "Cron")
                    and o is not cron]
