"""zcron.testing.contracts.registry owns the IRegistryManager contract, split
by capability: ``ReadableRegistryContract`` (every registry),
``ReadOnlyRegistryContract`` and ``WritableRegistryContract``."""
from contextlib import contextmanager

from zcron.testing.contracts.base import DatabaseHook


def _uids(crontab):
    return [cron.uid for cron in crontab]


@contextmanager
def _modified_events():
    """The IModifiedCrontabEvents notified inside the block."""
    from zope.component import getGlobalSiteManager
    from zcron.interfaces import IModifiedCrontabEvent
    seen, registry = [], getGlobalSiteManager()
    registry.registerHandler(seen.append, (IModifiedCrontabEvent,))
    try:
        yield seen
    finally:
        registry.unregisterHandler(seen.append, (IModifiedCrontabEvent,))


class ReadableRegistryContract(DatabaseHook):
    """What every registry manager does: load the site's crontab.

    The hook: ``self.db`` (see DatabaseHook); ``make_site(root)``, which adds
    an ICronSite to zcron's root whose registry (``site.registry``, and
    ``site.registry_options``) is the one under test -- for a read-only one,
    with a crontab to read; and ``make_registry(site)``, by default looked up
    as zcron does (``zcron.components.registry_for``).
    """

    def make_site(self, root):
        raise NotImplementedError(f"{type(self).__name__} must define make_site(root)")

    def make_registry(self, site):
        from zcron.components import registry_for
        return registry_for(site)

    def _stored_site(self):
        """The name of a site made and committed."""
        return self.committed(lambda root: self.make_site(root).name)

    def test_provides_IRegistryManager(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import IRegistryManager
        with self.open_session() as s:
            manager = self.make_registry(self.make_site(s.root))
            assert verifyObject(IRegistryManager, manager)
            assert manager.read_only in (True, False)

    def test_load_gives_the_sites_crontab(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import ICron, ICrontab
        with self.open_session() as s:
            site = self.make_site(s.root)
            manager = self.make_registry(site)
            crontab = manager.load()
            assert verifyObject(ICrontab, crontab) and crontab.site == site.name
            assert bool(crontab.read_only) == bool(manager.read_only)
            assert all(verifyObject(ICron, cron) for cron in crontab)
            assert len(crontab) == len(_uids(crontab))

    def test_loaded_again_the_same(self):
        with self.open_session() as s:
            manager = self.make_registry(self.make_site(s.root))
            first = manager.load().dump(with_logs=False)
            assert manager.load().dump(with_logs=False) == first

    def test_loaded_the_same_from_another_connection(self):
        name = self._stored_site()
        with self.open_session() as s:
            first = self.make_registry(s.root.get_site(name)).load()
            dump = first.dump(with_logs=False)
            s.tm.commit()                 # a first load may record things
        with self.open_session() as s:
            again = self.make_registry(s.root.get_site(name)).load()
            assert again.dump(with_logs=False) == dump


class ReadOnlyRegistryContract(ReadableRegistryContract):
    """A read-only registry (``read_only`` True): saving writes nothing."""

    def test_read_only(self):
        with self.open_session() as s:
            manager = self.make_registry(self.make_site(s.root))
            assert manager.read_only is True and manager.load().read_only is True

    def test_save_writes_nothing(self):
        from zcron.model import Cron
        name = self._stored_site()
        with self.open_session() as s:
            manager = self.make_registry(s.root.get_site(name))
            before = manager.load().dump(with_logs=False)
            s.tm.commit()
            last = self.db.storage.lastTransaction()
            crontab = manager.load()
            crontab.activated = not crontab.activated
            crontab.add_cron(Cron("added", "@daily"))
            with _modified_events() as seen:
                manager.save(crontab)
                manager.save(crontab, crons=_uids(crontab))
                crontab.save()
                crontab.save_cron(_uids(crontab)[-1])
            assert seen == []
            s.tm.commit()
            assert self.db.storage.lastTransaction() == last
        with self.open_session() as s:
            again = self.make_registry(s.root.get_site(name)).load()
            assert again.dump(with_logs=False) == before


class WritableRegistryContract(ReadableRegistryContract):
    """A registry that saves: ``make_site`` gives a site with no crontab
    yet; what is saved is loaded back from another connection."""

    def _saved(self, name, change):
        """Load the crontab of site ``name``, ``change(crontab)``, save it
        and commit; then the crontab loaded in another connection."""
        with self.open_session() as s:
            manager = self.make_registry(s.root.get_site(name))
            crontab = manager.load()
            crons = change(crontab)
            manager.save(crontab, crons)
            s.tm.commit()
        with self.open_session() as s:
            return self.make_registry(s.root.get_site(name)).load().dump(with_logs=False)

    def test_writable(self):
        with self.open_session() as s:
            manager = self.make_registry(self.make_site(s.root))
            assert manager.read_only is False and manager.load().read_only is False

    def test_empty_when_none_yet(self):
        with self.open_session() as s:
            site = self.make_site(s.root)
            crontab = self.make_registry(site).load()
            assert len(crontab) == 0 and list(crontab) == []
            assert crontab.site == site.name

    def test_crons_added_and_removed_round_trip(self):
        from zcron.model import Cron
        name = self._stored_site()
        crons = [Cron("a", "@daily"), Cron("b", "*/5 * * * *", activated=False),
                 Cron("c", "0 8 * * 1-5", timezone="Europe/Zurich")]

        def add(crontab):
            for cron in crons:
                crontab.add_cron(cron)
        dump = self._saved(name, add)
        assert [(c["uid"], c["name"], c["periodicity"], c["activated"], c["timezone"])
                for c in dump["crons"]] == \
            [(c.uid, c.name, c.periodicity, c.activated, c.timezone) for c in crons]
        assert dump["site"] == name
        dump = self._saved(name, lambda crontab: crontab.remove_cron(crons[1].uid))
        assert [c["uid"] for c in dump["crons"]] == [crons[0].uid, crons[2].uid]

    def test_one_cron_saved(self):
        from zcron.model import Cron
        name = self._stored_site()
        cron = Cron("a", "@daily")

        def add(crontab):
            crontab.add_cron(cron)
        self._saved(name, add)

        edited = []

        def edit(crontab):
            crontab.get(cron.uid).edit(periodicity="@hourly", environ={"n": 1})
            edited.append(crontab.get(cron.uid).periodicity)
            return [cron.uid]
        dump = self._saved(name, edit)
        assert [(c["periodicity"], c["environ"]) for c in dump["crons"]] == \
            [(edited[0], {"n": 1})]

    def test_switch_round_trip(self):
        name = self._stored_site()

        def switch_off(crontab):
            crontab.activated = False
        assert self._saved(name, switch_off)["activated"] is False

    def test_a_new_crontab_saved(self):
        from zcron.model import Cron, Crontab
        name = self._stored_site()
        replacement = Crontab(site=name, activated=False)
        cron = replacement.add_cron(Cron("fresh", "@weekly"))
        with self.open_session() as s:
            manager = self.make_registry(s.root.get_site(name))
            manager.load()
            manager.save(replacement)
            s.tm.commit()
        with self.open_session() as s:
            loaded = self.make_registry(s.root.get_site(name)).load()
            assert _uids(loaded) == [cron.uid] and loaded.activated is False
            assert loaded.site == name
