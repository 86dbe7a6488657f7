"""zcron.registry: the ZODB registry manager and the read-only JSON-file one,
swapped by name through ``site.registry``; each runs zcron.testing's
registry contract for its capability (writable, read-only)."""
import json
import os
from datetime import datetime, timezone

import pytest

from zcron.testing import ReadOnlyRegistryContract, WritableRegistryContract

UTC = timezone.utc
UID1 = "1" * 32
UID2 = "2" * 32


def _log(minute=0, status="OK"):
    from zcron.model import Log
    return Log(datetime(2026, 1, 1, 0, minute, tzinfo=UTC), status)


class TestZODBRegistryManager(WritableRegistryContract):
    @pytest.fixture(autouse=True)
    def _db(self, db):
        self.db = db

    def make_site(self, root):
        from zcron.model import CronSite
        return root.add_site(CronSite("contract"))

    def test_the_zodb_registry_is_the_one_tested(self):
        with self.open_session() as s:
            assert type(self.make_registry(self.make_site(s.root))) is \
                self._getTargetClass()

    def _getTargetClass(self):
        from zcron.registry import ZODBRegistryManager
        return ZODBRegistryManager

    def _site(self, session, name="z"):
        from zcron.model import CronSite
        return session.root.add_site(CronSite(name))

    def test_verify(self, session):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import IRegistryManager
        manager = self._getTargetClass()(self._site(session))
        assert verifyObject(IRegistryManager, manager) and manager.read_only is False

    def test_load_creates_an_attached_crontab_once(self, session):
        site = self._site(session)
        manager = self._getTargetClass()(site)
        crontab = manager.load()
        assert site.crontab is crontab and crontab.__parent__ is site
        assert crontab.site == "z" and len(crontab) == 0
        assert manager.load() is crontab

    def test_save_attaches_a_new_crontab(self, session):
        from zcron.model import Crontab
        site = self._site(session)
        manager = self._getTargetClass()(site)
        manager.load()
        replacement = Crontab(site="elsewhere")
        manager.save(replacement)
        assert site.crontab is replacement and replacement.__parent__ is site
        assert replacement.site == "z"

    def test_save_of_the_stored_crontab_changes_nothing(self, db, session):
        site = self._site(session)
        manager = self._getTargetClass()(site)
        crontab = manager.load()
        session.tm.commit()
        last = db.storage.lastTransaction()
        manager.save(crontab, crons=["x" * 32])
        session.tm.commit()
        assert db.storage.lastTransaction() == last

    def test_found_by_name(self, session):
        from zcron.components import registry_for
        site = self._site(session)
        assert isinstance(registry_for(site), self._getTargetClass())
        site.registry = None          # unset means the default
        assert isinstance(registry_for(site), self._getTargetClass())


def _write(path, data, mtime=None):
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    if mtime is not None:
        os.utime(path, ns=(mtime, mtime))
    return str(path)


CRONTAB = {"site": "ignored", "activated": True, "crons": [
    {"uid": UID1, "name": "report", "periodicity": "0 8 * * *",
     "logs": [{"date": "2025-12-31T00:00:00+00:00", "status": "FAILURE",
               "messages": ["from the file"]}]},
    {"uid": UID2, "name": "cleanup", "periodicity": "@hourly", "activated": False},
]}


class TestJSONFileRegistryManager(ReadOnlyRegistryContract):
    @pytest.fixture(autouse=True)
    def _db(self, db, tmp_path):
        self.db, self.tmp_path = db, tmp_path

    def make_site(self, root):
        from zcron.model import CronSite
        path = _write(self.tmp_path / "contract.json", CRONTAB)
        return root.add_site(CronSite("contract", registry="json",
                                      registry_options={"path": path}))

    def test_the_json_registry_is_the_one_tested(self):
        with self.open_session() as s:
            assert type(self.make_registry(self.make_site(s.root))) is \
                self._getTargetClass()

    def _getTargetClass(self):
        from zcron.registry import JSONFileRegistryManager
        return JSONFileRegistryManager

    def _site(self, session, path, name="vcs"):
        from zcron.model import CronSite
        return session.root.add_site(CronSite(name, registry="json",
                                              registry_options={"path": path}))

    def _load(self, site):
        from zcron.components import load_crontab
        return load_crontab(site)

    def test_verify(self, session, tmp_path):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import IRegistryManager
        site = self._site(session, _write(tmp_path / "c.json", CRONTAB))
        manager = self._getTargetClass()(site)
        assert verifyObject(IRegistryManager, manager) and manager.read_only is True

    def test_swapped_by_name(self, session, tmp_path):
        from zcron.components import registry_for
        site = self._site(session, _write(tmp_path / "c.json", CRONTAB))
        assert isinstance(registry_for(site), self._getTargetClass())

    def test_reads_the_file_read_only(self, session, tmp_path):
        site = self._site(session, _write(tmp_path / "c.json", CRONTAB))
        crontab = self._load(site)
        assert crontab.read_only is True and crontab.__parent__ is site
        assert crontab.site == "vcs"
        assert [(c.uid, c.name, c.activated) for c in crontab] == \
            [(UID1, "report", True), (UID2, "cleanup", False)]
        assert crontab.get(UID1).last_log().messages == ["from the file"]
        assert site.crontab is None          # nothing stored as the crontab

    def test_save_is_a_no_op_without_event(self, session, tmp_path, modified):
        path = _write(tmp_path / "c.json", CRONTAB)
        before = open(path).read()
        site = self._site(session, path)
        crontab = self._load(site)
        crontab.get(UID1).edit(name="changed")
        crontab.activated = False
        crontab.save()
        crontab.save_cron(UID1)
        self._getTargetClass()(site).save(crontab)
        assert modified == []
        assert open(path).read() == before
        again = self._load(site)
        assert again.get(UID1).name == "report" and again.activated is True

    def test_logs_recorded_across_reloads_and_reopen(self, tmp_path, zca):
        from zcron.db import Session, open_db
        path = _write(tmp_path / "c.json", CRONTAB)
        uri = f"file://{tmp_path}/reopened/Data.fs"     # not the fixture's
        db = open_db(uri)
        with Session(db) as s:
            site = self._site(s, path)
            self._load(site).get(UID1).add_log(_log(1, "WARN"))
            s.tm.commit()
            self._load(site).get(UID1).add_log(_log(2))
            s.tm.commit()
        db.close()
        db = open_db(uri)
        try:
            with Session(db) as s:
                site = s.root.get_site("vcs")
                cron = self._load(site).get(UID1)
                assert [l.status for l in cron.logs] == ["OK", "WARN", "FAILURE"]
                assert list(site.json_logs) == [UID1, UID2]
        finally:
            db.close()

    def test_log_writes_only_the_log_record(self, db, session, tmp_path):
        site = self._site(session, _write(tmp_path / "c.json", CRONTAB))
        cron = self._load(site).get(UID2)
        session.tm.commit()
        cron.add_log(_log())
        session.tm.commit()
        from zcron.testing import written_oids
        assert written_oids(db.storage) == {site.json_logs[UID2]._p_oid}

    def test_file_change_picked_up(self, session, tmp_path):
        path = tmp_path / "c.json"
        _write(path, CRONTAB, mtime=1_700_000_000_000_000_000)
        site = self._site(session, str(path))
        self._load(site).get(UID1).add_log(_log(5))
        changed = json.loads(json.dumps(CRONTAB))
        changed["crons"][0]["periodicity"] = "0 9 * * *"
        _write(path, changed, mtime=1_700_000_001_000_000_000)
        assert os.path.getsize(path) == len(json.dumps(CRONTAB))   # only mtime tells
        crontab = self._load(site)
        assert crontab.get(UID1).periodicity == "0 9 * * *"
        assert crontab.get(UID1).last_log().date.minute == 5   # log kept

    def test_unchanged_file_parsed_once(self, session, tmp_path):
        from zcron.registry import jsonfile
        path = _write(tmp_path / "c.json", CRONTAB)
        site = self._site(session, path)
        self._load(site)
        cached = jsonfile._cache[path]
        self._load(site)
        assert jsonfile._cache[path] is cached

    def test_crons_without_uid_get_stable_ones(self, session, tmp_path):
        data = {"crons": [{"name": "a", "periodicity": "@daily"},
                          {"name": "b", "periodicity": "@daily"},
                          {"name": "a", "periodicity": "@hourly"}]}
        path = tmp_path / "c.json"
        _write(path, data, mtime=1_000_000_000)
        site = self._site(session, str(path))
        first = [c.uid for c in self._load(site)]
        assert len(set(first)) == 3
        self._load(site).get(first[2]).add_log(_log())
        data["crons"][0]["periodicity"] = "@weekly"   # edited: same uid
        data["crons"].insert(1, {"name": "c", "periodicity": "@daily"})
        _write(path, data, mtime=2_000_000_000)
        second = {c.name + c.periodicity: c.uid for c in self._load(site)}
        assert second["a@weekly"] == first[0] and second["b@daily"] == first[1]
        assert second["a@hourly"] == first[2]
        assert len(self._load(site).get(first[2]).logs) == 1

    def test_collective_cron_list_of_json_strings(self, session, tmp_path):
        crons = [json.dumps({"uid": UID1, "name": "a", "periodicity": "@daily"}),
                 json.dumps({"name": "b", "periodicity": "@daily"})]
        site = self._site(session, _write(tmp_path / "c.json", crons))
        assert [c.name for c in self._load(site)] == ["a", "b"]

    @pytest.mark.parametrize("content,error,needle", [
        ("{oops", "InvalidDump", "malformed JSON"),
        ('"a string"', "InvalidDump", "'crons' list"),
        ('{"crons": 3}', "InvalidDump", "'crons' list"),
        ('{"crons": [7]}', "InvalidDump", "a cron must be a JSON object"),
        ('{"crons": [{"name": 7, "periodicity": "@daily"}]}', "InvalidInput", "7"),
        ('{"crons": [{"name": "x", "periodicity": "@never"}]}', "InvalidCronExpression",
         "@never"),
        ('[{"uid": "%s", "name": "x", "periodicity": "@daily"},'
         ' {"uid": "%s", "name": "y", "periodicity": "@daily"}]' % (UID1, UID1),
         "DuplicateUid", UID1),
    ])
    def test_bad_file(self, session, tmp_path, content, error, needle):
        from zcron import exceptions
        site = self._site(session, _write(tmp_path / "bad.json", content))
        with pytest.raises(getattr(exceptions, error)) as info:
            self._load(site)
        assert isinstance(info.value, exceptions.InvalidInput)
        assert needle in str(info.value)

    def test_bad_file_after_a_good_one(self, session, tmp_path):
        from zcron.exceptions import InvalidDump
        path = tmp_path / "c.json"
        _write(path, CRONTAB, mtime=1_000_000_000)
        site = self._site(session, str(path))
        self._load(site)
        _write(path, "{", mtime=2_000_000_000)
        with pytest.raises(InvalidDump):
            self._load(site)

    def test_missing_file(self, session, tmp_path):
        from zcron.exceptions import InvalidInput
        path = str(tmp_path / "absent.json")
        with pytest.raises(InvalidInput) as info:
            self._load(self._site(session, path))
        assert info.value.field == "crontab file" and path in str(info.value)
        assert "No such file" in str(info.value)

    def test_no_path(self, session):
        from zcron.exceptions import InvalidInput
        from zcron.model import CronSite
        site = session.root.add_site(CronSite("nopath", registry="json"))
        with pytest.raises(InvalidInput, match="needs a 'path'"):
            self._load(site)


class TestStableUid:
    def test_stable_and_distinct(self):
        from zcron.registry.jsonfile import stable_uid
        assert stable_uid("a", 0) == stable_uid("a", 0)
        assert len({stable_uid("a", 0), stable_uid("a", 1), stable_uid("b", 0)}) == 3
        assert len(stable_uid("a", 0)) == 32 and int(stable_uid("a", 0), 16) >= 0
