"""zcron.interfaces as the API reference: every contract is documented, and
every implementation zcron ships provides its contract (verifyObject).
zcron.events is checked here too, against its event interfaces."""
from datetime import datetime, timezone

import pytest

UTC = timezone.utc

CONTRACTS = [
    "ICronSite", "ICrontab", "ICron", "ILog", "IPeriodicity", "IRegistryManager",
    "ICrontabManager", "ICronManager", "IQueueManager", "IQueueMarker", "IJobRunner",
    "IModifiedCrontabEvent", "ICrontabSynchronisationEvent", "IServerRestartEvent",
    "IStartedCronJobEvent", "IFinishedCronJobEvent", "IClock", "IJob", "IWorkerInfo",
]


class TestContracts:
    @pytest.mark.parametrize("name", CONTRACTS)
    def test_documented(self, name):
        from zope.interface.interface import InterfaceClass
        from zcron import interfaces
        iface = getattr(interfaces, name)
        assert isinstance(iface, InterfaceClass)
        assert iface.__doc__ and iface.__doc__.strip()
        for member in iface.names():
            assert iface[member].getDoc().strip(), f"{name}.{member}"

    def test_statuses_and_policies(self):
        from zcron import interfaces
        assert interfaces.STATUSES == ("OK", "WARN", "FAILURE", "NOTRUN")
        assert (interfaces.OK, interfaces.WARN, interfaces.FAILURE, interfaces.NOTRUN) \
            == interfaces.STATUSES
        assert interfaces.MISSED_POLICIES == ("skip", "once", "all")
        assert interfaces.OVERLAP_POLICIES == ("skip", "queue-one", "allow")

    def test_event_interfaces_are_object_events(self):
        from zope.interface.interfaces import IObjectEvent
        from zcron import interfaces
        for name in ("IModifiedCrontabEvent", "ICrontabSynchronisationEvent",
                     "IStartedCronJobEvent", "IFinishedCronJobEvent"):
            assert getattr(interfaces, name).extends(IObjectEvent)


def _site():
    from zcron.model import CronSite
    return CronSite("s", registry_options={"path": "/dev/null"})


def _cron():
    from zcron.model import Cron
    return Cron("job", "@daily")


def _log():
    from zcron.model import Log
    return Log(datetime(2026, 1, 1, tzinfo=UTC), "OK")


def _implementations():
    """(interface name, factory of an instance) for each shipped component."""
    from zcron.clock import FakeClock, SystemClock
    from zcron.model import Crontab
    from zcron.periodicity import CronPeriodicity
    from zcron.registry import JSONFileRegistryManager, ZODBRegistryManager
    from zcron.runners import Runner
    return [
        ("ICron", _cron),
        ("ICrontab", Crontab),
        ("ILog", _log),
        ("ICronSite", _site),
        ("IRegistryManager", lambda: ZODBRegistryManager(_site())),
        ("IRegistryManager", lambda: JSONFileRegistryManager(_site())),
        ("IJobRunner", lambda: Runner(_site(), _cron())),
        ("IClock", SystemClock),
        ("IClock", FakeClock),
        ("IPeriodicity", lambda: CronPeriodicity("*/5 * * * *", "Europe/Zurich")),
    ]


IMPLEMENTATIONS = ["ICron-Cron", "ICrontab-Crontab", "ILog-Log", "ICronSite-CronSite",
                   "IRegistryManager-ZODB", "IRegistryManager-JSONFile",
                   "IJobRunner-Runner", "IClock-SystemClock", "IClock-FakeClock",
                   "IPeriodicity-CronPeriodicity"]


class TestImplementations:
    @pytest.mark.parametrize("index", range(len(IMPLEMENTATIONS)), ids=IMPLEMENTATIONS)
    def test_verify_object(self, index):
        from zope.interface.verify import verifyClass, verifyObject
        from zcron import interfaces
        name, factory = _implementations()[index]
        iface = getattr(interfaces, name)
        instance = factory()
        assert verifyObject(iface, instance)
        assert verifyClass(iface, type(instance))


class TestEvents:
    def _verify(self, iface_name, event):
        from zope.interface.verify import verifyObject
        from zcron import interfaces
        assert verifyObject(getattr(interfaces, iface_name), event)

    def test_modified_crontab(self):
        from zcron.events import ModifiedCrontabEvent
        from zcron.model import Crontab
        crontab, site = Crontab(), _site()
        event = ModifiedCrontabEvent(crontab, site, crons=["u"])
        self._verify("IModifiedCrontabEvent", event)
        assert (event.object, event.site, event.crons) == (crontab, site, ["u"])
        assert ModifiedCrontabEvent(crontab, site).crons is None

    def test_crontab_synchronisation(self):
        from zcron.events import CrontabSynchronisationEvent
        from zcron.model import Crontab
        crontab, site = Crontab(), _site()
        event = CrontabSynchronisationEvent(crontab, site)
        self._verify("ICrontabSynchronisationEvent", event)
        assert (event.object, event.site, event.crons) == (crontab, site, None)
        assert CrontabSynchronisationEvent(crontab, site, ["u"]).crons == ["u"]

    def test_server_restart(self):
        from zcron.events import ServerRestartEvent
        event = ServerRestartEvent("db")
        self._verify("IServerRestartEvent", event)
        assert (event.db, event.root) == ("db", None)
        assert ServerRestartEvent("db", root="root").root == "root"

    def test_started_cron_job(self):
        from zcron.events import StartedCronJobEvent
        cron, site = _cron(), _site()
        event = StartedCronJobEvent(cron, site, "job")
        self._verify("IStartedCronJobEvent", event)
        assert (event.object, event.site, event.job) == (cron, site, "job")

    def test_finished_cron_job(self):
        from zcron.events import FinishedCronJobEvent
        cron, site, log = _cron(), _site(), _log()
        event = FinishedCronJobEvent(cron, site, "job", log)
        self._verify("IFinishedCronJobEvent", event)
        assert (event.object, event.site, event.job, event.log) == (cron, site, "job", log)


SWAPPABLE = [
    ("IQueueManager", "QueueManagerContract"), ("IQueueMarker", "QueueMarkerContract"),
    ("IRegistryManager", "ReadOnlyRegistryContract"),
    ("IRegistryManager", "WritableRegistryContract"),
    ("IPeriodicity", "PeriodicityContract"), ("IClock", "RealClockContract"),
    ("IClock", "FakeClockContract"),
]


class TestShippedContracts:
    """Each swappable component has a contract in zcron.testing exercising
    every name of its interface, and checking verifyObject."""

    @pytest.mark.parametrize("iface_name,contract_name", SWAPPABLE,
                             ids=[c for _, c in SWAPPABLE])
    def test_every_name_exercised(self, iface_name, contract_name):
        import inspect
        import zcron.testing
        from zcron import interfaces
        iface = getattr(interfaces, iface_name)
        contract = getattr(zcron.testing, contract_name)
        source = "".join(inspect.getsource(cls) for cls in contract.__mro__
                         if cls.__module__.startswith("zcron.testing"))
        assert f"verifyObject({iface_name}," in source
        spelled = {"__len__": "len("}            # dunders are called by builtins
        missing = [name for name in iface.names()
                   if spelled.get(name, f".{name}") not in source]
        assert missing == []
        tests = [name for name in dir(contract) if name.startswith("test_")]
        assert len(tests) >= 5

    def test_plain_classes(self):
        """No pytest needed: nothing in them is a fixture, nor collected on
        its own (no Test prefix)."""
        import zcron.testing.contracts as contracts
        for name in contracts.__all__:
            cls = getattr(contracts, name)
            assert not name.startswith("Test") and "__init__" not in vars(cls)
            assert not any(hasattr(value, "_pytestfixturefunction")
                           or type(value).__name__ == "FixtureFunctionDefinition"
                           for value in vars(cls).values())

    def test_names_importable_from_zcron_testing(self):
        import zcron.testing
        for name in zcron.testing.__all__:
            assert getattr(zcron.testing, name) is not None
        for name in ("ZEOServer", "PostgreSQLServer", "PostgreSQLDatabase",
                     "FileStorageDatabase", "MemoryDatabase", "ZEODatabase",
                     "setup_components", "teardown_components", "written_oids",
                     "free_port"):
            assert name in zcron.testing.__all__
