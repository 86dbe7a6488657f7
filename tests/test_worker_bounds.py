"""A real worker and bounds, calendars and max_runs: exactly max_runs runs,
excluded fire times neither run nor logged, the end bound, re-arming."""
from datetime import datetime, timedelta, timezone

from test_worker import CALLS, env, runners  # noqa: F401 (fixtures)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def _pending(env, cron):
    from zcron.components import queue_for
    return queue_for(env.session.root).pending("default", cron.uid)


def _minutes(env, fake_clock, minutes):
    """Run the worker once a minute for ``minutes`` minutes."""
    for minute in range(1, minutes + 1):
        fake_clock.set(T0 + timedelta(minutes=minute))
        env.run()


def _fires(cron_name="ok"):
    return [fire for name, fire, *_ in CALLS if name == cron_name]


class TestMaxRuns:
    def test_exactly_max_runs_then_none_and_done(self, env, fake_clock):
        fake_clock.set(T0)
        cron = env.add("ok", max_runs=3)
        _minutes(env, fake_clock, 6)
        cron = env.crontab.get(cron.uid)
        assert _fires() == [T0 + timedelta(minutes=m) for m in (1, 2, 3)]
        assert [log.status for log in cron.logs] == ["OK"] * 3
        assert _pending(env, cron) == []
        assert cron.state(fake_clock.now()) == "done"
        assert not cron.runnable(fake_clock.now())

    def test_a_higher_max_runs_rearms(self, env, fake_clock):
        fake_clock.set(T0)
        cron = env.add("ok", max_runs=1)
        _minutes(env, fake_clock, 2)
        cron = env.crontab.get(cron.uid)
        cron.edit(max_runs=2)
        env.crontab.save_cron(cron)
        env.session.tm.commit()
        assert cron.state(fake_clock.now()) == "on" and len(_pending(env, cron)) == 1
        fake_clock.set(T0 + timedelta(minutes=3))
        env.run()
        fake_clock.set(T0 + timedelta(minutes=4))
        env.run()
        assert _fires() == [T0 + timedelta(minutes=1), T0 + timedelta(minutes=3)]

    def test_notrun_entries_do_not_count(self, env, fake_clock):
        fake_clock.set(T0)
        cron = env.add("nobody", max_runs=2)       # no such runner: NOTRUN each time
        _minutes(env, fake_clock, 3)
        cron = env.crontab.get(cron.uid)
        assert [log.status for log in cron.logs] == ["NOTRUN"] * 3
        assert cron.state(fake_clock.now()) == "on" and len(_pending(env, cron)) == 1


class TestCalendars:
    def _exclude(self, env, **rules):
        from zcron.model.calendar import Calendar
        env.crontab.set_calendar(Calendar("quiet", **rules))
        env.session.tm.commit()

    def test_excluded_fire_times_are_not_run_nor_logged(self, env, fake_clock):
        fake_clock.set(T0)
        self._exclude(env, blackouts=["*/2 * * * * for 1m"])    # even minutes
        cron = env.add("ok", exclude=["quiet"])
        _minutes(env, fake_clock, 6)
        cron = env.crontab.get(cron.uid)
        odd = [T0 + timedelta(minutes=m) for m in (1, 3, 5)]
        assert _fires() == odd
        assert sorted(log.fire_time for log in cron.logs) == odd
        assert [j.fire_time for j in _pending(env, cron)] == [T0 + timedelta(minutes=7)]

    def test_missed_runs_count_only_fire_times_not_excluded(self, env, fake_clock):
        fake_clock.set(T0)
        self._exclude(env, blackouts=["*/2 * * * * for 1m"])
        cron = env.add("ok", exclude=["quiet"])
        fake_clock.set(T0 + timedelta(minutes=6, seconds=10))    # workers were down
        env.run()
        cron = env.crontab.get(cron.uid)
        ok, notrun = cron.logs
        assert _fires() == [T0 + timedelta(minutes=5)] and ok.status == "OK"
        assert notrun.status == "NOTRUN"
        assert notrun.messages[0].startswith("missed: 2 fire times from 2026-03-01T12:01:00+00:00 "
                                             "to 2026-03-01T12:03:00+00:00")

    def test_a_calendar_edit_reaches_the_queued_job(self, env, fake_clock):
        from zcron.model.calendar import Calendar
        fake_clock.set(T0)
        self._exclude(env)
        cron = env.add("ok", exclude=["quiet"])
        assert [j.fire_time for j in _pending(env, cron)] == [T0 + timedelta(minutes=1)]
        env.crontab.set_calendar(Calendar("quiet", blackouts=["1 12 * * * for 1m"]))
        env.crontab.save_calendar("quiet")
        env.session.tm.commit()
        assert [j.fire_time for j in _pending(env, cron)] == [T0 + timedelta(minutes=2)]


class TestEnd:
    def test_no_run_after_the_end_then_done_and_a_later_end_rearms(self, env, fake_clock):
        fake_clock.set(T0)
        cron = env.add("ok", end=T0 + timedelta(minutes=2))
        _minutes(env, fake_clock, 4)
        cron = env.crontab.get(cron.uid)
        assert _fires() == [T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)]
        assert _pending(env, cron) == [] and cron.state(fake_clock.now()) == "done"
        cron.edit(end=T0 + timedelta(minutes=10))
        env.crontab.save_cron(cron)
        env.session.tm.commit()
        assert [j.fire_time for j in _pending(env, cron)] == [T0 + timedelta(minutes=5)]
        assert cron.state(fake_clock.now()) == "on"


class TestDoneIsCheap:
    def test_a_recurring_cron_knows_it_is_not_done_without_its_logs(self, env, fake_clock):
        """The running thread asks ``runnable`` for every run: for a schedule
        that never runs out, its log record must stay unread."""
        from zcron.db import Session
        fake_clock.set(T0)
        cron = env.add("ok")
        _minutes(env, fake_clock, 1)
        with Session(env.db) as fresh:
            from zcron.components import load_crontab
            again = load_crontab(fresh.root.get_site("default")).get(cron.uid)
            record = again.log_record()
            record._p_deactivate()
            assert record._p_changed is None                   # a ghost
            assert again.runnable(fake_clock.now()) and again.state(fake_clock.now()) == "on"
            assert record._p_changed is None                   # still one
            again.edit(end=T0 + timedelta(minutes=3))
            assert again.runnable(fake_clock.now())            # read when it may end
