"""zcron.audit: changes recorded where the model makes them (one record
per cron and transaction, its net change), the ZODB transaction annotated
alike, the bound, undo; the worker's and the declared sync's changes.
"""
from datetime import datetime, timedelta, timezone

import pytest

import zcron
from zcron.audit import SYNC, WORKER, acting
from zcron.audit.store import audit_of
from zcron.audit.undo import undo
from zcron.components import load_crontab
from zcron.exceptions import InvalidInput

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def crontab(site):
    return load_crontab(site)


def changes(site):
    store = audit_of(site)
    return [] if store is None else list(reversed(store.newest()))


def brief(site):
    return [(c.id, c.kind, c.name, c.who, c.note, c.fields) for c in changes(site)]


def add(session, crontab, name="backup", **fields):
    cron = crontab.add_cron(zcron.Cron(name, "@daily", **fields))
    crontab.save_cron(cron)
    session.tm.commit()
    return cron


class TestRecording:

    def test_add_edit_pause_resume_remove(self, session, site, crontab, fake_clock):
        fake_clock.set(T0)
        with acting("alice", "for the new backups"):
            cron = add(session, crontab, timeout=10)
            cron.edit(timeout=20)
            cron.edit(retries=2, timeout=30)      # one transaction: one record
            session.tm.commit()
        with acting("bob"):
            cron.pause(note="disk full")
            session.tm.commit()
            cron.resume()
            session.tm.commit()
            crontab.remove_cron(cron.uid)
            session.tm.commit()
        assert brief(site) == [
            (1, "add", "backup", "alice", "for the new backups", {}),
            (2, "edit", "backup", "alice", "for the new backups",
             {"timeout": [10, 30], "retries": [0, 2]}),
            (3, "edit", "backup", "bob", "disk full",       # the pause note is the why
             {"paused_until": [None, "9999-12-31T23:59:59+00:00"],
              "pause_note": ["", "disk full"]}),
            (4, "edit", "backup", "bob", "",
             {"paused_until": ["9999-12-31T23:59:59+00:00", None],
              "pause_note": ["disk full", ""]}),
            (5, "remove", "backup", "bob", "", {})]
        first, *_, removed = changes(site)
        assert first.when == T0
        assert first.dump["timeout"] == 10 and first.dump["uid"] == cron.uid
        assert removed.dump["timeout"] == 30 and "logs" not in removed.dump

    def test_net_change_of_a_transaction(self, session, site, crontab):
        kept = add(session, crontab, "kept", timeout=5)
        gone = crontab.add_cron(zcron.Cron("gone", "@daily"))
        gone.edit(timeout=1)
        crontab.remove_cron(gone.uid)                 # added and removed: nothing
        fresh = crontab.add_cron(zcron.Cron("fresh", "@hourly"))
        fresh.edit(timeout=9)                         # an add, with its last settings
        kept.edit(timeout=6)
        kept.edit(timeout=5)                          # back as it was: nothing
        session.tm.commit()
        assert [(c.kind, c.name) for c in changes(site)] == [("add", "kept"), ("add", "fresh")]
        assert changes(site)[-1].dump["timeout"] == 9

    def test_remove_and_add_back_is_an_edit(self, session, site, crontab):
        cron = add(session, crontab, timeout=5)
        data = cron.dump(with_logs=False)
        crontab.remove_cron(cron.uid)
        crontab.add_cron(zcron.Cron.load(dict(data, timeout=7)))
        session.tm.commit()
        assert changes(site)[-1].fields == {"timeout": [5, 7]}

    def test_a_field_set_directly(self, session, site, crontab):
        cron = add(session, crontab)
        cron.activated = False               # as a script might, without edit()
        session.tm.commit()
        assert changes(site)[-1].fields == {"activated": [True, False]}

    def test_aborted_records_nothing(self, session, site, crontab):
        crontab.add_cron(zcron.Cron("x", "@daily"))
        session.tm.abort()
        assert audit_of(site) is None

    def test_the_default_actor_is_the_os_user(self, session, site, crontab):
        import getpass
        import socket
        add(session, crontab)
        assert changes(site)[0].who == f"{getpass.getuser()}@{socket.gethostname()}"

    def test_transaction_user_and_description(self, db, session, site, crontab):
        with acting("alice", "tighter"):
            cron = add(session, crontab)
            cron.edit(timeout=10)
            session.tm.commit()
        last, first = db.undoLog(0, 2)
        assert last["user_name"] == first["user_name"] == "alice"
        assert last["description"] == "zcron changes 2 by alice: edit backup: " \
                                      "timeout null -> 10; note: tighter"
        assert first["description"] == "zcron changes 1 by alice: add backup; note: tighter"
        [newest, *_] = db.history(cron._p_oid, size=5)
        assert newest["user_name"] == "alice" and "timeout" in newest["description"]

    def test_the_contracts(self, session, site, crontab):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import IChange, ISiteAudit
        add(session, crontab)
        assert verifyObject(ISiteAudit, audit_of(site))
        assert verifyObject(IChange, changes(site)[0])

    def test_a_detached_crontab_records_nothing(self):
        crontab = zcron.Crontab()
        crontab.add_cron(zcron.Cron("x", "@daily")).edit(timeout=1)    # no site, no error


    def test_the_crontab_switch(self, db, session, site, crontab):
        add(session, crontab)
        with acting("erin", "holiday"):
            crontab.activated = False
            session.tm.commit()
        switch = changes(site)[-1]
        assert (switch.uid, switch.kind, switch.name, switch.who, switch.note, switch.fields) \
            == ("", "edit", "crontab", "erin", "holiday", {"activated": [True, False]})
        session.tm.abort()
        db.cacheMinimize()                       # a ghost crontab is recorded too
        session.root.sites["default"].crontab.activated = True
        session.tm.commit()
        assert changes(site)[-1].fields == {"activated": [False, True]}
        undo(site, crontab, 3)
        session.tm.commit()
        assert crontab.activated is False and changes(site)[-1].note == "undo of change 3"


    def test_a_conflict_retried_is_recorded_once(self, db, session, site, crontab):
        from zcron.db import Session
        from zcron.retry import transact
        a, b = add(session, crontab, "a"), add(session, crontab, "b")
        other = Session(db)
        attempts = []

        def edit_b():
            attempts.append(1)
            load_crontab(other.root.sites["default"]).get(b.uid).edit(timeout=2)
            if len(attempts) == 1:          # meanwhile another writer commits
                a.edit(timeout=1)
                session.tm.commit()
        with acting("bob"):
            transact(other.tm, edit_b, attempts=3)
        other.close()
        session.tm.abort()
        assert len(attempts) == 2           # the change ids collided once
        assert [(c.id, c.name, c.fields) for c in changes(site)][2:] == [
            (3, "a", {"timeout": [None, 1]}), (4, "b", {"timeout": [None, 2]})]


class TestBound:

    def test_oldest_dropped(self, session, site, crontab):
        cron = add(session, crontab)
        audit_of(site).limit = 3
        for seconds in range(1, 6):
            cron.edit(timeout=seconds)
            session.tm.commit()
        assert [c.id for c in changes(site)] == [4, 5, 6]

    def test_one_transaction_over_the_bound(self, session, site, crontab):
        add(session, crontab)
        audit_of(site).limit = 3
        for n in range(5):
            crontab.add_cron(zcron.Cron(f"c{n}", "@daily"))
        session.tm.commit()
        assert [(c.id, c.name) for c in changes(site)] == [(4, "c2"), (5, "c3"), (6, "c4")]


class TestUndo:

    def test_undo_an_edit(self, session, site, crontab):
        cron = add(session, crontab, timeout=5)
        cron.edit(timeout=10, name="backup2")
        session.tm.commit()
        with acting("carol", "too long"):
            undo(site, crontab, 2)
            session.tm.commit()
        assert (cron.timeout, cron.name) == (5, "backup")
        assert crontab.resolve("backup") is cron
        last = changes(site)[-1]
        assert (last.id, last.who, last.note) == (3, "carol", "undo of change 2: too long")
        assert last.fields == {"timeout": [10, 5], "name": ["backup2", "backup"]}

    def test_undo_an_add(self, session, site, crontab):
        cron = add(session, crontab)
        undo(site, crontab, 1)
        session.tm.commit()
        assert cron.uid not in crontab
        assert changes(site)[-1].kind == "remove"

    def test_undo_a_removal_brings_the_cron_back(self, session, site, crontab):
        cron = add(session, crontab, timeout=5, environ={"days": 7})
        uid, data = cron.uid, cron.dump(with_logs=False)
        crontab.remove_cron(uid)
        session.tm.commit()
        undo(site, crontab, 2)
        session.tm.commit()
        assert crontab.get(uid).dump(with_logs=False) == data
        assert changes(site)[-1].kind == "add"

    def test_undo_a_pause(self, session, site, crontab):
        cron = add(session, crontab)
        cron.pause(until=T0 + timedelta(days=400), note="x")
        session.tm.commit()
        undo(site, crontab, 2)
        session.tm.commit()
        assert cron.paused_until is None and cron.pause_note == ""

    def test_refused_after_an_overlapping_change(self, session, site, crontab):
        cron = add(session, crontab)
        cron.edit(timeout=10)
        session.tm.commit()
        with acting("dave"):
            cron.edit(timeout=20, retries=1)
            session.tm.commit()
        with pytest.raises(InvalidInput) as e:
            undo(site, crontab, 2)
        assert str(e.value).endswith(
            "change 3 (edit of backup by dave) changed timeout since: undo it first")
        with pytest.raises(InvalidInput, match="change 3 .* changed retries, timeout since"):
            undo(site, crontab, 1)                    # the add touched every field
        session.tm.abort()
        assert cron.timeout == 20 and len(changes(site)) == 3

    def test_not_refused_after_another_field_changed(self, session, site, crontab):
        cron = add(session, crontab)
        cron.edit(timeout=10)
        session.tm.commit()
        cron.edit(retries=3)
        session.tm.commit()
        undo(site, crontab, 2)
        session.tm.commit()
        assert (cron.timeout, cron.retries) == (None, 3)

    def test_undo_an_undo(self, session, site, crontab):
        cron = add(session, crontab)
        cron.edit(timeout=10)
        session.tm.commit()
        undo(site, crontab, 2)
        session.tm.commit()
        undo(site, crontab, 3)
        session.tm.commit()
        assert cron.timeout == 10

    @pytest.mark.parametrize("change_id", [0, 99, "1", None])
    def test_unknown_change(self, session, site, crontab, change_id):
        add(session, crontab)
        with pytest.raises(InvalidInput) as e:
            undo(site, crontab, change_id)
        assert e.value.field == "change" and "no such change in site 'default'" in str(e.value)

    def test_a_site_without_history(self, session, site, crontab):
        with pytest.raises(InvalidInput, match="it has no history"):
            undo(site, crontab, 1)


# -- the worker's changes and the declared sync's ------------------------------------

class Ok(zcron.Runner):
    def run(self):
        return None


class Pauses(zcron.Runner):
    """Pauses its cron with a note, as the worker's auto-pause does."""

    def run(self):
        self.cron.pause(note="paused after 3 FAILUREs")


@pytest.mark.parametrize("timeout", [None, 30])     # 30: the runner in a thread of its own
def test_a_change_made_in_a_worker_is_by_the_worker(db, session, site, crontab, fake_clock,
                                                    timeout):
    from zcron.worker import Worker
    zcron.add_runner("pauses", Pauses)
    fake_clock.set(T0)
    with acting("alice"):
        cron = add(session, crontab, "pauses", timeout=timeout)
    cron_manager_run_now(site, cron, session)
    Worker(db, concurrency=1).run(until_idle=True, max_seconds=30)
    session.tm.abort()
    last = changes(site)[-1]
    assert (last.who, last.note, sorted(last.fields)) == (
        WORKER, "paused after 3 FAILUREs", ["pause_note", "paused_until"])
    [annotated] = [t for t in db.undoLog(0, 50) if "edit pauses" in t["description"]]
    assert annotated["user_name"] == WORKER


def test_a_once_cron_run_by_a_worker_records_nothing_more(db, session, site, crontab,
                                                        fake_clock):
    """Its being done is computed (max_runs and its log), not written."""
    from zcron.worker import Worker
    zcron.add_runner("ok", Ok)
    fake_clock.set(T0)
    cron = add(session, crontab, "ok", max_runs=1)
    cron_manager_run_now(site, cron, session)
    Worker(db, concurrency=1).run(until_idle=True, max_seconds=30)
    session.tm.abort()
    assert [c.kind for c in changes(site)] == ["add"]


def cron_manager_run_now(site, cron, session):
    from zcron.components import cron_manager
    cron_manager(site, cron).run_now()
    session.tm.commit()


def test_the_declared_sync_is_by_sync(session, site, crontab):
    from zcron.declared import Declaration
    from zcron.declared.sync import keep_site_in_step
    declaration = Declaration(origin="zcml", name="cleanup", runner="cleanup",
                              schedule="@daily", source="configure.zcml:3")
    with acting("alice", "deploy 42"):
        keep_site_in_step(session.root, site, [declaration])
        session.tm.commit()
    [change] = changes(site)
    assert (change.kind, change.who, change.note) == ("add", SYNC, "deploy 42")
