"""zcron.testing's contracts as a host uses them: a host's own queue manager,
registered under zcron's name, runs the whole queue contract from a plain
class (the package docstring's example) and a unittest.TestCase; and each
contract catches a broken implementation."""
import tempfile
import unittest
from datetime import datetime, timedelta, timezone

import pytest

import zcron.db
import zcron.testing
from zcron.clock import FakeClock
from zcron.periodicity import CronPeriodicity
from zcron.queue import ZODBQueueManager, ZODBQueueMarker
from zcron.registry import JSONFileRegistryManager, ZODBRegistryManager


class HostQueue(ZODBQueueManager):
    """A host's queue manager: zcron's, with ``due(limit=0)`` giving nothing."""

    def due(self, now, limit=None, worker=None, grace=None):
        return [] if limit == 0 else super().due(now, limit, worker, grace)


def _register_host_queue():
    from zope.component import provideAdapter
    from zcron.components import QUEUE_NAME
    from zcron.interfaces import IQueueManager, IZcronRoot
    provideAdapter(HostQueue, (IZcronRoot,), IQueueManager, name=QUEUE_NAME)


class TestAHostsQueue(zcron.testing.QueueManagerContract):
    """As the docstring of zcron.testing shows: no fixture needed."""

    def setup_method(self, method):
        zcron.testing.setup_components()
        _register_host_queue()
        self.db = zcron.db.open_db(f"file://{tempfile.mkdtemp()}/Data.fs")

    def teardown_method(self, method):
        self.db.close()
        zcron.testing.teardown_components()

    def test_the_hosts_queue_is_the_one_tested(self):
        with self.open_session() as s:
            assert type(self.make_queue(s.root)) is HostQueue


class TestAFakeClockUnderUnittest(zcron.testing.FakeClockContract, unittest.TestCase):
    def make_clock(self):
        return FakeClock()


class TestAMarkerUnderUnittest(zcron.testing.QueueMarkerContract, unittest.TestCase):
    def setUp(self):
        zcron.testing.setup_components()
        self.db = zcron.db.open_db("memory://")

    def tearDown(self):
        self.db.close()
        zcron.testing.teardown_components()


# -- each contract catches a broken implementation ---------------------------------

def _fails(contract, test_name):
    """Run one contract test on a contract instance: it must fail."""
    with pytest.raises(AssertionError):
        getattr(contract, test_name)()


@pytest.fixture
def memory_db(zca):
    db = zcron.db.open_db("memory://")
    yield db
    db.close()


def _with(contract_class, db=None, **hooks):
    contract = type("Contract", (contract_class,), hooks)()
    contract.db = db
    return contract


class UnsortedQueue(ZODBQueueManager):
    def due(self, now, limit=None, worker=None, grace=None):
        return super().due(now, limit, worker, grace)[::-1]


class ZeroLimitIgnoredQueue(ZODBQueueManager):
    def due(self, now, limit=None, worker=None, grace=None):
        return super().due(now, None if limit == 0 else limit, worker, grace)


class HeldKeptQueue(ZODBQueueManager):
    def forget(self, site, uid):
        return sum(self.remove(job) for job in self.pending(site, uid))


class EveryJobGroupedQueue(ZODBQueueManager):
    """A cron in the group of each of its jobs, not its soonest only."""

    def site_soonest(self, site):
        from zcron.queue.keys import us_of_due
        from zcron.queue.latest import due_groups
        return ((us_of_due(due), uids) for due, uids in
                due_groups(self.data.shards, site, latest=False))


class EveryJobCountedQueue(ZODBQueueManager):
    """A cron's later jobs counted too, not its soonest only."""

    def site_latest(self, site):
        latest = super().site_latest(site)
        latest.several = {}
        return latest


class PerWorkerClaimQueue(ZODBQueueManager):
    """Claims kept per worker, the job left pending: two workers claiming
    one job write different records, and both commit."""

    def claim(self, job, worker, now, execution_id=None, notes=()):
        from BTrees.OOBTree import OOBTree
        from zcron.queue import Claim
        claim = Claim(job, worker, now, execution_id or "x" * 32, notes)
        self.data.workers[worker].claims = OOBTree({job.key: claim.worker_id})
        return claim


@pytest.mark.parametrize("queue_class,test_name", [
    (UnsortedQueue, "test_due_soonest_first_up_to_now_inclusive"),
    (UnsortedQueue, "test_due_for_a_worker_gives_due_jobs_only_soonest_first"),
    (HeldKeptQueue, "test_forget_a_crons_pending_and_held_jobs"),
    (PerWorkerClaimQueue, "test_two_claims_of_one_job_conflict_exactly_one_wins"),
    (ZeroLimitIgnoredQueue, "test_due_limit_zero_gives_nothing"),
    (EveryJobGroupedQueue, "test_site_soonest_groups_crons_at_their_soonest_job"),
    (EveryJobCountedQueue, "test_site_latest_groups_crons_at_their_soonest_job"),
])
def test_queue_contract_catches(memory_db, queue_class, test_name):
    contract = _with(zcron.testing.QueueManagerContract, memory_db,
                     make_queue=lambda self, root: queue_class(root))
    _fails(contract, test_name)


class StampKeptMarker(ZODBQueueMarker):
    def unmark(self, site):
        if site in self.marked:
            self.marked.remove(site)


def test_marker_contract_catches(memory_db):
    contract = _with(zcron.testing.QueueMarkerContract, memory_db,
                     make_marker=lambda self, root: StampKeptMarker(root))
    _fails(contract, "test_unmark_forgets_the_stamp")


class WritingJSONRegistry(JSONFileRegistryManager):
    def save(self, crontab, crons=None):
        self.site.registry_options["saved"] = True


class ForgetfulRegistry(ZODBRegistryManager):
    def save(self, crontab, crons=None):
        """Attaches nothing: a new crontab is lost."""


def _json_site(path):
    from zcron.model import CronSite
    path.write_text('{"crons": [{"name": "a", "periodicity": "@daily"}]}')
    return CronSite("contract", registry="json", registry_options={"path": str(path)})


def test_registry_contracts_catch(memory_db, tmp_path):
    read_only = _with(zcron.testing.ReadOnlyRegistryContract, memory_db,
                      make_site=lambda self, root: root.add_site(_json_site(tmp_path / "c")),
                      make_registry=lambda self, site: WritingJSONRegistry(site))
    _fails(read_only, "test_save_writes_nothing")
    writable = _with(zcron.testing.WritableRegistryContract, memory_db,
                     make_site=lambda self, root: root.add_site(zcron.CronSite("w")),
                     make_registry=lambda self, site: ForgetfulRegistry(site))
    _fails(writable, "test_a_new_crontab_saved")


class NaiveClock(FakeClock):
    def now(self):
        return super().now().replace(tzinfo=None)


class StillClock(FakeClock):
    def sleep(self, seconds):
        pass


def test_clock_contracts_catch():
    _fails(_with(zcron.testing.FakeClockContract, make_clock=lambda self: NaiveClock()),
           "test_now_is_aware_utc")
    _fails(_with(zcron.testing.ClockContract, make_clock=lambda self: StillClock()),
           "test_sleep_moves_the_clock_on")


class NotStrictly(CronPeriodicity):
    def next_fire_time(self, after):
        fire = super().next_fire_time(after - timedelta(microseconds=1))
        return fire


class RemembersByWallClock(CronPeriodicity):
    """Caches the last answer for an ``after`` equal by ==: in one zone
    that ignores ``fold``, so DST's repeated hour gets a wrong answer."""

    def next_fire_time(self, after):
        cached = getattr(self, "_mine", None)
        if cached is not None and cached[0] == after:
            return cached[1]
        answer = super().next_fire_time(after)
        self._mine = (after, answer)
        return answer


class InUTC(CronPeriodicity):
    def next_fire_time(self, after):
        fire = super().next_fire_time(after)
        return None if fire is None else fire.astimezone(timezone.utc)


class LeapsADay(CronPeriodicity):
    def next_fire_time(self, after):
        if after.astimezone(timezone.utc) > datetime(2026, 6, 1, tzinfo=timezone.utc):
            after = after + timedelta(hours=5)
        return super().next_fire_time(after)


@pytest.mark.parametrize("periodicity_class,expression,test_name", [
    (NotStrictly, "0 * * * *", "test_next_fire_time_strictly_after_aware_in_its_zone"),
    (RemembersByWallClock, "0 * * * *", "test_stateless"),
    (InUTC, "0 * * * *", "test_next_fire_time_strictly_after_aware_in_its_zone"),
    (LeapsADay, "0 * * * *", "test_next_fire_time_is_the_first"),
])
def test_periodicity_contract_catches(periodicity_class, expression, test_name):
    contract = _with(zcron.testing.PeriodicityContract, make_periodicity=lambda self:
                     periodicity_class(expression, "Europe/Zurich"))
    _fails(contract, test_name)
