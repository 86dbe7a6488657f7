"""The worker's run-environment seam (IRunEnvironment), zcron sites bound
to Zope paths, and collective.cron's records brought over -- in the test
host, without Zope (tests/test_zope.py has the real instance)."""
import json
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from persistent.mapping import PersistentMapping
from zope.component import getGlobalSiteManager
from zope.interface import implementer

import zcron
from zcron.exceptions import InvalidInput
from zcron.interfaces import IRunEnvironment

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
EVENTS = []


@implementer(IRunEnvironment)
class HostEnvironment:
    """Hands runners the host object kept in the ZODB root, as zcron.zope
    hands them a Zope site; records what it sets up and tears down."""

    def __call__(self, session, site, cron):
        return self.entered(session, site, cron)

    @contextmanager
    def entered(self, session, site, cron):
        if cron.environ.get("broken_host"):
            raise LookupError("no such host object")
        EVENTS.append(("enter", threading.current_thread().name))
        try:
            yield session.conn.root()["host"]
        finally:
            EVENTS.append(("exit", site.name))


class Titles(zcron.Runner):
    def run(self):
        self.site["title"] = self.environ["title"]
        if self.environ.get("fail"):
            raise RuntimeError("after writing")


@pytest.fixture
def host(db, session, site, fake_clock):
    del EVENTS[:]
    session.conn.root()["host"] = PersistentMapping(title="before")
    session.tm.commit()
    zcron.add_runner("titles", Titles)
    getGlobalSiteManager().registerUtility(HostEnvironment(), IRunEnvironment)
    fake_clock.set(T0)
    yield session
    getGlobalSiteManager().unregisterUtility(provided=IRunEnvironment)


def run_cron(db, session, site, fake_clock, **environ):
    from zcron.components import load_crontab
    from zcron.worker import Worker
    crontab = load_crontab(site)
    cron = crontab.add_cron(zcron.Cron("titles", "* * * * *", environ=environ,
                                       timeout=environ.pop("timeout", None)))
    crontab.save_cron(cron)
    session.tm.commit()
    fake_clock.set(T0 + timedelta(minutes=1))
    Worker(db, concurrency=1).run(until_idle=True, max_seconds=30)
    session.tm.abort()
    return list(crontab.get(cron.uid).logs)[0]


def test_the_runner_gets_the_host_object_and_its_writes_commit(db, host, site, fake_clock):
    log = run_cron(db, host, site, fake_clock, title="after")
    assert log.status == "OK", log.messages
    assert host.conn.root()["host"]["title"] == "after"
    assert [e[0] for e in EVENTS] == ["enter", "exit"]


def test_a_failing_run_rolls_back_and_still_tears_down(db, host, site, fake_clock):
    log = run_cron(db, host, site, fake_clock, title="broken", fail=True)
    assert log.status == "FAILURE" and log.messages == ["RuntimeError: after writing"]
    assert host.conn.root()["host"]["title"] == "before"
    assert EVENTS[-1] == ("exit", "default")


def test_an_environment_that_cannot_be_entered_is_a_failure(db, host, site, fake_clock):
    log = run_cron(db, host, site, fake_clock, title="x", broken_host=True)
    assert log.status == "FAILURE"
    assert log.messages == ["LookupError: no such host object"]
    assert EVENTS == []


def test_a_timed_run_enters_the_environment_in_its_own_thread(db, host, site, fake_clock):
    log = run_cron(db, host, site, fake_clock, title="timed", timeout=30)
    assert log.status == "OK"
    assert EVENTS[0] == ("enter", "zcron-runner")       # hooks are per thread


class TestBindings:
    def test_bind_makes_the_site_and_keeps_it_on_rebinding(self, session):
        from zcron.zope.binding import bind, binding_of, site_name_for
        site = bind(session.root, "/Plone", user="admin")
        assert site.name == "Plone" and binding_of(site).path == "/Plone"
        assert bind(session.root, "/Plone/", user="bob") is site
        assert binding_of(site).user == "bob"
        assert site_name_for("/a/b") == "a.b" and site_name_for("/") == "zope"

    def test_a_cron_user_wins_over_the_site_user(self, session):
        from zcron.zope.binding import ZopeBinding
        binding = ZopeBinding("/Plone", "admin")
        assert binding.user_for(zcron.Cron("x", "* * * * *", user="editor")) == "editor"
        assert binding.user_for(zcron.Cron("x", "* * * * *")) == "admin"

    @pytest.mark.parametrize("path", ["Plone", "", "//Plone", None])
    def test_a_bad_path_is_one_sentence(self, session, path):
        from zcron.zope.binding import bind
        with pytest.raises(InvalidInput, match="invalid path"):
            bind(session.root, path)


def collective_cron_records():
    """Two crons as collective.cron's registry manager stored them."""
    return [json.dumps({
        "uid": "a1" * 16, "name": "cleanup", "user": "admin", "activated": True,
        "periodicity": "*/5 * * * *", "logs_limit": 5, "environ": {"days": 7},
        "logs": [{"date": "2019-05-02 10:05:00", "status": 2, "messages": ["slow"]},
                 {"date": "2019-05-02 10:00:00", "status": 1, "messages": []}]}),
        json.dumps({"uid": "b2" * 16, "name": "report", "user": None, "activated": False,
                    "periodicity": "0 6 * * 1", "logs_limit": 3, "environ": {},
                    "logs": []})]


class TestMigration:
    def test_the_crons_come_over_with_their_logs_and_again_change_nothing(self, db, session):
        from zcron.components import load_crontab
        from zcron.zope.binding import bind
        from zcron.zope.migrate import migrate
        site = bind(session.root, "/Plone")
        done = migrate(site, collective_cron_records(), False, "Europe/Paris")
        session.tm.commit()
        assert done.added == ["a1" * 16, "b2" * 16] and done.kept == []
        crontab = load_crontab(site)
        cleanup = crontab.get("a1" * 16)
        assert (cleanup.name, cleanup.periodicity, cleanup.timezone, cleanup.user,
                cleanup.environ, cleanup.logs_limit) == (
            "cleanup", "*/5 * * * *", "Europe/Paris", "admin", {"days": 7}, 5)
        assert [(log.status, log.messages) for log in cleanup.logs] == [
            ("WARN", ["slow"]), ("OK", [])]
        assert not crontab.get("b2" * 16).activated and not crontab.activated
        serial = session.conn._storage.lastTransaction()
        again = migrate(site, collective_cron_records(), True, "UTC")
        session.tm.commit()
        assert again.added == [] and again.kept == ["a1" * 16, "b2" * 16]
        assert session.conn._storage.lastTransaction() == serial     # nothing written

    def test_a_bad_record_is_named_and_nothing_is_added(self, db, session):
        from zcron.components import load_crontab
        from zcron.zope.binding import bind
        from zcron.zope.migrate import migrate
        site = bind(session.root, "/Plone")
        session.tm.commit()
        records = collective_cron_records() + ['{"uid": "c3", "name": "x"}']
        with pytest.raises(InvalidInput, match=r"IRegistryCrontab\.crontab\[2\]"):
            migrate(site, records, True)
        session.tm.abort()
        assert len(load_crontab(site)) == 0
