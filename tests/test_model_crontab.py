"""zcron.model.crontab: order, lookups, the switches, saving and its events."""
import pytest

UID1 = "1" * 32
UID2 = "2" * 32


def _cron(name="job", periodicity="*/5 * * * *", **kw):
    from zcron.model import Cron
    return Cron(name, periodicity, **kw)


class TestCrontab:
    def _getTargetClass(self):
        from zcron.model import Crontab
        return Crontab

    def _makeOne(self, *args, **kw):
        return self._getTargetClass()(*args, **kw)

    def _filled(self):
        crontab = self._makeOne()
        a = crontab.add_cron(_cron("a", "*/5 * * * *"))
        b = crontab.add_cron(_cron("b", "0 8 * * *", activated=False))
        c = crontab.add_cron(_cron("a", "0 8 * * *"))
        d = crontab.add_cron(_cron("c", "*/5 * * * *", activated=False))
        return crontab, (a, b, c, d)

    def test_uids_after_follow_uid_order(self):
        crontab, crons = self._filled()
        uids = sorted(cron.uid for cron in crons)
        assert list(crontab.uids_after()) == uids
        assert list(crontab.uids_after(uids[1])) == uids[2:]
        assert list(crontab.uids_after(uids[-1])) == []

    def test_verify(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import ICrontab
        assert verifyObject(ICrontab, self._makeOne())

    def test_defaults(self):
        crontab = self._makeOne()
        assert crontab.site == "default" and crontab.activated is True
        assert crontab.read_only is False and len(crontab) == 0
        assert list(crontab) == [] and crontab.__parent__ is None

    @pytest.mark.parametrize("kw,field", [({"site": ""}, "site"), ({"site": 3}, "site"),
                                          ({"activated": "no"}, "activated")])
    def test_bad_arguments(self, kw, field):
        from zcron.exceptions import InvalidInput
        with pytest.raises(InvalidInput) as info:
            self._makeOne(**kw)
        assert info.value.field == field

    def test_add_cron(self):
        crontab = self._makeOne()
        cron = _cron(uid=UID1)
        assert crontab.add_cron(cron) is cron
        assert cron.__parent__ is crontab
        assert UID1 in crontab and len(crontab) == 1 and crontab.get(UID1) is cron

    def test_add_duplicate_uid(self):
        from zcron.exceptions import DuplicateUid, InvalidInput
        crontab = self._makeOne()
        first = crontab.add_cron(_cron("first", uid=UID1))
        with pytest.raises(DuplicateUid) as info:
            crontab.add_cron(_cron("second", uid=UID1))
        assert isinstance(info.value, InvalidInput) and UID1 in str(info.value)
        assert list(crontab) == [first] and crontab.find(name="second") == []

    def test_insertion_order(self):
        crontab = self._makeOne()
        crons = [crontab.add_cron(_cron(f"job{i}", uid=f"{9 - i:032x}")) for i in range(6)]
        assert list(crontab) == crons      # not sorted by uid nor name
        crontab.remove_cron(crons[2].uid)
        late = crontab.add_cron(_cron("late", uid="f" * 32))
        assert list(crontab) == crons[:2] + crons[3:] + [late]

    def test_remove_cron(self):
        crontab, (a, b, c, d) = self._filled()
        assert crontab.remove_cron(b.uid) is b
        assert b.uid not in crontab and b.__parent__ is None
        assert list(crontab) == [a, c, d] and crontab.find(name="b") == []
        b.edit(name="renamed")   # a removed cron touches no index
        assert crontab.find(name="renamed") == []

    def test_remove_unknown(self):
        from zcron.exceptions import UnknownCron
        crontab, crons = self._filled()
        with pytest.raises(UnknownCron):
            crontab.remove_cron(UID1)
        assert len(crontab) == 4

    def test_get_unknown(self):
        from zcron.exceptions import NotFound, UnknownCron, ZcronError
        with pytest.raises(UnknownCron) as info:
            self._makeOne().get(UID1)
        assert isinstance(info.value, LookupError)
        assert isinstance(info.value, (NotFound, ZcronError))
        assert str(info.value) == (f"invalid cron {UID1!r}: no such cron "
                                   "(give a uid or a unique name)")

    def test_contains(self):
        crontab, (a, *_) = self._filled()
        assert a.uid in crontab and UID1 not in crontab

    def test_find_no_filter_is_all(self):
        crontab, crons = self._filled()
        assert crontab.find() == list(crons)

    def test_find_by_name_in_order(self):
        crontab, (a, b, c, d) = self._filled()
        assert crontab.find(name="a") == [a, c]
        assert crontab.find(name="nobody") == []

    def test_find_by_activated(self):
        crontab, (a, b, c, d) = self._filled()
        assert crontab.find(activated=True) == [a, c]
        assert crontab.find(activated=False) == [b, d]

    def test_find_by_periodicity(self):
        crontab, (a, b, c, d) = self._filled()
        assert crontab.find(periodicity="*/5 * * * *") == [a, d]
        assert crontab.find(periodicity=" 0   8 * * * ") == [b, c]   # normalised
        assert crontab.find(periodicity="0 9 * * *") == []

    def test_find_combinations(self):
        crontab, (a, b, c, d) = self._filled()
        assert crontab.find(name="a", periodicity="0 8 * * *") == [c]
        assert crontab.find(name="a", activated=False) == []
        assert crontab.find(activated=False, periodicity="*/5 * * * *") == [d]
        assert crontab.find(name="c", activated=False, periodicity="*/5 * * * *") == [d]

    def test_find_bad_expression(self):
        from zcron.exceptions import InvalidCronExpression
        with pytest.raises(InvalidCronExpression):
            self._filled()[0].find(periodicity="often")

    def test_resolve(self):
        crontab, (a, b, c, d) = self._filled()
        assert crontab.resolve(b.uid) is b
        assert crontab.resolve(b.uid.upper()) is b
        assert crontab.resolve("b") is b

    def test_resolve_ambiguous(self):
        from zcron.exceptions import AmbiguousCron, NotFound
        crontab, crons = self._filled()
        with pytest.raises(AmbiguousCron) as info:
            crontab.resolve("a")
        assert isinstance(info.value, NotFound)
        assert "'a'" in str(info.value) and "2 crons" in str(info.value)

    @pytest.mark.parametrize("ref", ["nobody", "", None, 42])
    def test_resolve_unknown(self, ref):
        from zcron.exceptions import UnknownCron
        with pytest.raises(UnknownCron) as info:
            self._filled()[0].resolve(ref)
        assert repr(ref) in str(info.value)

    def test_prefixes(self):
        crontab = self._makeOne()
        for uid, name in (("ab" + "1" * 30, "one"), ("ab" + "2" * 30, "two"),
                          ("ac" + "3" * 30, "one")):
            crontab.add_cron(_cron(name, uid=uid))
        assert crontab.uids_starting("AB") == ["ab" + "1" * 30, "ab" + "2" * 30]
        assert crontab.uids_starting("a", limit=1) == ["ab" + "1" * 30]
        assert crontab.uids_starting("b") == []
        assert crontab.names_starting("t") == [("two", "ab" + "2" * 30)]
        assert crontab.names_starting("", limit=1) == [("one", "ab" + "1" * 30)]
        assert crontab.resolve("ab2").name == "two"
        assert crontab.resolve("AC").uid == "ac" + "3" * 30

    def test_resolve_a_prefix_of_several_or_none(self):
        from zcron.exceptions import UnknownCron
        crontab = self._makeOne()
        for i in range(7):
            crontab.add_cron(_cron(f"j{i}", uid=f"ab{i}" + "0" * 29))
        with pytest.raises(UnknownCron, match=r"7 crons have a uid starting so: "
                           r"ab00\w* \(j0\), .*, ab40\w* \(j4\), \.\.\.; give more of it"):
            crontab.resolve("ab")
        with pytest.raises(UnknownCron, match="no such cron in site 'default'"):
            crontab.resolve("abc")

    def test_a_prefix_reads_only_its_range(self, tmp_path, zca):
        """A short uid in 3,000 crons loads a few index buckets and one cron."""
        import hashlib
        from zcron.components import load_crontab
        from zcron.db import Session, open_db
        from zcron.model import CronSite
        db = open_db(f"file://{tmp_path}/Data.fs")
        try:
            with Session(db) as s:
                crontab = load_crontab(s.root.add_site(CronSite("big")))
                for i in range(3000):
                    uid = hashlib.md5(str(i).encode()).hexdigest()
                    crontab.add_cron(_cron(f"job{i:04}", uid=uid))
                crontab.save()
                s.tm.commit()
            wanted = hashlib.md5(b"1234").hexdigest()
            db.cacheMinimize()
            with Session(db) as s:
                crontab = load_crontab(s.root.get_site("big"))
                len(crontab)
                s.conn.getTransferCounts(True)
                assert crontab.resolve(wanted[:8]).uid == wanted
                assert crontab.names_starting("job12", limit=5)[0][0] == "job1200"
                assert crontab.uids_starting(wanted[:2])
                loaded = s.conn.getTransferCounts(True)[0]
                assert 1 < loaded < 40, loaded
                [cron.name for cron in crontab]          # what it used to read
                assert s.conn.getTransferCounts(True)[0] > 3000
        finally:
            db.close()

    def test_rename_updates_the_index(self):
        crontab, (a, b, c, d) = self._filled()
        b.edit(name="renamed")
        assert crontab.find(name="b") == []
        assert crontab.find(name="renamed") == [b]
        assert crontab.resolve("renamed") is b
        c.edit(name="renamed")
        assert crontab.find(name="renamed") == [b, c]
        assert crontab.find(name="a") == [a]
        assert crontab.resolve("a") is a

    def test_edit_without_rename_keeps_the_index(self):
        crontab, (a, b, c, d) = self._filled()
        b.edit(retries=3)
        assert crontab.find(name="b") == [b]

    def test_failed_rename_keeps_the_index(self):
        from zcron.exceptions import UnknownTimezone
        crontab, (a, b, c, d) = self._filled()
        with pytest.raises(UnknownTimezone):
            b.edit(name="renamed", timezone="Nowhere/Atall")
        assert crontab.find(name="b") == [b] and crontab.find(name="renamed") == []

    def test_repr(self):
        crontab, crons = self._filled()
        assert repr(crontab) == "<Crontab default 4 crons on>"
        crontab.activated = False
        assert repr(crontab) == "<Crontab default 4 crons off>"

    # -- saving ------------------------------------------------------------------

    def _attached(self, session):
        from zcron.components import load_crontab
        from zcron.model import CronSite
        site = session.root.add_site(CronSite("saved"))
        return site, load_crontab(site)

    def test_save_fires_event_for_the_whole_crontab(self, session, modified):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import IModifiedCrontabEvent
        site, crontab = self._attached(session)
        crontab.add_cron(_cron())
        crontab.save()
        (event,) = modified
        assert verifyObject(IModifiedCrontabEvent, event)
        assert event.object is crontab and event.site is site and event.crons is None

    def test_save_cron_fires_event_for_that_cron(self, session, modified):
        site, crontab = self._attached(session)
        cron = crontab.add_cron(_cron(uid=UID1))
        crontab.save_cron(cron)
        crontab.save_cron(UID2)            # a removed cron, by uid
        assert [e.crons for e in modified] == [[UID1], [UID2]]
        assert all(e.object is crontab and e.site is site for e in modified)

    def test_save_writes_through_the_registry(self, session, modified):
        from zcron.model import Crontab
        site, crontab = self._attached(session)
        replacement = Crontab(site="other")
        replacement.__parent__ = site
        replacement.save()
        assert site.crontab is replacement and replacement.site == "saved"

    def test_read_only_saves_nothing_and_fires_nothing(self, session, modified):
        site, crontab = self._attached(session)
        crontab.read_only = True
        crontab.add_cron(_cron(uid=UID1))
        crontab.save()
        crontab.save_cron(UID1)
        assert modified == []

    def test_read_only_needs_no_site(self, modified):
        crontab = self._makeOne()
        crontab.read_only = True
        crontab.save()
        assert modified == []

    def test_save_without_site(self, modified):
        from zcron.exceptions import ZcronError
        with pytest.raises(ZcronError, match="belongs to no site"):
            self._makeOne().save()
        assert modified == []

    # -- persistence ---------------------------------------------------------------

    def test_order_and_switches_survive_commits_and_reopen(self, tmp_path, zca):
        from zcron.components import load_crontab
        from zcron.db import Session, open_db
        from zcron.model import CronSite
        uri = f"file://{tmp_path}/Data.fs"
        db = open_db(uri)
        with Session(db) as s:
            crontab = load_crontab(s.root.add_site(CronSite("kept")))
            crons = [crontab.add_cron(_cron(f"j{i}", uid=f"{9 - i:032x}")) for i in range(3)]
            crontab.save()
            s.tm.commit()
            crontab.remove_cron(crons[1].uid)
            crontab.add_cron(_cron("late", uid="f" * 32, activated=False))
            crontab.activated = False
            crontab.save()
            s.tm.commit()
            expected = crontab.dump()
        db.close()
        db = open_db(uri)
        try:
            with Session(db) as s:
                crontab = load_crontab(s.root.get_site("kept"))
                assert crontab.dump() == expected
                assert [c.name for c in crontab] == ["j0", "j2", "late"]
                assert crontab.activated is False
                assert crontab.find(activated=False)[0].name == "late"
                assert crontab.resolve("j2").uid == f"{7:032x}"
        finally:
            db.close()


class TestCalendars:
    def _crontab(self):
        from zcron.model import Crontab
        from zcron.model.calendar import Calendar
        crontab = Crontab(site="s")
        crontab.set_calendar(Calendar("holidays", dates=["2026-12-25"]))
        crontab.set_calendar(Calendar("lunch", blackouts=["0 12 * * * for 1h"]))
        return crontab

    def test_set_get_and_list(self):
        crontab = self._crontab()
        assert sorted(crontab.calendars()) == ["holidays", "lunch"]
        assert crontab.get_calendar("lunch").blackouts == ("0 12 * * * for 1h",)

    def test_unknown_calendar_names_it(self):
        from zcron.exceptions import InvalidInput
        with pytest.raises(InvalidInput, match="invalid calendar 'nope': no such calendar"):
            self._crontab().get_calendar("nope")

    def test_add_cron_with_an_unknown_calendar_refused(self):
        from zcron.exceptions import InvalidInput
        crontab = self._crontab()
        with pytest.raises(InvalidInput, match="'nope'"):
            crontab.add_cron(_cron(exclude=["holidays", "nope"]))
        assert len(crontab) == 0

    def test_remove_refused_while_used_naming_the_crons(self):
        from zcron.exceptions import InvalidInput
        crontab = self._crontab()
        a = crontab.add_cron(_cron("a", exclude=["holidays"]))
        crontab.add_cron(_cron("b", exclude=["lunch", "holidays"]))
        assert [c.name for c in crontab.users_of("holidays")] == ["a", "b"]
        with pytest.raises(InvalidInput, match="still excluded by the crons a, b"):
            crontab.remove_calendar("holidays")
        assert sorted(crontab.calendars()) == ["holidays", "lunch"]
        a.edit(exclude=[])
        with pytest.raises(InvalidInput, match="still excluded by the crons b$"):
            crontab.remove_calendar("holidays")

    def test_remove(self):
        crontab = self._crontab()
        crontab.remove_calendar("lunch")
        assert list(crontab.calendars()) == ["holidays"]

    def test_save_calendar_synchronises_its_users_only(self, modified, session, site):
        from zcron.components import load_crontab
        from zcron.model.calendar import Calendar
        crontab = load_crontab(site)
        crontab.set_calendar(Calendar("holidays"))
        user = crontab.add_cron(_cron("a", exclude=["holidays"]))
        crontab.add_cron(_cron("b"))
        crontab.save_calendar("holidays")
        assert modified[-1].crons == [user.uid]


class TestCronSite:
    def _getTargetClass(self):
        from zcron.model import CronSite
        return CronSite

    def test_verify(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import ICronSite
        assert verifyObject(ICronSite, self._getTargetClass()("s"))

    def test_defaults(self):
        site = self._getTargetClass()(" s ")
        assert site.name == "s" and site.registry == "zodb"
        assert dict(site.registry_options) == {} and site.crontab is None
        assert repr(site) == "<CronSite s>"

    def test_registry_options_copied(self):
        options = {"path": "/x.json"}
        site = self._getTargetClass()("s", registry="json", registry_options=options)
        options["path"] = "/changed"
        assert site.registry == "json" and site.registry_options["path"] == "/x.json"

    @pytest.mark.parametrize("name", ["", "  ", None, 3, "a\x00b"])
    def test_bad_name(self, name):
        from zcron.exceptions import InvalidInput
        with pytest.raises(InvalidInput) as info:
            self._getTargetClass()(name)
        assert info.value.field == "site"


class TestZcronRoot:
    def _makeOne(self):
        from zcron.model import ZcronRoot
        return ZcronRoot()

    def test_sites(self):
        from zcron.model import CronSite
        root = self._makeOne()
        site = root.add_site(CronSite("a"))
        assert site.__parent__ is root and root.get_site("a") is site
        assert root.remove_site("a") is site and "a" not in root.sites

    def test_duplicate_site(self):
        from zcron.exceptions import InvalidInput
        from zcron.model import CronSite
        root = self._makeOne()
        first = root.add_site(CronSite("a"))
        with pytest.raises(InvalidInput, match="exists"):
            root.add_site(CronSite("a"))
        assert root.get_site("a") is first

    def test_unknown_site(self):
        from zcron.exceptions import UnknownSite
        root = self._makeOne()
        with pytest.raises(UnknownSite, match="'nope'"):
            root.get_site("nope")
        with pytest.raises(UnknownSite):
            root.remove_site("nope")

    def test_component_data_created_once(self):
        root = self._makeOne()
        data = root.component_data("queue", dict)
        assert root.component_data("queue", list) is data
