"""zcron.declared.sync: sites kept in step with the declarations, on a
real FileStorage, through the worker's restart event and a site's first
synchronisation."""
import logging
from datetime import datetime, timezone

import pytest
from zope.component import provideUtility
from zope.event import notify
from zope.interface import implementer

import zcron
from zcron.declared import Declaration
from zcron.interfaces import IDeclarationSource

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@implementer(IDeclarationSource)
class ListSource:
    """A source holding a list the test changes."""

    def __init__(self):
        self.items = []

    def declarations(self):
        return list(self.items)


@pytest.fixture
def source(zca):
    found = ListSource()
    provideUtility(found, IDeclarationSource, name="test")
    return found


def cleanup(**changes):
    fields = dict(origin="zcml", name="cleanup", runner="cleanup",
                  schedule="every day at 02:30", source="configure.zcml:12",
                  timezone="Europe/Zurich", environ={"days": 7},
                  policies={"timeout": 60})
    return Declaration(**dict(fields, **changes))


@pytest.fixture
def sites(session, site, source, fake_clock):
    """Sites 'default' and 'shop', synchronised once (no declarations yet)."""
    fake_clock.set(T0)
    add_site(session, "shop")
    return session


def add_site(session, name):
    from zcron.components import load_crontab
    from zcron.model import CronSite
    new = session.root.add_site(CronSite(name))
    load_crontab(new).save()       # as ``zcron site add`` does
    session.tm.commit()
    return new


def restart(session):
    """What a worker does when it starts, committed."""
    from zcron.events import ServerRestartEvent
    session.tm.begin()
    notify(ServerRestartEvent(session.db, session.root))
    session.tm.commit()


def crontab(session, name="default"):
    from zcron.components import load_crontab
    return load_crontab(session.root.get_site(name))


def pending(session, name, uid):
    from zcron.components import queue_for
    return queue_for(session.root).pending(name, uid)


class TestKeepingInStep:
    def test_one_cron_per_declaration_per_site(self, sites, source):
        source.items = [cleanup(), cleanup(name="report", runner="report",
                                           schedule="0 8 * * 1-5", sites=("shop",))]
        restart(sites)
        default, shop = crontab(sites), crontab(sites, "shop")
        assert [c.uid for c in default] == [cleanup().uid_for("default")]
        assert sorted(c.name for c in shop) == ["cleanup", "report"]
        cron = default.get(cleanup().uid_for("default"))
        assert cron.declared == "zcml:cleanup"
        assert (cron.periodicity, cron.timezone, cron.environ, cron.timeout) == \
            ("every day at 02:30", "Europe/Zurich", {"days": 7}, 60)
        assert len(pending(sites, "default", cron.uid)) == 1

    def test_in_step_restart_writes_nothing(self, sites, source, db):
        source.items = [cleanup()]
        restart(sites)
        last = db.storage.lastTransaction()
        restart(sites)
        assert db.storage.lastTransaction() == last

    def test_the_cron_follows_its_declaration_keeping_operator_changes(
            self, sites, source, db):
        from zcron.testing import written_oids
        source.items = [cleanup()]
        restart(sites)
        cron = crontab(sites).get(cleanup().uid_for("default"))
        cron.pause(note="disk full")
        cron.edit(logs_limit=50, retries=3, activated=False)
        sites.tm.commit()
        source.items = [cleanup(schedule="every day at 04:00", environ={"days": 3},
                                policies={"timeout": 90})]
        restart(sites)
        cron = crontab(sites).get(cron.uid)
        assert (cron.periodicity, cron.environ, cron.timeout) == \
            ("every day at 04:00", {"days": 3}, 90)
        assert cron.paused and cron.pause_note == "disk full"
        assert (cron.logs_limit, cron.retries, cron.activated) == (50, 3, False)
        assert len(crontab(sites)) == 1
        # both sites' crons changed: their own records, and nothing of the crontabs
        shop = crontab(sites, "shop").get(cleanup().uid_for("shop"))
        assert {cron._p_oid, shop._p_oid} <= written_oids(db.storage)
        assert crontab(sites)._p_oid not in written_oids(db.storage)

    def test_a_declaration_gone_takes_its_crons_and_says_so(self, sites, source, caplog):
        source.items = [cleanup()]
        restart(sites)
        default = crontab(sites)
        by_hand = default.add_cron(zcron.Cron("cleanup", "0 3 * * *"))
        default.save_cron(by_hand)
        sites.tm.commit()
        source.items = []
        with caplog.at_level(logging.INFO, logger="zcron.declared"):
            restart(sites)
        assert [c.uid for c in crontab(sites)] == [by_hand.uid]
        assert len(crontab(sites, "shop")) == 0
        assert pending(sites, "default", cleanup().uid_for("default")) == []
        gone = [r.getMessage() for r in caplog.records if "gone" in r.getMessage()]
        assert len(gone) == 2 and "removed zcml:cleanup" in gone[0]

    def test_a_declaration_no_longer_naming_a_site(self, sites, source):
        source.items = [cleanup()]
        restart(sites)
        source.items = [cleanup(sites=("shop",))]
        restart(sites)
        assert len(crontab(sites)) == 0 and len(crontab(sites, "shop")) == 1

    def test_a_deleted_declared_cron_comes_back(self, sites, source):
        source.items = [cleanup()]
        restart(sites)
        uid = cleanup().uid_for("default")
        crontab(sites).remove_cron(uid)
        sites.tm.commit()
        restart(sites)
        assert uid in crontab(sites)

    def test_a_new_site_gets_its_crons_at_once(self, sites, source):
        source.items = [cleanup(), cleanup(name="other", sites=("elsewhere",))]
        add_site(sites, "new")
        crons = list(crontab(sites, "new"))
        assert [c.declared for c in crons] == ["zcml:cleanup"]
        assert len(pending(sites, "new", crons[0].uid)) == 1

    def test_a_declaration_a_site_cannot_take(self, sites, source, caplog):
        from zcron.declared.sync import keep_in_step
        source.items = [cleanup(policies={"exclude": ["holidays"]}), cleanup(name="b")]
        with caplog.at_level(logging.WARNING, logger="zcron.declared"):
            changes = keep_in_step(sites.root, ["default"])
        assert [(c.action, c.declared) for c in changes] == \
            [("failed", "zcml:cleanup"), ("added", "zcml:b")]
        assert "no such calendar" in changes[0].fields[0]
        assert "cannot keep zcml:cleanup in step" in caplog.text

    def test_twins_are_refused_naming_both_places(self, sites, source):
        from zcron.exceptions import InvalidInput
        source.items = [cleanup(), cleanup(source="jobs.ini [cleanup]")]
        with pytest.raises(InvalidInput, match="configure.zcml:12 and at jobs.ini"):
            restart(sites)
        sites.tm.abort()

    def test_a_removed_site_is_forgotten(self, sites, source):
        from zcron.declared.sync import INDEX
        from zcron.sync import remove_site
        source.items = [cleanup()]
        restart(sites)
        sites.tm.begin()
        remove_site(sites.root, "shop")
        sites.tm.commit()
        assert "shop" not in sites.root.components[INDEX]


class TestStates:
    def test_missing_differs_in_step(self, sites, source):
        from zcron.declared.sync import states
        source.items = [cleanup()]
        restart(sites)
        crontab(sites).get(cleanup().uid_for("default")).edit(
            periodicity="0 1 * * *", environ={})
        crontab(sites, "shop").remove_cron(cleanup().uid_for("shop"))
        [item] = states(sites.root)
        assert item["sites"] == {"default": "differs: schedule, environ",
                                 "shop": "missing"}
        assert (item["declared"], item["source"]) == ("zcml:cleanup", "configure.zcml:12")
        sites.tm.abort()
        assert states(sites.root)[0]["sites"]["default"] == "in step"

    def test_declared_fields(self, sites, source):
        from zcron.declared.sync import declared_fields
        source.items = [cleanup()]
        restart(sites)
        cron = crontab(sites).get(cleanup().uid_for("default"))
        assert declared_fields(cron) == ("name", "periodicity", "timezone", "environ",
                                         "timeout")
        assert declared_fields(zcron.Cron("x", "* * * * *")) == ()
