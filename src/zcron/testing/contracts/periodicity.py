"""zcron.testing.contracts.periodicity owns the IPeriodicity contract
(``PeriodicityContract``): fire times strictly after, aware in the zone,
monotonic, stateless; fire_times; describe; equality; verifyObject."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from zcron.testing.contracts.base import raises

UTC = timezone.utc
US = timedelta(microseconds=1)
ZURICH, NEW_YORK = ZoneInfo("Europe/Zurich"), ZoneInfo("America/New_York")


def _instant(when):
    """Aware datetimes compared as instants, and moved in UTC: arithmetic on
    a zoned datetime is wall-clock arithmetic, wrong across DST changes."""
    return when.astimezone(UTC)



def _answer(periodicity, after):
    """What ``periodicity`` says after ``after``: the instant and its offset."""
    fire = periodicity.next_fire_time(after)
    return _instant(fire), fire.utcoffset()

class PeriodicityContract:
    """The hook: ``make_periodicity()``, a new IPeriodicity that fires at
    least once a day (in whatever zone it has); optionally
    ``make_other_periodicity()``, one differing from it in kind, expression
    or time zone (None, the default: that check is left out). Extend
    ``after_times`` to ask about instants that matter to yours."""

    after_times = [
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 3, 8, 6, 59, 59, 999999, tzinfo=UTC),     # New York springs
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),                 # Europe springs
        datetime(2026, 3, 29, 2, 30, tzinfo=ZURICH),              # in the gap
        datetime(2026, 6, 15, 12, 34, 56, 789000, tzinfo=ZoneInfo("America/St_Johns")),
        datetime(2026, 10, 25, 2, 30, tzinfo=ZURICH),             # repeated, first
        datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=ZURICH),     # repeated, second
        datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK),
        datetime(2026, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=5, minutes=45))),
        datetime(2028, 2, 29, 23, 59, 59, tzinfo=ZoneInfo("Pacific/Kiritimati")),
    ]
    max_gap = timedelta(days=1, hours=2)     # daily, give or take a DST change

    def make_periodicity(self):
        raise NotImplementedError(f"{type(self).__name__} must define make_periodicity()")

    def make_other_periodicity(self):
        return None

    def _in_its_zone(self, periodicity, fire):
        zone = ZoneInfo(periodicity.timezone)
        local = fire.astimezone(zone)
        return fire.utcoffset() is not None and local.utcoffset() == fire.utcoffset() \
            and local.replace(tzinfo=None) == fire.replace(tzinfo=None)

    def test_provides_IPeriodicity(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import IPeriodicity
        periodicity = self.make_periodicity()
        assert verifyObject(IPeriodicity, periodicity)
        for name in ("kind", "expression", "timezone"):
            assert isinstance(getattr(periodicity, name), str), name
        ZoneInfo(periodicity.timezone)            # an IANA name

    def test_next_fire_time_strictly_after_aware_in_its_zone(self):
        periodicity = self.make_periodicity()
        for after in self.after_times:
            fire = periodicity.next_fire_time(after)
            assert fire is not None and _instant(fire) > _instant(after), (after, fire)
            assert _instant(fire) - _instant(after) <= self.max_gap, \
                f"make_periodicity() must fire at least daily: {after} -> {fire}"
            assert self._in_its_zone(periodicity, fire), (after, fire)
            assert _instant(periodicity.next_fire_time(fire)) > _instant(fire)   # strictly

    def test_not_finite_means_a_fire_time_after_any_instant(self):
        periodicity = self.make_periodicity()
        assert periodicity.finite in (True, False)
        if not periodicity.finite:
            far = datetime(2999, 12, 31, 23, 59, tzinfo=timezone.utc)
            for after in self.after_times + [far]:
                assert periodicity.next_fire_time(after) is not None, after

    def test_next_fire_time_is_the_first(self):
        """Nothing fires between ``after`` and the answer."""
        periodicity = self.make_periodicity()
        for after in self.after_times:
            fire = _instant(periodicity.next_fire_time(after))
            between = _instant(after) + (fire - _instant(after)) / 2
            for earlier in (fire - US, between):
                if earlier >= _instant(after):
                    assert _instant(periodicity.next_fire_time(earlier)) == fire, after

    def test_monotonic(self):
        periodicity = self.make_periodicity()
        afters = sorted(self.after_times + [
            _instant(t) + delta for t in self.after_times
            for delta in (US, timedelta(minutes=29), timedelta(hours=7))], key=_instant)
        fires = [_instant(periodicity.next_fire_time(after)) for after in afters]
        assert fires == sorted(fires)

    def test_fire_times_follow_next_fire_time(self):
        periodicity = self.make_periodicity()
        for after in self.after_times:
            expected, fire = [], after
            for _ in range(5):
                fire = periodicity.next_fire_time(fire)
                expected.append(fire)
            found = list(periodicity.fire_times(after, n=5))
            assert [_instant(f) for f in found] == [_instant(f) for f in expected]
            assert all(self._in_its_zone(periodicity, f) for f in found)
            assert list(periodicity.fire_times(after, n=0)) == []

    def test_fire_times_until_is_inclusive(self):
        periodicity = self.make_periodicity()
        for after in self.after_times:
            times = [_instant(f) for f in periodicity.fire_times(after, n=5)]
            for until in (times[2], times[2].astimezone(NEW_YORK)):
                found = [_instant(f) for f in periodicity.fire_times(after, until=until)]
                assert found == times[:3]
            before = [_instant(f) for f in periodicity.fire_times(after, until=times[2] - US)]
            assert before == times[:2]
            assert [_instant(f) for f in periodicity.fire_times(
                after, n=2, until=times[4])] == times[:2]
            assert list(periodicity.fire_times(after, until=_instant(after))) == []

    def test_naive_after_refused(self):
        from zcron.exceptions import InvalidInput
        periodicity = self.make_periodicity()
        naive = datetime(2026, 1, 1, 12, 0)
        with raises(InvalidInput):
            periodicity.next_fire_time(naive)
        with raises(InvalidInput):
            list(periodicity.fire_times(naive, n=1))

    def _answers(self):
        """(the ``after`` times, a new instance's answers to each)."""
        afters = self.after_times + [_instant(t) for t in self.after_times]
        return afters, [_answer(self.make_periodicity(), after) for after in afters]

    def test_stateless(self):
        """The same answers whatever was asked before, in whatever order,
        of this instance or of a new one."""
        afters, fresh = self._answers()
        asked = self.make_periodicity()
        assert [_answer(asked, after) for after in afters] == fresh
        assert [_answer(asked, after) for after in afters[::-1]] == fresh[::-1]

    def test_stateless_after_another_question(self):
        afters, fresh = self._answers()
        asked = self.make_periodicity()
        for after, expected in zip(afters, fresh):
            asked.next_fire_time(after + timedelta(days=3))    # another question first
            assert _answer(asked, after) == expected, after

    def test_stateless_iterators_interleaved(self):
        asked = self.make_periodicity()
        one, two = (asked.fire_times(t, n=4) for t in self.after_times[:2])
        interleaved = [(next(one), next(two)) for _ in range(4)]
        assert [a for a, _ in interleaved] == list(asked.fire_times(self.after_times[0], n=4))
        assert [b for _, b in interleaved] == list(asked.fire_times(self.after_times[1], n=4))

    def test_describe(self):
        text = self.make_periodicity().describe()
        assert isinstance(text, str) and text.strip()

    def test_equal_by_kind_expression_and_timezone(self):
        one, two = self.make_periodicity(), self.make_periodicity()
        assert one == two and not one != two and hash(one) == hash(two)
        assert {one: "found"}[two] == "found"
        assert one != object() and one != one.expression
        other = self.make_other_periodicity()
        if other is not None:
            assert (other.kind, other.expression, other.timezone) != \
                (one.kind, one.expression, one.timezone)
            assert other != one and not other == one
            assert len({one, two, other}) == 2
