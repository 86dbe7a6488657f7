"""zcron.runners, and a host package wiring zcron with nothing but ZCML:
its runner is found by name and its subscriber gets zcron's events."""
import sys
from datetime import datetime, timezone

import pytest

UTC = timezone.utc

JOBS = '''\
from zcron import Runner

SEEN = []


class MyCronJob(Runner):
    def run(self):
        return self.environ.get("say")


class OtherJob(Runner):
    def run(self):
        return None


def seen(event):
    SEEN.append(event)
'''

CONFIGURE = '''\
<configure xmlns="http://namespaces.zope.org/zope">
  <include package="zcron" />
  <adapter factory="hostpkg.jobs.MyCronJob" name="mycronjob" />
  <subscriber for="zcron.interfaces.IFinishedCronJobEvent"
              handler="hostpkg.jobs.seen" />
</configure>
'''

RELATIVE = '''\
<configure xmlns="http://namespaces.zope.org/zope">
  <include package="zcron" />
  <adapter factory=".jobs.OtherJob" name="otherjob" />
</configure>
'''


def _forget_hostpkg():
    return {name: sys.modules.pop(name) for name in list(sys.modules)
            if name == "hostpkg" or name.startswith("hostpkg.")}


@pytest.fixture
def hostpkg(tmp_path, monkeypatch, clean_zca):
    """A host package on sys.path: hostpkg/{__init__,jobs}.py + ZCML."""
    package = tmp_path / "hostpkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "jobs.py").write_text(JOBS)
    (package / "configure.zcml").write_text(CONFIGURE)
    (package / "relative.zcml").write_text(RELATIVE)
    saved = _forget_hostpkg()
    monkeypatch.syspath_prepend(str(tmp_path))
    yield package
    _forget_hostpkg()
    sys.modules.update(saved)


def _site_and_cron(name="mycronjob", **kw):
    from zcron.model import Cron, CronSite
    return CronSite("host"), Cron(name, "@daily", **kw)


class TestRunner:
    def _getTargetClass(self):
        from zcron.runners import Runner
        return Runner

    def _makeOne(self, **kw):
        site, cron = _site_and_cron(**kw)
        return self._getTargetClass()(site, cron)

    def test_exported(self):
        import zcron
        assert zcron.Runner is self._getTargetClass()

    def test_verify(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import IJobRunner
        assert verifyObject(IJobRunner, self._makeOne())

    def test_adapts_any_site_and_a_cron(self):
        from zope.component import adaptedBy
        from zope.interface import Interface
        from zcron.interfaces import ICron
        assert tuple(adaptedBy(self._getTargetClass())) == (Interface, ICron)

    def test_attributes(self):
        site, cron = _site_and_cron()
        runner = self._getTargetClass()(site, cron)
        assert runner.site is site and runner.cron is cron
        assert runner.fire_time is None and runner.window == (None, None)
        assert runner.execution_id is None

    def test_run_not_written(self):
        class Lazy(self._getTargetClass()):
            pass
        site, cron = _site_and_cron()
        with pytest.raises(NotImplementedError, match="Lazy.run"):
            Lazy(site, cron).run()

    def test_environ_is_a_deep_copy(self):
        runner = self._makeOne(environ={"ids": [1, 2], "opts": {"dry": False}})
        environ = runner.environ
        assert environ == {"ids": [1, 2], "opts": {"dry": False}}
        environ["ids"].append(3)
        environ["opts"]["dry"] = True
        environ["new"] = 1
        assert runner.cron.environ == {"ids": [1, 2], "opts": {"dry": False}}
        assert runner.environ is not runner.environ


class TestHostPackage:
    def _configure(self, *paths):
        from zcron import config
        config.configure(*[str(p) for p in paths])

    def test_runner_found_by_name(self, hostpkg):
        from zope.interface.verify import verifyObject
        from zcron.components import query_runner
        from zcron.interfaces import IJobRunner
        self._configure(hostpkg / "configure.zcml")
        site, cron = _site_and_cron(environ={"say": "hello"})
        runner = query_runner(site, cron)
        from hostpkg.jobs import MyCronJob
        assert type(runner) is MyCronJob and verifyObject(IJobRunner, runner)
        assert runner.site is site and runner.cron is cron
        assert runner.run() == "hello"

    def test_unknown_name_finds_nothing(self, hostpkg):
        from zcron.components import query_runner
        self._configure(hostpkg / "configure.zcml")
        assert query_runner(*_site_and_cron(name="otherjob")) is None

    def test_runner_names(self, hostpkg):
        from zcron import config
        assert config.runner_names() == []
        self._configure(hostpkg / "configure.zcml")
        assert config.runner_names() == ["mycronjob"]

    def test_subscriber_gets_finished_events(self, hostpkg):
        from zope.event import notify
        from zcron.events import FinishedCronJobEvent, StartedCronJobEvent
        from zcron.model import Log
        self._configure(hostpkg / "configure.zcml")
        from hostpkg.jobs import SEEN
        site, cron = _site_and_cron()
        log = Log(datetime(2026, 1, 1, tzinfo=UTC), "OK")
        notify(StartedCronJobEvent(cron, site, job="job"))
        event = FinishedCronJobEvent(cron, site, job="job", log=log)
        notify(event)
        assert SEEN == [event]
        assert (SEEN[0].object, SEEN[0].site, SEEN[0].log) == (cron, site, log)

    def test_loaded_once(self, hostpkg):
        from zope.event import notify
        from zcron.events import FinishedCronJobEvent
        path = hostpkg / "configure.zcml"
        self._configure(path)
        self._configure(path, path)
        from hostpkg.jobs import SEEN
        notify(FinishedCronJobEvent(None, None, None, None))
        assert len(SEEN) == 1

    def test_zcron_defaults_come_with_the_include(self, hostpkg):
        from zcron.components import registry_for
        from zcron.registry import ZODBRegistryManager
        self._configure(hostpkg / "configure.zcml")
        site, cron = _site_and_cron()
        assert isinstance(registry_for(site), ZODBRegistryManager)

    def test_relative_names_resolve_in_the_host_package(self, hostpkg):
        from zcron import config
        from zcron.components import query_runner
        self._configure(hostpkg / "configure.zcml", hostpkg / "relative.zcml")
        assert config.runner_names() == ["mycronjob", "otherjob"]
        from hostpkg.jobs import OtherJob
        assert type(query_runner(*_site_and_cron(name="otherjob"))) is OtherJob

    def test_relative_names_outside_a_package(self, tmp_path, clean_zca):
        from zcron.exceptions import InvalidInput
        loose = tmp_path / "loose.zcml"
        loose.write_text(RELATIVE)
        with pytest.raises(InvalidInput) as info:
            self._configure(loose)
        assert info.value.field == "zcml"
        assert "zcron.jobs" not in str(info.value)     # not read as zcron's
        assert "\n" not in str(info.value)
