"""zcron.model.log and zcron.model.logs: log entries, retention, and the
per-cron log record (its isolation in ZODB and its conflict resolution)."""
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest

UTC = timezone.utc
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _log(minutes=0, status="OK", **kw):
    from zcron.model import Log
    return Log(T0 + timedelta(minutes=minutes), status, **kw)


class TestCheckStatus:
    def _callFUT(self, value):
        from zcron.model.log import check_status
        return check_status(value)

    @pytest.mark.parametrize("value", ["OK", "WARN", "FAILURE", "NOTRUN"])
    def test_names(self, value):
        assert self._callFUT(value) == value

    def test_names_any_case(self):
        assert self._callFUT("warn") == "WARN"

    @pytest.mark.parametrize("value,expected", [(0, "FAILURE"), (1, "OK"),
                                                (2, "WARN"), (3, "NOTRUN")])
    def test_collective_cron_integers(self, value, expected):
        assert self._callFUT(value) == expected

    @pytest.mark.parametrize("value", ["DONE", "", 4, -1, None, 1.0, True, False])
    def test_unknown(self, value):
        from zcron.exceptions import InvalidInput, UnknownStatus
        with pytest.raises(UnknownStatus) as info:
            self._callFUT(value)
        assert isinstance(info.value, InvalidInput)
        assert info.value.field == "status"
        assert repr(value) in str(info.value)


class TestBoundTraceback:
    def _callFUT(self, text, **kw):
        from zcron.model.log import bound_traceback
        return bound_traceback(text, **kw)

    def test_none(self):
        assert self._callFUT(None) is None

    def test_short_kept(self):
        assert self._callFUT("x" * 10, limit=10) == "x" * 10

    def test_long_keeps_the_end(self):
        text = "head" + "x" * 20 + "END"
        bounded = self._callFUT(text, limit=10)
        assert bounded.endswith("x" * 7 + "END")
        assert "head" not in bounded
        assert "cut" in bounded


class TestLog:
    def _getTargetClass(self):
        from zcron.model import Log
        return Log

    def _makeOne(self, date=T0, status="OK", **kw):
        return self._getTargetClass()(date, status, **kw)

    def test_verify(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import ILog
        assert verifyObject(ILog, self._makeOne())

    def test_defaults(self):
        log = self._makeOne()
        assert log.date == T0
        assert log.status == "OK"
        assert log.messages == []
        assert log.fire_time is None
        assert log.duration is None
        assert log.traceback is None
        assert len(log.execution_id) == 32
        assert log.execution_id != self._makeOne().execution_id

    def test_date_aware_utc(self):
        from zoneinfo import ZoneInfo
        zurich = datetime(2026, 7, 1, 14, 0, tzinfo=ZoneInfo("Europe/Zurich"))
        log = self._makeOne(date=zurich, fire_time=zurich)
        assert log.date == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
        assert log.date.utcoffset() == timedelta(0)
        assert log.date.tzinfo is UTC
        assert log.fire_time.tzinfo is UTC

    def test_naive_date_is_utc(self):
        log = self._makeOne(date=datetime(2026, 1, 2, 3, 4, 5))
        assert log.date == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    @pytest.mark.parametrize("status", ["OK", "WARN", "FAILURE", "NOTRUN"])
    def test_statuses(self, status):
        assert self._makeOne(status=status).status == status

    def test_all_fields(self):
        log = self._makeOne(status="FAILURE", messages=("a", 2), fire_time=T0,
                            duration=3, execution_id="e1", traceback="Traceback")
        assert log.messages == ["a", "2"]
        assert log.fire_time == T0
        assert log.duration == 3.0 and isinstance(log.duration, float)
        assert log.execution_id == "e1"
        assert log.traceback == "Traceback"

    def test_one_message_as_text(self):
        assert self._makeOne(messages="done").messages == ["done"]

    def test_traceback_bounded(self):
        from zcron.model.log import TRACEBACK_LIMIT
        log = self._makeOne(status="FAILURE", traceback="x" * (TRACEBACK_LIMIT * 3))
        assert TRACEBACK_LIMIT <= len(log.traceback) < TRACEBACK_LIMIT + 100

    @pytest.mark.parametrize("field,value", [
        ("date", "2026-01-01"), ("date", None), ("fire_time", 12),
        ("duration", -1), ("duration", "3"), ("duration", True),
        ("duration", float("nan")), ("duration", float("inf")),
        ("messages", 42), ("execution_id", 7), ("traceback", ["x"]),
    ])
    def test_bad_values(self, field, value):
        from zcron.exceptions import InvalidInput
        kw = {"date": T0, "status": "OK", field: value}
        with pytest.raises(InvalidInput) as info:
            self._getTargetClass()(**kw)
        assert info.value.field == field
        assert field in str(info.value) and repr(value) in str(info.value)

    def test_unknown_status(self):
        from zcron.exceptions import UnknownStatus
        with pytest.raises(UnknownStatus, match="'BAD'"):
            self._makeOne(status="BAD")

    def test_equality(self):
        one = self._makeOne(execution_id="e")
        assert one == self._makeOne(execution_id="e")
        assert one != self._makeOne(execution_id="f")
        assert one != "not a log"

    def test_repr(self):
        assert repr(self._makeOne(messages=["hi"])) == \
            "<Log OK 2026-03-01T12:00:00+00:00 ['hi']>"

    def test_pickles_without_dict(self):
        import pickle
        log = self._makeOne(status="WARN", messages=["m"], duration=1.5)
        assert not hasattr(log, "__dict__")
        assert pickle.loads(pickle.dumps(log)) == log

    def test_pickle_round_trips_every_field(self):
        import pickle
        from datetime import timedelta
        log = self._makeOne(status="FAILURE", messages=["a", "b"],
                            fire_time=T0 - timedelta(microseconds=1), duration=0.25,
                            execution_id="e1", traceback="Traceback ...")
        back = pickle.loads(pickle.dumps(log))
        assert back.dump() == log.dump() and back.fire_time == log.fire_time
        assert isinstance(back.messages, list)

    def test_pickle_holds_plain_values_only(self):
        """A run re-pickles its cron's whole log: few objects per entry."""
        import pickle
        import pickletools
        log = self._makeOne(messages=["m"], duration=1.5)
        globals_ = [arg for op, arg, _ in pickletools.genops(pickle.dumps(log, 3))
                    if op.name == "GLOBAL"]
        assert globals_ == ["zcron.model.log _restore"]

    def test_entries_pickled_as_a_dict_of_fields_load(self):
        import copyreg
        import pickle
        from zcron.model.log import Log
        log = self._makeOne(messages=["m"])
        state = {k: getattr(log, k) for k in Log.__slots__}

        class DictPickled:      # how development builds pickled entries
            def __reduce__(self):
                return (copyreg._reconstructor, (Log, object, None), state)
        assert pickle.loads(pickle.dumps(DictPickled())) == log

    def test_setstate_tolerates_missing_fields(self):
        # an entry pickled before a field existed reads it as None
        log = self._makeOne()
        log.__setstate__({"date": T0, "status": "OK", "messages": []})
        assert log.fire_time is None and log.traceback is None


class TestLogOutput:
    """A zcron.Result's output: bounded, dumped, loaded, pickled."""

    def test_kept_dumped_and_loaded(self):
        from zcron.model import Log
        log = _log(status="WARN", messages=["3 reports"], output="line 1\nline 2")
        assert log.output == "line 1\nline 2" and log.dump()["output"] == "line 1\nline 2"
        assert Log.load(log.dump()) == log

    def test_old_dumps_load_unchanged(self):
        from zcron.model import Log
        dump = _log(messages=["m"]).dump()
        del dump["output"]
        assert Log.load(dump).output is None

    def test_empty_output_is_none(self):
        assert _log(output="").output is None and _log().output is None

    def test_bounded_like_a_traceback(self):
        from zcron.model.log import OUTPUT_LIMIT
        log = _log(output="x" * OUTPUT_LIMIT * 3 + "end")
        assert log.output.startswith("[... output cut ...]\n") and log.output.endswith("end")
        assert OUTPUT_LIMIT <= len(log.output) < OUTPUT_LIMIT + 30

    def test_refused_unless_text(self):
        from zcron.exceptions import InvalidInput
        with pytest.raises(InvalidInput, match="output"):
            _log(output=["x"])

    def test_pickled(self):
        import pickle
        log = _log(output="out")
        assert pickle.loads(pickle.dumps(log)).output == "out"

    def test_entries_pickled_before_output_load(self):
        from zcron.model.log import _restore
        from zcron.model.timeutil import to_us
        old = _restore(to_us(T0), "OK", (), None, None, "e", None)   # 7 values
        assert old.output is None and old.dump()["output"] is None


class TestBound:
    def _callFUT(self, entries, limit):
        from zcron.model.logs import bound
        return bound(tuple(entries), limit)

    def test_no_limit(self):
        entries = [_log(-i) for i in range(5)]
        assert self._callFUT(entries, None) == tuple(entries)

    def test_within_limit(self):
        entries = [_log(-i) for i in range(3)]
        assert self._callFUT(entries, 3) == tuple(entries)

    def test_newest_kept(self):
        entries = [_log(-i) for i in range(5)]
        assert self._callFUT(entries, 2) == tuple(entries[:2])

    def test_newest_failure_survives(self):
        entries = [_log(0), _log(-1), _log(-2, "FAILURE", execution_id="new"),
                   _log(-3, "FAILURE", execution_id="old")]
        kept = self._callFUT(entries, 2)
        assert [e.execution_id for e in kept[2:]] == ["new"]
        assert len(kept) == 3

    def test_failure_in_window_adds_nothing(self):
        entries = [_log(0, "FAILURE"), _log(-1), _log(-2, "FAILURE")]
        assert self._callFUT(entries, 2) == tuple(entries[:2])


class TestCronLogs:
    def _getTargetClass(self):
        from zcron.model.logs import CronLogs
        return CronLogs

    def _makeOne(self, *args, **kw):
        return self._getTargetClass()(*args, **kw)

    def test_empty(self):
        logs = self._makeOne()
        assert logs.entries == () and len(logs) == 0 and list(logs) == []
        assert logs.counts == {} and logs.limit is None

    def test_initial_entries_bounded(self):
        entries = [_log(-i) for i in range(4)]
        logs = self._makeOne(entries, limit=2)
        assert logs.entries == tuple(entries[:2])

    def test_add_newest_first_and_counts(self):
        logs = self._makeOne()
        first, second = _log(0), _log(1, "WARN")
        logs.add(first, 10)
        logs.add(second, 10)
        assert list(logs) == [second, first]
        assert logs.counts == {"OK": 1, "WARN": 1}
        assert logs.limit == 10

    def test_add_stores_the_limit(self):
        logs = self._makeOne(limit=5)
        logs.add(_log(), 3)
        assert logs.limit == 3

    def test_counts_of_a_fresh_log_are_not_shared(self):
        one, other = self._makeOne(), self._makeOne()
        one.add(_log(), 10)
        assert other.counts == {} and one.counts == {"OK": 1}

    def test_clear_keeps_counts(self):
        logs = self._makeOne()
        logs.add(_log(), 10)
        logs.clear()
        assert len(logs) == 0 and logs.counts == {"OK": 1}


class TestCronLogsResolveConflict:
    """The resolver on states, as ZODB hands them."""

    def _callFUT(self, old, committed, new):
        from zcron.model.logs import CronLogs
        return CronLogs()._p_resolveConflict(old, committed, new)

    def _state(self, entries, counts=None, limit=10):
        return {"recent": tuple(entries), "counts": counts or {}, "limit": limit}

    def test_both_additions_merged_newest_first(self):
        a, b, c = _log(0), _log(2), _log(1, "WARN")
        state = self._callFUT(self._state([a], {"OK": 1}),
                              self._state([b, a], {"OK": 2}),
                              self._state([c, a], {"OK": 1, "WARN": 1}))
        assert state["recent"] == (b, c, a)
        assert state["counts"] == {"OK": 2, "WARN": 1}
        assert state["limit"] == 10

    def test_bound_applied_keeps_newest_failure(self):
        old = [_log(-1, "FAILURE"), _log(-2)]
        ok1, ok2 = _log(1), _log(2)
        state = self._callFUT(self._state(old, limit=2),
                              self._state([ok1, old[0]], limit=2),
                              self._state([ok2, old[0]], limit=2))
        assert state["recent"] == (ok2, ok1, old[0])

    def test_entries_dropped_by_one_side_stay_dropped(self):
        a, b = _log(-1), _log(-2)
        new = _log(1)
        state = self._callFUT(self._state([a, b]),
                              self._state([]),           # cleared
                              self._state([new, a, b]))
        assert state["recent"] == (new,)

    def test_first_entries_of_a_fresh_log_merge(self):
        """A fresh log stores no state of its own: both first runs survive."""
        a, b = _log(1), _log(2, "WARN")
        state = self._callFUT({}, {"recent": (a,), "counts": {"OK": 1}, "limit": 10},
                              {"entries": (b,), "counts": {"WARN": 1}, "limit": 10})
        assert state["recent"] == (b, a) and state["counts"] == {"OK": 1, "WARN": 1}


    def test_limit_from_committed_when_new_has_none(self):
        entries = [_log(-i) for i in range(3)]
        state = self._callFUT(self._state([], limit=None),
                              self._state(entries[:2], limit=1),
                              self._state(entries[2:], limit=None))
        assert state["recent"] == (entries[0],)
        assert state["limit"] == 1

    def test_other_keys_come_from_new(self):
        new = dict(self._state([_log()]), extra="kept")
        state = self._callFUT(self._state([]), self._state([]), new)
        assert state["extra"] == "kept"


# -- the log record in a real ZODB ----------------------------------------------

def _site_with_crons(session, *names, **fields):
    from zcron.components import load_crontab
    from zcron.model import Cron, CronSite
    site = session.root.add_site(CronSite("logged"))
    crontab = load_crontab(site)
    crons = [crontab.add_cron(Cron(name, "*/5 * * * *", **fields)) for name in names]
    for cron in crons:
        cron.log_record()       # as the worker's first claim does
    crontab.save()
    session.tm.commit()
    return crontab, crons


class TestLogRecordIsolation:
    def test_a_run_writes_only_that_crons_log_record(self, db, session):
        """And the crontab's digest (a tree this small holds its one
        bucket), whose entry says the cron's status changed, and its
        count of failures."""
        from zcron.testing import written_oids
        crontab, (one, two) = _site_with_crons(session, "one", "two")
        session.tm.begin()
        one.add_log(_log(status="FAILURE", traceback="boom"))
        session.tm.commit()
        assert written_oids(db.storage) == {one._logs._p_oid, crontab._digest._p_oid,
                                            crontab._failures._p_oid}
        assert one._logs._p_oid not in (one._p_oid, two._p_oid, crontab._p_oid,
                                        two._logs._p_oid)

    def test_a_new_cron_is_one_record(self, db, session):
        """Its log record comes with its first claim: a bulk add writes
        one record per cron, not two."""
        from zcron.components import load_crontab
        from zcron.model import Cron, CronSite
        site = session.root.add_site(CronSite("logged"))
        session.tm.commit()
        crontab = load_crontab(site)
        crons = [crontab.add_cron(Cron("one", "*/5 * * * *")) for _ in range(3)]
        session.tm.commit()
        from ZODB.utils import get_pickle_metadata
        from zcron.testing import written_oids
        tid = db.storage.lastTransaction()
        classes = [get_pickle_metadata(db.storage.loadSerial(oid, tid))[1]
                   for oid in written_oids(db.storage)]
        assert classes.count("Cron") == 3 and "CronLogs" not in classes
        assert not any(c.has_log_record for c in crons)

    def test_later_runs_too(self, db, session):
        """Runs of the same status within a minute of the digest's last
        run leave the digest alone (a per-second cron writes it once a minute)."""
        from zcron.model import Log
        from zcron.testing import written_oids
        crontab, (one,) = _site_with_crons(session, "one", logs_limit=2)
        for second in range(4):
            session.tm.begin()
            one.add_log(Log(T0 + timedelta(seconds=second), "OK"))
            session.tm.commit()
            digest = {crontab._digest._p_oid} if second == 0 else set()
            assert written_oids(db.storage) == {one._logs._p_oid} | digest
        assert len(one.logs) == 2

    def test_logs_survive_reopen(self, tmp_path, zca):
        from zcron.components import load_crontab
        from zcron.db import Session, open_db
        uri = f"file://{tmp_path}/Data.fs"
        db = open_db(uri)
        with Session(db) as session:
            crontab, (one,) = _site_with_crons(session, "one")
            one.add_log(_log(0, "WARN", messages=["w"]))
            one.add_log(_log(1))
            session.tm.commit()
            uid = one.uid
        db.close()
        db = open_db(uri)
        try:
            with Session(db) as session:
                cron = load_crontab(session.root.get_site("logged")).get(uid)
                assert [(l.status, l.messages) for l in cron.logs] == \
                    [("OK", []), ("WARN", ["w"])]
                assert cron.log_counts == {"OK": 1, "WARN": 1}
        finally:
            db.close()

    def test_two_crons_logged_concurrently_do_not_conflict(self, db, session):
        from zcron.components import load_crontab
        from zcron.db import Session
        crontab, crons = _site_with_crons(session, "one", "two")
        uids = [c.uid for c in crons]
        loaded = threading.Barrier(2)
        errors, done = [], []

        def run(uid, minute):
            with Session(db) as s:
                try:
                    cron = load_crontab(s.root.get_site("logged")).get(uid)
                    cron.add_log(_log(minute))
                    loaded.wait(10)     # both changed before either commits
                    s.tm.commit()
                    done.append(uid)
                except Exception as e:  # reported below
                    errors.append(e)

        threads = [threading.Thread(target=run, args=(uid, i))
                   for i, uid in enumerate(uids)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        assert errors == [] and sorted(done) == sorted(uids)
        session.tm.begin()
        assert [len(c.logs) for c in crons] == [1, 1]

    def _log_concurrently(self, db_one, db_two, limit=10, prior=(), sync=lambda: None):
        """Two connections log to one cron; the second commit resolves.
        ``sync()`` waits until each database has seen the others' commits."""
        from zcron.components import load_crontab
        from zcron.db import Session
        with Session(db_one) as s:
            crontab, (cron,) = _site_with_crons(s, "same", logs_limit=limit)
            for log in prior:
                cron.add_log(log)
            s.tm.commit()
            uid = cron.uid
        sync()
        one, two = Session(db_one), Session(db_two)
        try:
            crons = [load_crontab(s.root.get_site("logged")).get(uid)
                     for s in (one, two)]
            logs = [_log(10, "WARN", execution_id="w"), _log(11, execution_id="o")]
            for cron, log in zip(crons, logs):
                cron.add_log(log)
            one.tm.commit()
            two.tm.commit()      # would raise ConflictError without a resolver
        finally:
            one.close()
            two.close()
        sync()
        with Session(db_one) as s:
            cron = load_crontab(s.root.get_site("logged")).get(uid)
            return list(cron.logs), cron.log_counts

    def test_same_cron_from_two_connections_is_merged(self, db):
        prior = [_log(0, "FAILURE", execution_id="f")]
        entries, counts = self._log_concurrently(db, db, prior=prior)
        assert [e.execution_id for e in entries] == ["o", "w", "f"]
        assert counts == {"FAILURE": 1, "WARN": 1, "OK": 1}

    def test_same_cron_merge_applies_the_bound(self, db):
        prior = [_log(0, "FAILURE", execution_id="f"), _log(1, execution_id="p")]
        entries, counts = self._log_concurrently(db, db, limit=2, prior=prior)
        # the newest two, and the newest FAILURE pushed out of them
        assert [e.execution_id for e in entries] == ["o", "w", "f"]
        assert counts == {"FAILURE": 1, "WARN": 1, "OK": 2}

    def test_same_cron_from_two_zeo_clients_is_merged(self, zeo_server, zca):
        # The ZEO server resolves the conflict, in its own process.
        from zcron.db import open_db
        db_one, db_two = open_db(zeo_server.uri), open_db(zeo_server.uri)
        try:
            # A ZEO client learns of others' commits asynchronously: a
            # round trip to the server makes sure it has.
            entries, counts = self._log_concurrently(
                db_one, db_two, sync=lambda: [db.storage.ping() for db in (db_one, db_two)])
        finally:
            db_one.close()
            db_two.close()
        assert [e.execution_id for e in entries] == ["o", "w"]
        assert counts == {"WARN": 1, "OK": 1}


class TestCronLogsRecord:
    def test_a_fresh_log_pickles_its_older_record_only(self):
        from zcron.model.logs import CronLogs
        assert list(CronLogs().__getstate__()) == ["older"]


# -- the older entries' record ----------------------------------------------------

class TestOlderEntries:
    """A run rewrites the newest entries only; the older ones go to a
    record of their own once every SPILL runs."""

    def test_spills_and_keeps_the_bounds(self):
        from zcron.model.logs import SPILL, CronLogs
        logs, failure = CronLogs(), _log(0, "FAILURE", execution_id="f")
        logs.add(failure, 20)
        added = [_log(i + 1, execution_id=f"e{i}") for i in range(3 * SPILL)]
        for log in added:
            logs.add(log, 20)
        assert len(logs.recent) < SPILL and logs.older is not None
        assert logs.entries == tuple(reversed(added))[:20] + (failure,)
        assert logs.newest() is added[-1]
        assert logs.has("f") and logs.has("e4") and not logs.has("nope")
        hex_id = "ab" * 16
        assert not logs.has(hex_id)
        assert logs.counts == {"OK": 3 * SPILL, "FAILURE": 1}

    def test_a_record_written_before_the_split_loads(self):
        from zcron.model.logs import SPILL, CronLogs
        logs = CronLogs.__new__(CronLogs)
        old = tuple(_log(-i, execution_id=f"o{i}") for i in range(SPILL + 2))
        logs.__setstate__({"entries": old, "counts": {"OK": len(old)}, "limit": 50})
        assert logs.entries == old and logs.has("o9")
        logs.add(_log(1, execution_id="n"), 50)
        assert logs.entries[0].execution_id == "n" and len(logs.entries) == len(old) + 1
        assert len(logs.recent) == 1 and logs.has("o9")

    def test_clear_empties_both(self):
        from zcron.model.logs import SPILL, CronLogs
        logs = CronLogs()
        for i in range(SPILL + 1):
            logs.add(_log(i, execution_id=f"e{i}"), 50)
        logs.clear()
        assert logs.entries == () and not logs.has("e0") and logs.newest() is None

    def test_a_clear_against_a_spill_is_tried_again(self):
        from ZODB.POSException import ConflictError
        from zcron.model.older_logs import OlderLogs
        a, b = _log(0), _log(1)
        def state(*entries):
            older = OlderLogs()
            older.entries = entries
            return older.__getstate__()
        with pytest.raises(ConflictError):
            OlderLogs()._p_resolveConflict(state(a), state(), state(b, a))
        merged = OlderLogs()
        merged.__setstate__(OlderLogs()._p_resolveConflict(state(a), state(b, a),
                                                           state(_log(2), a)))
        assert [e.date.minute for e in merged.entries] == [2, 1, 0]

    def test_older_record_made_on_both_sides_is_tried_again(self):
        from ZODB.ConflictResolution import PersistentReference
        from ZODB.POSException import ConflictError
        from zcron.model.logs import CronLogs

        def ref(oid):
            return PersistentReference((oid, None))
        state = {"recent": (), "counts": {}}
        with pytest.raises(ConflictError):
            CronLogs()._p_resolveConflict(state, dict(state, older=ref(b"1")),
                                          dict(state, older=ref(b"2")))
        merged = CronLogs()._p_resolveConflict(state, dict(state, older=ref(b"1"),
                                                           older_ids=b"a" * 16),
                                               dict(state))
        assert merged["older"].oid == b"1" and merged["older_ids"] == b"a" * 16

    def test_a_run_writes_the_older_record_once_every_spill(self, db, session):
        from zcron.model.logs import SPILL
        from zcron.testing import written_oids
        crontab, (one,) = _site_with_crons(session, "one")
        writes = []
        for second in range(2 * SPILL):
            session.tm.begin()
            one.add_log(_log(second / 60, execution_id=f"e{second}"))
            session.tm.commit()
            older = one._logs.older
            writes.append(older is not None and older._p_oid in written_oids(db.storage))
        assert writes.count(True) == 2 and len(one.logs) == 2 * SPILL

    def test_has_logged_reads_no_older_entry(self, tmp_path, zca):
        from zcron.model.logs import SPILL

        def spill(one):
            for i in range(SPILL + 1):
                one.add_log(_log(i, execution_id=f"e{i}"))
        with _reopened_cron(tmp_path, spill) as cron:
            assert cron.has_logged("e0") and not cron.has_logged("x")
            assert cron.last_log().execution_id == f"e{SPILL}"
            assert cron._logs.older._p_changed is None      # still a ghost
            assert [e.execution_id for e in cron.logs][-1] == "e0"

    def test_a_log_nothing_was_added_to_reads_no_older_record(self, tmp_path, zca):
        """A cron's first claim writes its log record and the older one; its
        first run reads its log (the window's start, the last run) without
        loading the older record, which cannot hold an entry yet."""
        with _reopened_cron(tmp_path, lambda one: one.log_record()) as cron:
            assert cron.last_log() is None and list(cron.logs_newest_first()) == []
            assert list(cron.logs) == [] and cron.last_success is None
            assert cron._logs.older._p_changed is None      # still a ghost
            cron.add_log(_log(1, execution_id="e1"))
            assert [e.execution_id for e in cron.logs_newest_first()] == ["e1"]

    def test_two_spills_at_once_merge(self, db):
        from zcron.model.logs import SPILL
        """Both sides' runs at the spill point of a log that spilled before."""
        prior = [_log(i - 2 * SPILL, execution_id=f"p{i}") for i in range(2 * SPILL - 2)]
        entries, counts = TestLogRecordIsolation()._log_concurrently(db, db, limit=50,
                                                                     prior=prior)
        assert [e.execution_id for e in entries][:2] == ["o", "w"]
        assert len(entries) == 2 * SPILL and counts == {"OK": 2 * SPILL - 1, "WARN": 1}

    def test_hex_ids_found_only_where_an_id_starts(self):
        from zcron.model.log import new_execution_id
        from zcron.model.older_logs import has_id as _has_id, ids_of as _ids_text
        ids = [new_execution_id() for _ in range(3)]
        text = _ids_text([_log(i, execution_id=x) for i, x in enumerate(ids)])
        assert len(text) == 48 and all(_has_id(text, x) for x in ids)
        straddling = (bytes.fromhex(ids[0])[8:] + bytes.fromhex(ids[1])[:8]).hex()
        assert not _has_id(text, straddling) and not _has_id(text, new_execution_id())

    def test_the_view_is_read_once_for_a_state(self):
        from zcron.model.logs import SPILL, CronLogs
        logs = CronLogs()
        for i in range(SPILL + 2):
            logs.add(_log(i, execution_id=f"e{i}"), 50)
        assert logs.entries is logs.entries
        before = logs.entries
        logs.add(_log(SPILL + 3), 50)
        assert logs.entries is not before and len(logs.entries) == len(before) + 1

    def test_a_spill_leaves_the_older_entries_out_of_the_cache(self, db, session):
        from zcron.model.logs import SPILL
        crontab, (one,) = _site_with_crons(session, "one")
        for i in range(SPILL):
            session.tm.begin()
            one.add_log(_log(i, execution_id=f"e{i}"))
            session.tm.commit()
        older = one._logs.older
        assert older._p_changed is None             # a ghost once committed
        assert len(one.logs) == SPILL and one.has_logged("e0")

    def test_two_first_spills_at_once_merge(self, db):
        """The older record comes with the log: both sides write that one."""
        from zcron.model.logs import SPILL
        prior = [_log(i - SPILL, execution_id=f"p{i}") for i in range(SPILL - 1)]
        entries, counts = TestLogRecordIsolation()._log_concurrently(db, db, limit=50,
                                                                     prior=prior)
        assert [e.execution_id for e in entries][:2] == ["o", "w"]
        assert len(entries) == SPILL + 1 and counts == {"OK": SPILL, "WARN": 1}


@contextmanager
def _reopened_cron(tmp_path, fill):
    """A cron given ``fill``, committed, then read from the FileStorage
    reopened: every record a ghost until something reads it."""
    from zcron.components import load_crontab
    from zcron.db import Session, open_db
    uri = f"file://{tmp_path}/Data.fs"
    db = open_db(uri)
    try:
        with Session(db) as session:
            crontab, (one,) = _site_with_crons(session, "one")
            fill(one)
            session.tm.commit()
            uid = one.uid
        db.close()
        db = open_db(uri)
        with Session(db) as session:
            yield load_crontab(session.root.get_site("logged")).get(uid)
    finally:
        db.close()
