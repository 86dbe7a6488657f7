"""zcron.testing owns what zcron's tests and a host's share: fixtures,
throw-away database servers, and the conformance contracts.

- ``setup_components(*zcml, package=None)`` / ``teardown_components()``:
  zcron's ZCML (and a host's) in a clean global registry;
  ``written_oids(storage, tid)``: what one transaction wrote;
  ``free_port()`` (``zcron.testing.fixtures``).
- ``ZEOServer``, ``PostgreSQLServer`` (``zcron.testing.servers``): a real
  ZEO server process; a throw-away PostgreSQL cluster for RelStorage
  (``postgres://``), which needs Debian's ``postgresql`` package.
- ``MemoryDatabase``, ``FileStorageDatabase``, ``ZEODatabase``,
  ``PostgreSQLDatabase`` (``zcron.testing.databases``): database factories
  of one shape (``uri``, ``open()``, ``close()``), so one test runs on each.

Contracts (``zcron.testing.contracts``), in the style of ZODB's storage
tests: plain mixin classes, one per component and capability, whose
``test_*`` methods any implementation's test class inherits. A host that
replaces a component runs the suite zcron runs on its own:

- ``QueueManagerContract``: IQueueManager (``PendingJobsContract`` +
  ``ClaimsContract`` + ``WorkersContract``). Hook: ``self.db``;
  ``make_queue(root)``, by default ``zcron.components.queue_for(root)``.
- ``QueueMarkerContract``: IQueueMarker. Hook: ``self.db``;
  ``make_marker(root)``, by default ``zcron.components.marker_for(root)``.
- ``ReadOnlyRegistryContract``, ``WritableRegistryContract`` (each with
  ``ReadableRegistryContract``): IRegistryManager by capability. Hook:
  ``self.db``; ``make_site(root)``, adding a site that uses the registry
  under test; ``make_registry(site)``, by default ``registry_for(site)``.
- ``PeriodicityContract``: IPeriodicity. Hook: ``make_periodicity()``, one
  firing at least daily; optionally ``make_other_periodicity()`` and more
  ``after_times``.
- ``RealClockContract``, ``FakeClockContract`` (each with
  ``ClockContract``): IClock, waiting or advancing itself. Hook:
  ``make_clock()``.

``self.db`` is an open ``ZODB.DB`` holding zcron's root (what
``zcron.db.open_db(uri)`` returns), set before each test and closed after,
with the component registry holding your component. The default
``make_*`` hooks look components up as zcron does, so the one you register
under zcron's name is what is tested. For example, with pytest::

    class TestMyQueue(zcron.testing.QueueManagerContract):
        def setup_method(self, method):
            zcron.testing.setup_components("configure.zcml", package=myhost)
            self.db = zcron.db.open_db(f"file://{tempfile.mkdtemp()}/Data.fs")
        def teardown_method(self, method):
            self.db.close(); zcron.testing.teardown_components()

The mixins need no pytest: combine one with ``unittest.TestCase`` and set
``self.db`` in ``setUp`` the same way.
"""
from zcron.testing.contracts import (ClaimsContract, ClockContract,
                                     FakeClockContract, PendingJobsContract,
                                     PeriodicityContract, QueueManagerContract,
                                     QueueMarkerContract, ReadableRegistryContract,
                                     ReadOnlyRegistryContract, RealClockContract,
                                     WorkersContract, WritableRegistryContract)
from zcron.testing.databases import (FileStorageDatabase, MemoryDatabase,
                                     PostgreSQLDatabase, ZEODatabase)
from zcron.testing.fixtures import (free_port, setup_components,
                                    teardown_components, written_oids)
from zcron.testing.servers import PostgreSQLServer, ZEOServer

__all__ = [
    "ClaimsContract", "ClockContract", "FakeClockContract", "FileStorageDatabase",
    "MemoryDatabase", "PendingJobsContract", "PeriodicityContract",
    "PostgreSQLDatabase", "PostgreSQLServer", "QueueManagerContract",
    "QueueMarkerContract", "ReadOnlyRegistryContract", "ReadableRegistryContract",
    "RealClockContract", "WorkersContract", "WritableRegistryContract",
    "ZEODatabase", "ZEOServer", "free_port", "setup_components",
    "teardown_components", "written_oids",
]
