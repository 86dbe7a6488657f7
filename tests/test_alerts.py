"""Alerts in-process: the fields and site defaults, the last-success
stamp, the rules, and a worker's check firing each event once (FakeClock)."""
import threading
from datetime import datetime, timedelta, timezone

import pytest

import zcron
from zcron.exceptions import InvalidInput

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)
YEARLY = "0 0 1 1 *"
SEEN = []
RUN_LONG = threading.Event()


class Ok(zcron.Runner):
    def run(self):
        pass


class TakesHours(zcron.Runner):
    """Moves the fake clock on by hours, then waits for its alert."""

    def run(self):
        from zcron.clock import get_clock
        get_clock().advance(hours=3)
        RUN_LONG.wait(20)


@pytest.fixture
def alerts_seen(zca):
    from zcron.interfaces import ICronAlertEvent
    del SEEN[:]
    RUN_LONG.clear()

    def seen(event):
        SEEN.append((type(event).__name__, event.cron.name))
        if type(event).__name__ == "CronRunningLongEvent":
            RUN_LONG.set()
    zcron.add_subscriber(seen, ICronAlertEvent)
    zcron.add_runner("ok", Ok)
    zcron.add_runner("hours", TakesHours)
    return SEEN


@pytest.fixture
def crontab(site):
    from zcron.components import load_crontab
    return load_crontab(site)


def add(session, crontab, name, expr=YEARLY, **fields):
    cron = crontab.add_cron(zcron.Cron(name, expr, **fields))
    crontab.save_cron(cron)
    session.tm.commit()
    return cron


class TestFields:
    def test_durations_checked_and_dumped(self):
        cron = zcron.Cron("x", YEARLY, alert_no_success=86400, alert_running=60.5)
        assert (cron.dump()["alert_no_success"], cron.dump()["alert_running"]) == \
            (86400, 60.5)
        assert zcron.Cron.load(cron.dump()).alert_running == 60.5
        for bad in (-1, 0, "1d", True):
            with pytest.raises(InvalidInput, match="alert_no_success"):
                zcron.Cron("x", YEARLY, alert_no_success=bad)
        assert zcron.Cron("x", YEARLY).alert_no_success is None

    def test_site_defaults_and_effective(self, session, site, crontab):
        from zcron.model.defaults import effective, set_defaults, site_defaults
        own = add(session, crontab, "own", alert_no_success=60)
        plain = add(session, crontab, "plain")
        assert effective(plain, "alert_no_success") is None
        assert set_defaults(site, {"alert_no_success": 3600}) == {"alert_no_success": 3600}
        assert (effective(own, "alert_no_success"), effective(plain, "alert_no_success")) \
            == (60, 3600)
        with pytest.raises(InvalidInput, match="no site default for this field"):
            set_defaults(site, {"missed": "all"})
        with pytest.raises(InvalidInput, match="alert_running"):
            set_defaults(site, {"alert_running": -5})
        assert site_defaults(site) == {"alert_no_success": 3600}
        set_defaults(site, {"alert_no_success": None})
        assert site_defaults(site) == {}

    def test_defaults_dumped_with_the_crontab(self, session, site, crontab):
        from zcron.model import Crontab
        from zcron.model.defaults import set_defaults
        assert "defaults" not in crontab.dump()
        set_defaults(site, {"alert_running": 7200})
        dump = crontab.dump()
        assert dump["defaults"] == {"alert_running": 7200}
        assert Crontab.load(dump).loaded_defaults == {"alert_running": 7200}
        with pytest.raises(InvalidInput, match="no site default"):
            Crontab.load(dict(dump, defaults={"name": "x"}))


class TestLastSuccess:
    def test_stamped_by_ok_and_warn_only(self, fake_clock):
        from zcron.model import Log
        cron = zcron.Cron("x", YEARLY, logs_limit=1)
        assert cron.last_success is None
        cron.add_log(Log(T0, "WARN"))
        cron.add_log(Log(T0 + HOUR, "FAILURE"))
        cron.add_log(Log(T0 + 2 * HOUR, "NOTRUN"))
        assert cron.last_success == T0       # the entry itself was pruned
        cron.add_log(Log(T0 + 3 * HOUR, "OK"))
        assert cron.last_success == T0 + 3 * HOUR

    def test_concurrent_logs_keep_the_later_stamp(self):
        from zcron.model import Log
        from zcron.model.logs import CronLogs
        old = CronLogs()
        committed, new = CronLogs(), CronLogs()
        committed.add(Log(T0 + HOUR, "OK"), 10)
        new.add(Log(T0, "OK"), 10)
        state = old._p_resolveConflict(old.__getstate__(), committed.__getstate__(),
                                       new.__getstate__())
        merged = CronLogs()
        merged.__setstate__(state)
        assert merged.last_success == T0 + HOUR


class TestRules:
    def test_overdue_counts_from_creation_resume_and_success(self, fake_clock):
        from zcron.alerts.rules import overdue_since
        from zcron.model import Log
        fake_clock.set(T0)
        cron = zcron.Crontab().add_cron(zcron.Cron("x", YEARLY, alert_no_success=3600))
        assert overdue_since(cron, T0 + HOUR) is None
        assert overdue_since(cron, T0 + 2 * HOUR) == T0          # never succeeded
        cron.add_log(Log(T0 + 2 * HOUR, "OK"))
        assert overdue_since(cron, T0 + 2 * HOUR + HOUR / 2) is None
        assert overdue_since(cron, T0 + 4 * HOUR) == T0 + 2 * HOUR
        cron.pause(note="maintenance")
        assert overdue_since(cron, T0 + 4 * HOUR) is None       # not expected to run
        fake_clock.set(T0 + 10 * HOUR)
        cron.resume()
        assert overdue_since(cron, T0 + 10 * HOUR + HOUR / 2) is None
        assert overdue_since(cron, T0 + 12 * HOUR) == T0 + 10 * HOUR
        cron.activated = False
        assert overdue_since(cron, T0 + 12 * HOUR) is None

    def test_without_a_limit_never_overdue(self, fake_clock):
        from zcron.alerts.rules import overdue_since
        fake_clock.set(T0)
        cron = zcron.Crontab().add_cron(zcron.Cron("x", YEARLY))
        assert overdue_since(cron, T0 + 1000 * HOUR) is None


def run_worker(db, session):
    from zcron.worker import Worker
    Worker(db, concurrency=2).run(until_idle=True, max_seconds=30)
    session.tm.abort()


class TestWorkerCheck:
    def test_overdue_once_then_recovered(self, db, session, crontab, alerts_seen,
                                         fake_clock):
        from zcron.components import cron_manager
        fake_clock.set(T0)
        cron = add(session, crontab, "ok", alert_no_success=3600)
        quiet = add(session, crontab, "quiet")
        fake_clock.set(T0 + 2 * HOUR)
        run_worker(db, session)
        run_worker(db, session)
        assert alerts_seen == [("CronOverdueEvent", "ok")]
        cron_manager(crontab.__parent__, crontab.get(cron.uid)).run_now()
        session.tm.commit()
        run_worker(db, session)          # runs it OK ...
        fake_clock.advance(60)
        run_worker(db, session)          # ... and the next check sees it
        assert alerts_seen[1:] == [("CronRecoveredEvent", "ok")]
        assert quiet.name not in {name for _, name in alerts_seen}

    def test_running_long_while_it_runs(self, db, session, crontab, alerts_seen,
                                        fake_clock):
        from zcron.components import cron_manager
        fake_clock.set(T0)
        cron = add(session, crontab, "hours", alert_running=3600)
        cron_manager(crontab.__parent__, crontab.get(cron.uid)).run_now()
        session.tm.commit()
        run_worker(db, session)
        assert RUN_LONG.is_set()          # fired while the run was going
        assert alerts_seen == [("CronRunningLongEvent", "hours")]
        assert crontab.get(cron.uid).last_status == "OK"
