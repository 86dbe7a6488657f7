"""Missed-run and overlap decisions, without a worker."""
from datetime import datetime, timedelta, timezone

import pytest

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def crontab(site, fake_clock):
    from zcron.components import load_crontab
    fake_clock.set(T0)
    return load_crontab(site)


def _scheduled(crontab, expr="* * * * *", after=T0 - timedelta(minutes=1), logged=True,
               **kw):
    from zcron.model import Cron
    from zcron.schedule import schedule_after
    cron = crontab.add_cron(Cron("job", expr, **kw))
    if logged:
        cron.log_record()     # as its first claim does
    return cron, schedule_after(cron, after)


def _plan(cron, job, now, running):
    """``plan`` as the worker asks it: the cron's manager schedules."""
    from zcron.components import cron_manager
    from zcron.policies import plan
    site = cron.__parent__.__parent__
    return plan(cron, job, now, running, cron_manager(site, cron).schedule_after)


class TestQuickPlan:
    """What ``plan`` decides for a cron with no run in progress, from the job alone."""

    def test_on_time_scheduled_job_runs_and_queues_the_next(self, crontab):
        from zcron.policies import quick_plan
        cron, job = _scheduled(crontab)
        now = job.due + timedelta(seconds=2)
        quick, full = quick_plan(job, now), _plan(cron, job, now, [])
        assert (quick.run_fire, quick.next_job, quick.notes, quick.notrun) == \
            (full.run_fire, full.next_job, full.notes, full.notrun)
        assert quick.run_fire == job.fire_time and quick.next_job.fire_time == T0 + \
            timedelta(minutes=1)

    def test_claimed_ahead_of_time(self, crontab):
        from zcron.policies import quick_plan
        cron, job = _scheduled(crontab, jitter=20)
        now = job.due - timedelta(seconds=0.05)
        assert quick_plan(job, now).next_job == _plan(cron, job, now, []).next_job

    @pytest.mark.parametrize("late", [31, 61])
    def test_late_needs_the_cron(self, crontab, late):
        """Past the grace, or with the next fire time due already, the
        cron's missed-run policy decides."""
        from zcron.policies import quick_plan
        cron, job = _scheduled(crontab)
        assert quick_plan(job, job.fire_time + timedelta(seconds=late)) is None

    def test_scheduled_job_without_signature_needs_the_cron(self, crontab):
        from zcron.policies import quick_plan
        cron, job = _scheduled(crontab)
        assert quick_plan(job.replace(signature=None), job.due) is None

    def test_first_claim_needs_the_cron(self, crontab):
        """It creates the cron's log record, so that runs write only that."""
        from zcron.policies import quick_plan
        from zcron.schedule import signature
        cron, job = _scheduled(crontab, logged=False)
        assert quick_plan(job, job.due) is None
        cron.log_record()
        assert quick_plan(job, job.due) is None       # the job's signature says so
        assert quick_plan(job.replace(signature=signature(cron)), job.due) is not None

    def test_nothing_next_queues_nothing(self, crontab):
        from zcron.policies import quick_plan
        from zcron.schedule import signature
        cron, job = _scheduled(crontab)
        cron.pause()                  # until resumed: no next fire time
        decision = quick_plan(job.replace(signature=signature(cron)), job.due)
        assert decision.run_fire == job.fire_time and decision.next_job is None

    @pytest.mark.parametrize("kind", ["manual", "retry", "queued"])
    def test_other_kinds_run_whenever_due(self, crontab, kind):
        from zcron.policies import quick_plan
        cron, job = _scheduled(crontab)
        job = job.replace(kind=kind)
        decision = quick_plan(job, job.due + timedelta(hours=5))
        assert decision.run_fire == job.fire_time and decision.next_job is None

    def test_next_fire_time_due_already_needs_the_cron(self, crontab):
        """A per-second cron two seconds late: more than one fire time is due."""
        from zcron.policies import quick_plan
        cron, job = _scheduled(crontab, "* * * * * *")
        assert quick_plan(job, job.fire_time + timedelta(seconds=2)) is None


class TestPlan:
    """What the worker does with a due job, given the cron's policies."""

    def _claim(self, job, at):
        from zcron.queue.base import Claim
        return Claim(job, "w", at, "e" * 32)

    @pytest.mark.parametrize("kind", ["retry", "queued"])
    def test_retries_and_queued_runs_wait_for_the_running_one(self, crontab, kind):
        cron, job = _scheduled(crontab)
        running = [self._claim(job, job.due)]
        decision = _plan(cron, job.replace(kind=kind), job.due, running)
        assert decision.wait and decision.run_fire is None

    @pytest.mark.parametrize("policy", ["skip", "queue-one"])
    def test_a_scheduled_run_waits_briefly_for_the_running_one(self, crontab, policy):
        from zcron.policies import OVERLAP_GRACE
        cron, job = _scheduled(crontab, overlap=policy)
        running = [self._claim(job, job.due - timedelta(seconds=30))]
        assert _plan(cron, job, job.due, running).wait
        decision = _plan(cron, job, job.due + OVERLAP_GRACE, running)
        assert not decision.wait
        if policy == "skip":
            assert decision.run_fire is None
            assert decision.notrun[0][1][0].startswith("overlap: previous run")
        else:
            assert decision.hold and decision.run_fire == job.fire_time

    def test_allow_does_not_wait(self, crontab):
        cron, job = _scheduled(crontab, overlap="allow")
        running = [self._claim(job, job.due - timedelta(seconds=30))]
        decision = _plan(cron, job, job.due, running)
        assert not decision.wait and decision.run_fire == job.fire_time

    def test_run_now_does_not_wait(self, crontab):
        cron, job = _scheduled(crontab)
        running = [self._claim(job, job.due - timedelta(seconds=30))]
        decision = _plan(cron, job.replace(kind="manual"), job.due, running)
        assert not decision.wait and decision.notrun[0][1][0].startswith("overlap")

    def test_all_runs_the_first_fire_time_inside_the_catchup_window(self, crontab):
        cron, job = _scheduled(crontab, missed="all", catchup_window=150)
        now = job.fire_time + timedelta(minutes=4, seconds=10)     # 5 fire times due
        decision = _plan(cron, job, now, [])
        (fire, messages), = decision.notrun
        assert messages[0].startswith("missed: 2 fire times") and \
            "older than the catch-up window" in messages[0]
        assert decision.run_fire == job.fire_time + timedelta(minutes=2)
        assert decision.next_job.fire_time == job.fire_time + timedelta(minutes=3)

    def test_once_runs_the_last_and_counts_the_others(self, crontab):
        cron, job = _scheduled(crontab, missed="once")
        now = job.fire_time + timedelta(minutes=3, seconds=5)
        decision = _plan(cron, job, now, [])
        assert decision.run_fire == job.fire_time + timedelta(minutes=3)
        assert decision.notes == ["3 missed fire time(s) before this run"]
        assert decision.next_job.fire_time == job.fire_time + timedelta(minutes=4)

    def test_skip_runs_nothing_late(self, crontab):
        cron, job = _scheduled(crontab, missed="skip")
        decision = _plan(cron, job, job.fire_time + timedelta(minutes=2, seconds=40), [])
        assert decision.run_fire is None and len(decision.notrun) == 1

    def test_all_with_every_missed_fire_time_too_old_runs_none(self, crontab):
        cron, job = _scheduled(crontab, missed="all", catchup_window=30)
        decision = _plan(cron, job, job.fire_time + timedelta(minutes=2, seconds=40), [])
        assert decision.run_fire is None
        assert decision.notrun[0][1][0].startswith("missed: 3 fire times")
        assert decision.next_job.fire_time == job.fire_time + timedelta(minutes=3)

    def test_once_late_with_nothing_missed_just_runs(self, crontab):
        cron, job = _scheduled(crontab, missed="once")
        decision = _plan(cron, job, job.fire_time + timedelta(seconds=45), [])
        assert decision.run_fire == job.fire_time
        assert decision.notes == [] and decision.notrun == []


class TestBoundsAndCalendars:
    def test_missed_counts_only_fire_times_not_excluded(self, crontab):
        from zcron.model.calendar import Calendar
        from zcron.policies import due_fire_times
        crontab.set_calendar(Calendar("quiet", blackouts=["*/2 * * * * for 1m"]))
        cron, job = _scheduled(crontab, exclude=["quiet"])
        times = due_fire_times(cron, job.fire_time, T0 + timedelta(minutes=6))
        assert [t.minute for t in times] == [1, 3, 5]

    def test_missed_stops_at_the_end(self, crontab):
        cron, job = _scheduled(crontab, end=T0 + timedelta(minutes=2))
        decision = _plan(cron, job, T0 + timedelta(minutes=5), [])
        assert decision.run_fire == T0 + timedelta(minutes=2) and decision.next_job is None
        assert "2 fire times" in decision.notrun[0][1][0]

    def test_the_last_of_max_runs_queues_no_next_job(self, crontab):
        from zcron.model import Log
        cron, job = _scheduled(crontab, max_runs=2)
        decision = _plan(cron, job, job.due, [])
        assert decision.run_fire == job.fire_time and decision.next_job is not None
        cron.add_log(Log(job.due, "OK", fire_time=job.fire_time))
        decision = _plan(cron, decision.next_job, decision.next_job.due, [])
        assert decision.run_fire is not None and decision.next_job is None
