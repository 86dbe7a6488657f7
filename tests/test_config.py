"""zcron.config: loading ZCML, and the Python helpers for hosts without it."""
import pytest


def _zcml(path, body):
    path.write_text('<configure xmlns="http://namespaces.zope.org/zope">'
                    f'{body}</configure>')
    return str(path)


def _site_and_cron(name="job"):
    from zcron.model import Cron, CronSite
    return CronSite("s"), Cron(name, "@daily")


class TestConfigure:
    def _callFUT(self, *paths):
        from zcron.config import configure
        return configure(*paths)

    def test_defaults(self, clean_zca):
        from zope.component import getAdapter
        from zcron.components import registry_for
        from zcron.interfaces import IRegistryManager
        from zcron.registry import JSONFileRegistryManager, ZODBRegistryManager
        site, cron = _site_and_cron()
        self._callFUT()
        assert isinstance(registry_for(site), ZODBRegistryManager)
        assert isinstance(getAdapter(site, IRegistryManager, "json"),
                          JSONFileRegistryManager)

    def test_defaults_loaded_once(self, clean_zca):
        from zope.component import getGlobalSiteManager
        from zcron import config
        self._callFUT()
        before = len(list(getGlobalSiteManager().registeredHandlers()))
        self._callFUT()
        assert len(list(getGlobalSiteManager().registeredHandlers())) == before
        config.reset()
        assert config._configured == []

    def test_host_file(self, clean_zca, tmp_path):
        from zcron import config
        path = _zcml(tmp_path / "host.zcml",
                     '<adapter factory="zcron.runners.Runner" name="base" />')
        self._callFUT(path)
        assert config.runner_names() == ["base"]

    def test_a_host_including_zcron_adds_nothing_twice(self, clean_zca, tmp_path):
        from zope.component import getGlobalSiteManager
        from zcron import config
        registry = getGlobalSiteManager()
        self._callFUT()
        before = (len(list(registry.registeredHandlers())),
                  len(list(registry.registeredAdapters())))
        path = _zcml(tmp_path / "host.zcml", '<include package="zcron" />'
                     '<include package="zope.component" />'
                     '<adapter factory="zcron.runners.Runner" name="base" />')
        self._callFUT(path)
        assert len(list(registry.registeredHandlers())) == before[0]
        assert len(list(registry.registeredAdapters())) == before[1] + 1
        assert config.runner_names() == ["base"]

    def test_a_host_file_replaces_a_kind_and_uses_zcron_directives(self, clean_zca, tmp_path):
        from zope.component import getUtility
        from zcron.declared.store import held
        from zcron.interfaces import IPeriodicityKind
        from zcron.periodicity.daily import DAILY
        path = tmp_path / "host.zcml"
        path.write_text(
            '<configure xmlns="http://namespaces.zope.org/zope" '
            'xmlns:zcron="http://namespaces.zope.org/zcron">'
            '<utility component="zcron.periodicity.daily.DAILY" name="cron" '
            'provides="zcron.interfaces.IPeriodicityKind" />'
            '<zcron:cron name="nightly" runner="x" schedule="every day at 02:30" /></configure>')
        self._callFUT(str(path))
        assert getUtility(IPeriodicityKind, "cron") is DAILY
        assert [d.name for d in held("zcml").declarations()] == ["nightly"]

    def test_relative_path_loaded_once(self, clean_zca, tmp_path, monkeypatch):
        from zope.component import getGlobalSiteManager
        from zcron.interfaces import IModifiedCrontabEvent
        monkeypatch.chdir(tmp_path)
        _zcml(tmp_path / "host.zcml", '<subscriber for="zcron.interfaces.'
              'IModifiedCrontabEvent" handler="builtins.print" />')
        self._callFUT("host.zcml")
        self._callFUT(str(tmp_path / "host.zcml"))
        handlers = [r for r in getGlobalSiteManager().registeredHandlers()
                    if r.required == (IModifiedCrontabEvent,) and r.handler is print]
        assert len(handlers) == 1

    def test_missing_file(self, clean_zca, tmp_path):
        from zcron.exceptions import InvalidInput
        path = str(tmp_path / "absent.zcml")
        with pytest.raises(InvalidInput) as info:
            self._callFUT(path)
        assert info.value.field == "zcml" and path in str(info.value)
        assert "no such file" in str(info.value)

    @pytest.mark.parametrize("body,needle", [
        ('<adapter factory="nowhere.Job" name="x" />', "nowhere"),
        ('<unknown-directive />', "unknown-directive"),
        ('<adapter', "not well-formed"),
    ])
    def test_bad_file(self, clean_zca, tmp_path, body, needle):
        from zcron.exceptions import InvalidInput
        path = _zcml(tmp_path / "bad.zcml", body)
        with pytest.raises(InvalidInput) as info:
            self._callFUT(path)
        message = str(info.value)
        assert info.value.field == "zcml" and "bad.zcml" in message
        assert needle in message and "\n" not in message

    def test_conflicting_registrations(self, clean_zca, tmp_path):
        from zcron.exceptions import InvalidInput
        path = _zcml(tmp_path / "twice.zcml",
                     '<adapter factory="zcron.runners.Runner" name="same" />'
                     '<adapter factory="zcron.registry.ZODBRegistryManager" '
                     'for="zope.interface.Interface zcron.interfaces.ICron" '
                     'provides="zcron.interfaces.IJobRunner" name="same" />')
        with pytest.raises(InvalidInput, match="onflict"):
            self._callFUT(path)


class TestPackageOf:
    def _callFUT(self, path):
        from zcron.config import package_of
        return package_of(str(path))

    def _package(self, root, *names):
        directory = root
        for name in names:
            directory = directory / name
            directory.mkdir()
            (directory / "__init__.py").write_text("")
        (directory / "configure.zcml").write_text("")
        return directory / "configure.zcml"

    def test_zcron_itself(self):
        import os
        import zcron
        from zcron.config import package_of
        path = os.path.join(os.path.dirname(zcron.__file__), "configure.zcml")
        assert package_of(path) is zcron

    def test_not_in_a_package(self, tmp_path):
        assert self._callFUT(tmp_path / "x.zcml") is None

    def test_not_importable(self, tmp_path):
        assert self._callFUT(self._package(tmp_path, "zcron_test_nowhere")) is None

    def test_nested_package_on_sys_path(self, tmp_path, monkeypatch):
        import sys
        path = self._package(tmp_path, "zcron_test_outer", "inner")
        monkeypatch.syspath_prepend(str(tmp_path))
        try:
            assert self._callFUT(path).__name__ == "zcron_test_outer.inner"
        finally:
            for name in ("zcron_test_outer.inner", "zcron_test_outer"):
                sys.modules.pop(name, None)

    def test_another_package_of_that_name(self, tmp_path):
        # a directory called "zcron" is not the imported zcron
        assert self._callFUT(self._package(tmp_path, "zcron")) is None


class TestAddRunner:
    def test_registered_by_name(self, clean_zca):
        from zcron.components import query_runner
        from zcron.config import add_runner, runner_names
        from zcron.runners import Runner

        class Job(Runner):
            pass

        add_runner("job", Job)
        site, cron = _site_and_cron("job")
        assert type(query_runner(site, cron)) is Job
        assert runner_names() == ["job"]

    def test_for_a_kind_of_site(self, clean_zca):
        from zope.interface import Interface, alsoProvides
        from zcron.components import query_runner
        from zcron.config import add_runner
        from zcron.runners import Runner

        class IShop(Interface):
            pass

        add_runner("job", Runner, site_interface=IShop)
        site, cron = _site_and_cron("job")
        assert query_runner(site, cron) is None
        alsoProvides(site, IShop)
        assert type(query_runner(site, cron)) is Runner


class TestAddSubscriber:
    def test_called(self, clean_zca):
        from zope.event import notify
        from zcron.config import add_subscriber
        from zcron.events import ServerRestartEvent
        from zcron.interfaces import IServerRestartEvent
        seen = []
        add_subscriber(seen.append, IServerRestartEvent)
        event = ServerRestartEvent(db="db")
        notify(event)
        notify(object())
        assert seen == [event]


class TestRunnerNames:
    def test_only_runners_sorted(self, clean_zca):
        from zcron.config import add_runner, configure, runner_names
        from zcron.runners import Runner
        configure()                    # other named adapters: 'zodb', 'json'
        add_runner("zeta", Runner)
        add_runner("alpha", Runner)
        assert runner_names() == ["alpha", "zeta"]
