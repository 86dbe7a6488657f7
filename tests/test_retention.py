"""Retention by count and by age per status: what a cron's log keeps when
entries are added (FakeClock), the newest FAILURE kept whatever its age,
counts kept, site defaults, concurrent adds (the command line:
test_retention_cli)."""
from datetime import datetime, timedelta, timezone

import pytest
import transaction

from zcron.model import Cron, Log

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)
YEARLY = "0 0 1 1 *"


@pytest.fixture
def crontab(site):
    from zcron.components import load_crontab
    return load_crontab(site)


def add(session, crontab, name="x", **fields):
    cron = crontab.add_cron(Cron(name, YEARLY, **fields))
    crontab.save_cron(cron)
    session.tm.commit()
    return cron


def log_days(cron, fake_clock, *statuses):
    """One entry a day, oldest first, dated by the clock."""
    for status in statuses:
        cron.add_log(Log(fake_clock.now(), status, [status.lower()]))
        fake_clock.advance(days=1)


def kept(cron):
    return [(log.status, (T0 - log.date).days) for log in cron.logs]


class TestByAge:
    def test_each_status_by_its_own_age(self, session, crontab, fake_clock):
        fake_clock.set(T0 - 10 * DAY)
        cron = add(session, crontab, keep_ok_for=3 * 86400, keep_failures_for=5 * 86400)
        log_days(cron, fake_clock, *["OK", "FAILURE", "WARN", "NOTRUN", "FAILURE"] * 2)
        cron.add_log(Log(T0, "OK"))
        session.tm.commit()
        # OK/WARN within 3 days, FAILURE/NOTRUN within 5 days of the newest entry
        assert kept(cron) == [("OK", 0), ("FAILURE", 1), ("NOTRUN", 2), ("WARN", 3),
                              ("FAILURE", 4)]
        assert cron.log_counts == {"OK": 3, "FAILURE": 4, "WARN": 2, "NOTRUN": 2}

    def test_newest_failure_kept_whatever_its_age(self, session, crontab, fake_clock):
        fake_clock.set(T0 - 200 * DAY)
        cron = add(session, crontab)           # built-in limits: 7 days, 90 days
        log_days(cron, fake_clock, "FAILURE", "FAILURE", "OK")
        fake_clock.set(T0)
        log_days(cron, fake_clock, "OK")
        assert [log.status for log in cron.logs] == ["OK", "FAILURE"]
        assert cron.logs[1].date == T0 - 199 * DAY
        assert cron.log_counts == {"FAILURE": 2, "OK": 2}

    def test_count_bound_still_applies(self, session, crontab, fake_clock):
        fake_clock.set(T0)
        cron = add(session, crontab, logs_limit=3)
        for status in ["FAILURE"] + ["OK"] * 5:
            cron.add_log(Log(fake_clock.now(), status))
            fake_clock.advance(seconds=60)
        assert [log.status for log in cron.logs] == ["OK", "OK", "OK", "FAILURE"]

    def test_default_limit_keeps_fifty(self, session, crontab, fake_clock):
        fake_clock.set(T0)
        cron = add(session, crontab)
        for _ in range(60):
            cron.add_log(Log(fake_clock.now(), "OK"))
            fake_clock.advance(seconds=60)
        assert len(cron.logs) == 50 and cron.log_counts == {"OK": 60}

    def test_pruning_is_stored(self, db, session, crontab, fake_clock):
        fake_clock.set(T0 - 20 * DAY)
        uid = add(session, crontab, keep_ok_for=86400).uid
        log_days(crontab.get(uid), fake_clock,
                 *["OK"] * 21)
        session.tm.commit()
        from zcron.components import load_crontab
        with db.transaction() as conn:
            from zcron.db import get_root
            cron = load_crontab(get_root(conn).sites["default"]).get(uid)
            assert kept(cron) == [("OK", 0), ("OK", 1)]
            assert cron.log_counts == {"OK": 21}


class TestSiteDefaults:
    def test_site_default_then_own_value(self, session, site, crontab, fake_clock):
        from zcron.model.defaults import set_defaults
        from zcron.model.logs import ages_of
        cron = add(session, crontab)
        assert ages_of(cron) == (7 * 86400, 90 * 86400)
        set_defaults(site, {"keep_ok_for": 86400})
        assert ages_of(cron) == (86400, 90 * 86400)
        cron.edit(keep_ok_for=3600, keep_failures_for=7200)
        assert ages_of(cron) == (3600, 7200)
        fake_clock.set(T0 - 2 * DAY)
        cron.edit(keep_ok_for=None)
        log_days(cron, fake_clock, "OK", "OK", "OK")
        assert kept(cron) == [("OK", 0), ("OK", 1)]

    @pytest.mark.parametrize("value", [-1, 0, 0.5, "7d", True])
    def test_bad_values_refused(self, value):
        from zcron.exceptions import InvalidInput
        for field in ("keep_ok_for", "keep_failures_for"):
            with pytest.raises(InvalidInput, match=field):
                Cron("x", YEARLY, **{field: value})


def test_concurrent_adds_apply_the_age_limits(db, session, crontab, fake_clock):
    """Two connections add to one cron's log at once: the conflict is
    resolved with both entries and the age limits applied."""
    from zcron.components import load_crontab
    from zcron.db import get_root
    fake_clock.set(T0 - 3 * DAY)
    cron = add(session, crontab, keep_ok_for=86400)
    cron.add_log(Log(fake_clock.now(), "OK"))
    session.tm.commit()
    managers = [transaction.TransactionManager() for _ in range(2)]
    conns = [db.open(manager) for manager in managers]
    crons = [load_crontab(get_root(conn).sites["default"]).get(cron.uid) for conn in conns]
    crons[0].add_log(Log(T0, "OK", ["one"]))
    crons[1].add_log(Log(T0 + timedelta(seconds=1), "FAILURE", ["two"]))
    for manager in managers:
        manager.commit()
    session.tm.abort()
    assert [log.messages for log in cron.logs] == [["two"], ["one"]]
    assert cron.log_counts == {"OK": 2, "FAILURE": 1}
    for conn in conns:
        conn.close()
