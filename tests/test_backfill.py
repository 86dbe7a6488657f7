"""Backfill (``zcron.backfill``): a range's fire times run by the worker
in-process, oldest first, one after another, with their own windows."""
from datetime import timedelta

import pytest

import zcron
from test_worker import CALLS, T0, db, env, runners  # noqa: F401 (fixtures)

HOUR = timedelta(hours=1)


def backfill(env, cron, start, end, most=None):
    from zcron.backfill import fire_times, queue_backfill
    with env.session.tm:
        cron = env.crontab.get(cron.uid)
        times = fire_times(cron, start, end, most)
        queue_backfill(env.site, cron, times, zcron.clock.now())
    return times


def backfilled(env, cron):
    return sorted((l for l in env.logs(cron) if l.backfill), key=lambda l: l.fire_time)


class TestRuns:
    def test_each_fire_time_once_oldest_first_with_its_window(self, env, fake_clock):
        fake_clock.set(T0)
        cron = env.add("ok", "0 * * * *")
        times = backfill(env, cron, T0 - 4 * HOUR, T0 - HOUR)     # both ends in
        assert times == [T0 - n * HOUR for n in (4, 3, 2, 1)]
        env.run()
        assert [(fire, window) for _, fire, window, _, _ in CALLS] == [
            (T0 - 4 * HOUR, (None, T0 - 4 * HOUR)),
            (T0 - 3 * HOUR, (T0 - 4 * HOUR, T0 - 3 * HOUR)),
            (T0 - 2 * HOUR, (T0 - 3 * HOUR, T0 - 2 * HOUR)),
            (T0 - HOUR, (T0 - 2 * HOUR, T0 - HOUR))]
        logs = backfilled(env, cron)
        assert [l.fire_time for l in logs] == times and {l.status for l in logs} == {"OK"}
        assert len({l.execution_id for l in logs}) == 4
        assert [(l.attempt, l.attempts) for l in logs] == [(1, 1)] * 4
        assert len(CALLS) == 4            # nothing else ran

    def test_one_after_another_on_two_worker_threads(self, env, fake_clock):
        from zcron.interfaces import IStartedCronJobEvent, IFinishedCronJobEvent
        fake_clock.set(T0)
        cron = env.add("sleeps", "0 * * * *", environ={"seconds": 0.05, "write": False})
        seen = []
        zcron.add_subscriber(lambda e: seen.append("start"), IStartedCronJobEvent)
        zcron.add_subscriber(lambda e: seen.append("end"), IFinishedCronJobEvent)
        backfill(env, cron, T0 - 3 * HOUR, T0 - HOUR)
        env.run(concurrency=2)
        assert seen == ["start", "end"] * 3
        assert [l.fire_time for l in backfilled(env, cron)] == [T0 - n * HOUR for n in (3, 2, 1)]

    def test_a_failure_is_not_retried(self, env, fake_clock):
        from zcron.components import queue_for
        fake_clock.set(T0)
        cron = env.add("fails", "0 * * * *", retries=2)
        backfill(env, cron, T0 - HOUR, T0 - HOUR)
        env.run()
        assert [l.status for l in backfilled(env, cron)] == ["FAILURE"]
        kinds = {j.kind for j in queue_for(env.session.root).pending("default", cron.uid)}
        assert kinds == {"schedule"}

    def test_cancel_removes_the_runs_not_started(self, env, fake_clock):
        from zcron.backfill import cancel, left
        fake_clock.set(T0)
        cron = env.add("ok", "0 * * * *")
        backfill(env, cron, T0 - 5 * HOUR, T0 - HOUR)
        with env.session.tm:
            assert left(env.site, env.crontab.get(cron.uid)) == 5
            assert cancel(env.site, env.crontab.get(cron.uid)) == 5
        env.run()
        assert CALLS == [] and backfilled(env, cron) == []


class TestFireTimes:
    def test_bounds_calendars_and_pause_as_next_applies_them(self, env, fake_clock):
        from zcron.backfill import fire_times
        from zcron.model.calendar import Calendar
        fake_clock.set(T0)
        with env.session.tm:
            env.crontab.set_calendar(Calendar("lunch", blackouts=["0 9 * * * for 59m"]))
        cron = env.add("ok", "0 * * * *", start=T0 - 6 * HOUR, end=T0 - 2 * HOUR,
                       exclude=["lunch"])
        cron = env.crontab.get(cron.uid)
        hours = [T0 - n * HOUR for n in (6, 5, 4, 2)]       # 09:00 UTC excluded
        assert fire_times(cron, T0 - 10 * HOUR, T0) == hours
        cron.paused_until = T0 - 4 * HOUR                   # a pause that ended
        assert fire_times(cron, T0 - 10 * HOUR, T0) == hours[3:]

    def test_a_range_ending_before_it_starts_is_refused(self, env, fake_clock):
        from zcron.backfill import fire_times
        from zcron.exceptions import InvalidInput
        cron = env.add("ok", "0 * * * *")
        with pytest.raises(InvalidInput, match="invalid --to .*is before --from"):
            fire_times(cron, T0, T0 - HOUR)

    def test_more_than_a_thousand_need_a_maximum(self, env, fake_clock):
        from zcron.backfill import fire_times
        from zcron.exceptions import InvalidInput
        cron = env.add("ok", "* * * * *")
        with pytest.raises(InvalidInput, match="more than 1,000 fire times"):
            fire_times(cron, T0 - timedelta(days=1), T0)
        assert len(fire_times(cron, T0 - timedelta(days=1), T0, most=1500)) == 1441
        assert len(fire_times(cron, T0 - timedelta(days=1), T0, most=1000)) == 1000
        assert fire_times(cron, T0 - 10 * HOUR, T0, most=2) == [
            T0 - 10 * HOUR, T0 - 10 * HOUR + timedelta(minutes=1)]


class TestAgainstOtherRuns:
    """A run now (due T0, 3 s long) is going on when a backfill run
    falls due (T0 + 1 s, the clock moved on as it started): the cron's
    overlap policy decides."""

    def _overlapping(self, env, fake_clock, overlap):
        from zcron.backfill import queue_backfill
        from zcron.interfaces import IStartedCronJobEvent
        fake_clock.set(T0)
        cron = env.add("sleeps", "0 0 1 1 *", overlap=overlap,
                       environ={"seconds": 3, "write": False})
        env.run_now(cron)
        with env.session.tm:
            queue_backfill(env.site, env.crontab.get(cron.uid), [T0 - 2 * HOUR],
                           T0 + timedelta(seconds=1))
        zcron.add_subscriber(lambda e: e.job.kind == "manual" and fake_clock.advance(1),
                             IStartedCronJobEvent)
        env.run(concurrency=2)
        return cron

    def test_skip_logs_it_notrun(self, env, fake_clock):
        cron = self._overlapping(env, fake_clock, "skip")
        [entry] = backfilled(env, cron)
        assert entry.status == "NOTRUN" and entry.messages[0].startswith("overlap: ")
        assert entry.fire_time == T0 - 2 * HOUR
        assert CALLS == [("slept", T0)]

    def test_queue_one_waits_for_it(self, env, fake_clock):
        cron = self._overlapping(env, fake_clock, "queue-one")
        assert [l.status for l in backfilled(env, cron)] == ["OK"]
        assert CALLS == [("slept", T0), ("slept", T0 - 2 * HOUR)]
