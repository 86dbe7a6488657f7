"""zcron.testing's PeriodicityContract run against CronPeriodicity, for a
few expressions (elapsed-time and fixed-time, with seconds) in a few zones
(UTC; Europe/Zurich and America/New_York across their DST changes; Lord
Howe's half-hour DST)."""
import pytest

from zcron.testing import PeriodicityContract

EXPRESSIONS = ["*/5 * * * *", "0 * * * *", "30 2 * * *", "0 0 * * *", "*/20 * * * * *"]
CASES = [(e, zone) for zone in ("UTC", "Europe/Zurich") for e in EXPRESSIONS] + [
    ("30 2 * * *", "America/New_York"), ("15 1 * * *", "America/New_York"),
    ("*/30 * * * *", "Australia/Lord_Howe"), ("0 2 * * *", "Australia/Lord_Howe")]


class TestCronPeriodicity(PeriodicityContract):
    @pytest.fixture(autouse=True, params=CASES, ids=[f"{e} {z}" for e, z in CASES])
    def _case(self, request):
        self.expression, self.zone = request.param

    def make_periodicity(self):
        from zcron.periodicity import CronPeriodicity
        return CronPeriodicity(self.expression, self.zone)

    def make_other_periodicity(self):
        from zcron.periodicity import CronPeriodicity
        other = "Asia/Tokyo" if self.zone != "Asia/Tokyo" else "UTC"
        return CronPeriodicity(self.expression, other)

    def test_shared_ones_are_equal_to_new_ones(self):
        from zcron.periodicity import get_periodicity
        shared = get_periodicity(self.expression, self.zone)
        assert shared is get_periodicity(self.expression, self.zone)
        assert shared == self.make_periodicity()
        assert hash(shared) == hash(self.make_periodicity())

    def test_another_expression_is_another_periodicity(self):
        from zcron.periodicity import CronPeriodicity
        assert CronPeriodicity("1 1 * * *", self.zone) != self.make_periodicity()
