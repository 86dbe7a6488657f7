"""A cron's schedule: its next scheduled job, from the cron or from a
job's signature alone."""
from datetime import datetime, timedelta, timezone

import pytest

T0 = datetime(2026, 3, 1, 12, 0, 30, tzinfo=timezone.utc)


@pytest.fixture
def crontab(site, fake_clock):
    from zcron.components import load_crontab
    fake_clock.set(T0)
    return load_crontab(site)


def _cron(name="job", expr="*/5 * * * *", **kw):
    from zcron.model import Cron
    return Cron(name, expr, **kw)


class TestNextScheduled:
    """A worker queues a cron's next run from its job's signature: it must
    be the job ``schedule_after`` gives from the cron itself."""

    @pytest.mark.parametrize("fields", [
        {"periodicity": "*/5 * * * *"},
        {"periodicity": "30 2 * * *", "timezone": "Europe/Zurich"},
        {"periodicity": "0 9 * * 1-5", "timezone": "America/New_York", "jitter": 90},
        {"periodicity": "*/10 * * * * *", "jitter": 2.5},
        {"periodicity": "0 * * * *",
         "paused_until": datetime(2026, 3, 2, 8, 30, tzinfo=timezone.utc)},
        {"periodicity": "*/5 * * * *", "start": datetime(2026, 3, 1, 13, 2, tzinfo=timezone.utc),
         "end": datetime(2026, 3, 1, 13, 20, tzinfo=timezone.utc)},
        {"periodicity": "0 * * * *", "timezone": "Europe/Zurich",
         "end": datetime(2026, 3, 1, 15, 0, tzinfo=timezone.utc)},
    ])
    def test_same_as_from_the_cron(self, crontab, fields):
        from zcron.schedule import next_scheduled, schedule_after
        cron = crontab.add_cron(_cron("job", fields.pop("periodicity"), **fields))
        job = schedule_after(cron, T0)
        for _ in range(5):
            following = next_scheduled(job)
            assert following == schedule_after(cron, job.fire_time)
            if following is None:        # the end bound
                break
            assert (following.due_us, following.signature) == \
                (schedule_after(cron, job.fire_time).due_us, job.signature)
            job = following

    def test_paused_until_resumed_has_none(self, crontab):
        from zcron.schedule import next_scheduled, schedule_after, signature
        cron = crontab.add_cron(_cron())
        job = schedule_after(cron, T0)
        cron.pause()
        assert next_scheduled(job.replace(signature=signature(cron))) is None


class TestCronManager:
    def test_schedule_after_is_the_cron_schedule_and_queues_nothing(self, session, crontab):
        from zcron.components import cron_manager, queue_for
        from zcron.schedule import schedule_after
        cron = crontab.add_cron(_cron())
        manager = cron_manager(crontab.__parent__, cron)
        assert manager.schedule_after(T0) == schedule_after(cron, T0)
        assert len(queue_for(session.root)) == 0

    def test_never_firing_has_none(self, crontab):
        from zcron.components import cron_manager
        cron = crontab.add_cron(_cron())
        cron.pause()
        assert cron_manager(crontab.__parent__, cron).schedule_after(T0) is None


class TestSignature:
    def test_a_plain_cron_keeps_its_four_fields(self, crontab):
        from zcron.schedule import SEP, needs_cron, schedule_after
        cron = crontab.add_cron(_cron())
        cron.log_record()
        job = schedule_after(cron, T0)
        assert len(job.signature.split(SEP)) == 4 and not needs_cron(job)

    def test_bounds_are_carried(self, crontab):
        from zcron.schedule import needs_cron, schedule_after
        cron = crontab.add_cron(_cron(end=T0 + timedelta(minutes=7)))
        cron.log_record()
        job = schedule_after(cron, T0)
        assert "2026-03-01T12:07:30+00:00" in job.signature and not needs_cron(job)

    @pytest.mark.parametrize("fields", [{"max_runs": 5}, {"exclude": ["quiet"]}])
    def test_max_runs_and_calendars_need_the_cron(self, crontab, fields):
        from zcron.model.calendar import Calendar
        from zcron.schedule import needs_cron, schedule_after
        crontab.set_calendar(Calendar("quiet"))
        cron = crontab.add_cron(_cron(**fields))
        cron.log_record()
        assert needs_cron(schedule_after(cron, T0))

    def test_a_calendar_edit_changes_its_users_signatures(self, crontab):
        from zcron.model.calendar import Calendar
        from zcron.schedule import signature
        crontab.set_calendar(Calendar("quiet"))
        cron = crontab.add_cron(_cron(exclude=["quiet"]))
        before = signature(cron)
        crontab.set_calendar(Calendar("quiet", dates=["2026-03-02"]))
        assert signature(cron) != before

    def test_no_job_once_max_runs_are_logged(self, crontab):
        from zcron.model import Log
        from zcron.schedule import schedule_after
        cron = crontab.add_cron(_cron(max_runs=1))
        assert schedule_after(cron, T0) is not None
        cron.add_log(Log(T0, "OK", fire_time=T0))
        assert schedule_after(cron, T0) is None


class TestPreview:
    def test_next_runs_apply_bounds_calendars_and_runs_left(self, crontab):
        from zcron.model import Log
        from zcron.model.calendar import Calendar
        from zcron.schedule import next_runs
        crontab.set_calendar(Calendar("quiet", blackouts=["10 12 * * * for 5m"]))
        cron = crontab.add_cron(_cron(exclude=["quiet"], max_runs=4,
                                      start=T0 + timedelta(minutes=4)))
        cron.add_log(Log(T0, "OK", fire_time=T0))
        assert [t.minute for t in next_runs(cron, T0, 10)] == [5, 15, 20]

    def test_marked_runs_show_what_calendars_remove(self, crontab):
        from zcron.model.calendar import Calendar
        from zcron.schedule import marked_runs
        crontab.set_calendar(Calendar("quiet", blackouts=["10 12 * * * for 5m"]))
        cron = crontab.add_cron(_cron(exclude=["quiet"], max_runs=2))
        marked = [(t.minute, names) for t, names in marked_runs(cron, T0, 10)]
        assert marked == [(5, None), (10, ["quiet"]), (15, None)]
