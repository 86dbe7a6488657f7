"""A cron's schedule: its next scheduled job, from the cron or from a
job's signature alone."""
from datetime import datetime, timezone

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
    ])
    def test_same_as_from_the_cron(self, crontab, fields):
        from zcron.schedule import next_scheduled, schedule_after
        cron = crontab.add_cron(_cron("job", fields.pop("periodicity"), **fields))
        job = schedule_after(cron, T0)
        for _ in range(5):
            following = next_scheduled(job)
            assert following == schedule_after(cron, job.fire_time)
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
