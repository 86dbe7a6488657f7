"""The restart synchronisation in chunks: several short transactions, each
retried alone, the stamp set at the end, and other writers' edits between
chunks leaving exactly one scheduled job per cron."""
from datetime import datetime, timezone

import pytest

T0 = datetime(2026, 3, 1, 12, 0, 30, tzinfo=timezone.utc)
COUNT = 2500          # three chunks of the restart's thousand


@pytest.fixture
def unsynced(db, session, site, fake_clock):
    """COUNT crons committed without their save(): the restart must queue them."""
    from zcron.components import load_crontab
    from zcron.model import Cron
    fake_clock.set(T0)
    crontab = load_crontab(site)
    uids = [crontab.add_cron(Cron(f"c{n}", "*/5 * * * *")).uid for n in range(COUNT)]
    session.tm.commit()
    return uids


def _scheduled(db):
    """uid -> the signatures of its pending scheduled jobs, from a fresh connection."""
    from zcron.components import queue_for
    from zcron.db import Session
    from zcron.queue.base import SCHEDULE
    found = {}
    with Session(db) as s:
        for job in queue_for(s.root).site_pending("default"):
            if job.kind == SCHEDULE:
                found.setdefault(job.uid, []).append(job.signature)
    return found


def _restart(db, session, after_step=None):
    """The event fired with a step of our own: ``after_step(work)`` runs after each commit."""
    from zope.event import notify
    from zcron.events import ServerRestartEvent
    from zcron.retry import transact

    def step(work):
        result = transact(session.tm, work, 5, note="restart")
        if after_step is not None:
            after_step(work)
        return result
    notify(ServerRestartEvent(db, session.root, step=step))


def _restart_notes(db):
    return [t for t in db.undoLog(0, 1000) if t["description"] == "restart"]


class TestChunks:
    def test_many_crons_commit_in_several_transactions(self, db, session, unsynced):
        _restart(db, session)
        assert len(_restart_notes(db)) >= COUNT // 1000 + 1
        scheduled = _scheduled(db)
        assert sorted(scheduled) == sorted(unsynced)
        assert all(len(sigs) == 1 for sigs in scheduled.values())

    def test_the_stamp_is_set_only_once_every_chunk_is_done(self, db, session, unsynced):
        from zcron.components import load_crontab, marker_for
        from zcron.sync import sync_stamp
        stamps = []
        _restart(db, session, lambda work: stamps.append(marker_for(session.root).stamp("default")))
        assert stamps[-1] == sync_stamp(load_crontab(session.root.get_site("default")))
        assert set(stamps[:-1]) == {None}
        jobs = len(_scheduled(db))
        _restart(db, session)              # unchanged since: nothing re-read
        assert len(_scheduled(db)) == jobs == COUNT

    def test_crons_edited_between_chunks_keep_one_scheduled_job(self, db, session, unsynced):
        from zcron.components import load_crontab
        from zcron.db import Session
        from zcron.schedule import signature
        edited = [unsynced[10], unsynced[1500], unsynced[2400]]    # done, to come, last chunk

        def edit(work):
            if not work.func.__name__.endswith("_chunk") or edit.done:
                return
            edit.done = True
            with Session(db) as other:
                crontab = load_crontab(other.root.get_site("default"))
                for uid in edited:
                    cron = crontab.get(uid)
                    cron.edit(periodicity="*/7 * * * *")
                    crontab.save_cron(cron)
                other.tm.commit()
        edit.done = False
        _restart(db, session, edit)
        scheduled = _scheduled(db)
        assert len(scheduled) == COUNT and all(len(s) == 1 for s in scheduled.values())
        crontab = load_crontab(session.root.get_site("default"))
        assert [scheduled[uid] for uid in edited] == [[signature(crontab.get(uid))]
                                                      for uid in edited]
        assert "*/7" in scheduled[edited[0]][0]

    def test_removed_crons_lose_their_jobs(self, db, session, unsynced):
        from zcron.components import load_crontab
        from zcron.model import Cron
        _restart(db, session)
        crontab = load_crontab(session.root.get_site("default"))
        for uid in unsynced[:1200]:
            crontab.remove_cron(uid)       # no save(): their jobs stay queued
        added = crontab.add_cron(Cron("new", "@daily")).uid      # the crontab changed
        session.tm.commit()
        _restart(db, session)
        assert sorted(_scheduled(db)) == sorted(unsynced[1200:] + [added])


class TestResyncThread:
    def test_the_worker_resync_commits_in_chunks_and_wakes(self, db, unsynced):
        from zcron.worker.resync import NOTE, Resync
        woken = []
        resync = Resync(db, lambda: woken.append(True))
        resync.start()
        resync.join()
        assert resync.done.is_set() and woken
        notes = [t for t in db.undoLog(0, 1000) if t["description"] == NOTE]
        assert len(notes) >= COUNT // 1000 + 1
        scheduled = _scheduled(db)
        assert len(scheduled) == COUNT and all(len(s) == 1 for s in scheduled.values())
