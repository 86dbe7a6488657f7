"""The index of crons that can alert: kept as crons are added, edited and
removed, built for crontabs made before it, and what the alert check
reads with it (a cron it does not read stays a ghost)."""
import zcron
from test_alerts import HOUR, T0, add, crontab  # noqa: F401 (fixture)


def indexed(db):
    """The index's uids as stored (a connection of its own), None if unbuilt."""
    from zcron.components import load_crontab
    from zcron.db import get_root
    from zcron.model.indexes import alerting_uids
    with db.transaction() as conn:
        uids = alerting_uids(load_crontab(get_root(conn).get_site("default")))
        return None if uids is None else set(uids)


def check_now(session, now):
    """The events of one check at ``now``, committed; (kind, cron name)."""
    from zcron.alerts.check import check
    from zcron.components import queue_for
    from zcron.worker.crons import Crons
    root = session.root
    events = check(root, queue_for(root), Crons(root), now)
    session.tm.commit()
    return [(type(event).__name__, event.cron.name) for event in events]


def unindex(session, crontab):
    """Make the crontab one made before the index."""
    del crontab._alerting
    session.tm.commit()


class TestKept:
    def test_added_edited_removed(self, db, session, crontab):
        watched = add(session, crontab, "watched", alert_no_success=60)
        running = add(session, crontab, "running", alert_running=60)
        plain = add(session, crontab, "plain")
        assert indexed(db) == {watched.uid, running.uid}
        plain.edit(alert_no_success=3600)
        watched.edit(alert_no_success=None)
        crontab.save_cron(plain)
        session.tm.commit()
        assert indexed(db) == {running.uid, plain.uid}
        running.edit(alert_running=None, alert_no_success=5)     # still one set
        crontab.remove_cron(plain.uid)
        crontab.save()
        session.tm.commit()
        assert indexed(db) == {running.uid}

    def test_other_edits_leave_it(self, db, session, crontab):
        watched = add(session, crontab, "watched", alert_no_success=60)
        watched.edit(name="renamed", environ={"a": 1})
        session.tm.commit()
        assert indexed(db) == {watched.uid}


class TestCheckReads:
    def test_only_the_crons_that_can_alert(self, session, crontab, fake_clock):
        fake_clock.set(T0)
        watched = add(session, crontab, "watched", alert_no_success=3600).uid
        plain = add(session, crontab, "plain").uid
        session.conn.cacheMinimize()        # every cron a ghost
        assert check_now(session, T0 + 2 * HOUR) == [("CronOverdueEvent", "watched")]
        assert crontab._crons[plain]._p_changed is None       # never loaded
        assert crontab._crons[watched]._p_changed is not None

    def test_a_site_default_reads_every_cron(self, session, site, crontab, fake_clock):
        from zcron.model.defaults import set_defaults
        fake_clock.set(T0)
        add(session, crontab, "plain")
        set_defaults(site, {"alert_no_success": 3600})
        session.tm.commit()
        assert check_now(session, T0 + 2 * HOUR) == [("CronOverdueEvent", "plain")]
        set_defaults(site, {"alert_no_success": None})
        session.tm.commit()
        assert check_now(session, T0 + 3 * HOUR) == []
        assert _episodes(session) == []         # closed though no longer indexed
        set_defaults(site, {"alert_no_success": 3600})
        session.tm.commit()
        assert check_now(session, T0 + 4 * HOUR) == [("CronOverdueEvent", "plain")]

    def test_episodes_close_when_the_alert_goes(self, session, crontab, fake_clock):
        fake_clock.set(T0)
        edited = add(session, crontab, "edited", alert_no_success=3600)
        removed = add(session, crontab, "removed", alert_no_success=3600)
        assert len(check_now(session, T0 + 2 * HOUR)) == 2
        edited.edit(alert_no_success=None)
        crontab.remove_cron(removed.uid)
        crontab.save()
        session.tm.commit()
        assert check_now(session, T0 + 3 * HOUR) == []
        assert _episodes(session) == []


def _episodes(session):
    from zcron.alerts.state import alert_book
    return list(alert_book(session.root).overdue.keys())


class TestBuilt:
    def test_in_chunks_for_an_older_crontab(self, db, session, crontab):
        from zcron.model.indexes import build_alerting
        crons = [add(session, crontab, f"c{n}", alert_no_success=60 if n % 2 else None)
                 for n in range(5)]
        unindex(session, crontab)
        assert indexed(db) is None
        assert build_alerting(crontab, 2) is False
        session.tm.commit()
        assert indexed(db) is None                    # not complete: not used
        crons[4].edit(alert_no_success=60)            # beyond the build: kept too
        assert build_alerting(crontab, 2) is False
        assert build_alerting(crontab, 2) is True
        session.tm.commit()
        assert indexed(db) == {crons[1].uid, crons[3].uid, crons[4].uid}

    def test_unbuilt_the_check_reads_every_cron(self, session, crontab, fake_clock):
        fake_clock.set(T0)
        add(session, crontab, "watched", alert_no_success=3600)
        unindex(session, crontab)
        assert check_now(session, T0 + 2 * HOUR) == [("CronOverdueEvent", "watched")]

    def test_by_the_worker_before_its_first_check(self, db, session, crontab, zca,
                                                  fake_clock):
        from zcron.worker import Worker
        from zcron.interfaces import ICronAlertEvent
        seen = []
        zcron.add_subscriber(lambda event: seen.append(event.cron.name), ICronAlertEvent)
        fake_clock.set(T0)
        watched = add(session, crontab, "watched", alert_no_success=3600)
        add(session, crontab, "plain")
        unindex(session, crontab)
        fake_clock.set(T0 + 2 * HOUR)
        Worker(db, concurrency=1).run(until_idle=True, max_seconds=30)
        session.tm.abort()
        assert indexed(db) == {watched.uid}
        assert seen == ["watched"]


class TestStopping:
    def test_a_check_cut_short_keeps_nothing(self, db, session, crontab, fake_clock):
        """A check a stopping worker abandons (one reading every cron, for
        a site default, may take long): nothing it decided is committed,
        no episode closed."""
        import pytest
        from zcron.alerts.check import Stopped, check
        from zcron.components import queue_for
        from zcron.worker.crons import Crons
        fake_clock.set(T0)
        add(session, crontab, "late", alert_no_success=3600)
        assert check_now(session, T0 + 2 * HOUR) == [("CronOverdueEvent", "late")]
        crontab.get(crontab.find(name="late")[0].uid).edit(alert_no_success=None)
        session.tm.commit()
        root = session.root
        with pytest.raises(Stopped):
            check(root, queue_for(root), Crons(root), T0 + 3 * HOUR, stopping=lambda: True)
        session.tm.abort()
        assert len(_episodes(session)) == 1          # not closed by a partial check
        assert check_now(session, T0 + 3 * HOUR) == []
        assert _episodes(session) == []
