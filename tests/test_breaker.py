"""The circuit breaker (``pause_after_failures``) and retries as the log
shows them (attempt, a retry's own lateness), with the worker in-process."""
from datetime import timedelta

import pytest

import zcron
from test_worker import T0, db, env, runners  # noqa: F401 (fixtures)


@pytest.fixture
def paused_events(zca):
    from zcron.interfaces import ICronAutoPausedEvent
    seen = []
    zcron.add_subscriber(seen.append, ICronAutoPausedEvent)
    return seen


def run_now(env, cron, times=1):
    for _ in range(times):
        env.run_now(cron)
        env.run()


def scheduled(env, cron):
    from zcron.components import queue_for
    return queue_for(env.session.root).pending("default", cron.uid, "schedule")


class TestBreaker:
    def test_pauses_after_n_failures_in_a_row_once(self, env, fake_clock, paused_events):
        fake_clock.set(T0)
        cron = env.add("fails", "0 0 1 1 *", pause_after_failures=3)
        run_now(env, cron, 2)
        assert not env.crontab.get(cron.uid).paused
        run_now(env, cron)
        cron = env.crontab.get(cron.uid)
        note = "paused after 3 consecutive failures at 2026-03-01 12:00 UTC"
        assert cron.state(fake_clock.now()) == "paused" and cron.pause_note == note
        assert [(e.cron.uid, e.site.name, e.note) for e in paused_events] == [
            (cron.uid, "default", note)]
        assert scheduled(env, cron) == []      # its schedule stops, as for any pause
        run_now(env, cron)                     # refused by the pause: no run, no event
        assert len(env.logs(cron)) == 3 and len(paused_events) == 1

    def test_an_ok_or_warn_breaks_the_row(self, env, fake_clock):
        fake_clock.set(T0)
        cron = env.add("fails", "0 0 1 1 *", pause_after_failures=2)
        run_now(env, cron)
        with env.session.tm:
            env.crontab.get(cron.uid).edit(name="warns")
        run_now(env, cron)
        with env.session.tm:
            env.crontab.get(cron.uid).edit(name="fails")
        run_now(env, cron)
        assert [l.status for l in env.logs(cron)] == ["FAILURE", "WARN", "FAILURE"]
        assert not env.crontab.get(cron.uid).paused

    def test_resuming_counts_again_from_zero(self, env, fake_clock, paused_events):
        fake_clock.set(T0)
        cron = env.add("fails", "0 0 1 1 *", pause_after_failures=2)
        run_now(env, cron, 2)
        with env.session.tm:
            resumed = env.crontab.get(cron.uid)
            resumed.resume()
            env.crontab.save_cron(resumed)
        run_now(env, cron)
        assert not env.crontab.get(cron.uid).paused and len(paused_events) == 1
        run_now(env, cron)
        assert env.crontab.get(cron.uid).paused and len(paused_events) == 2

    def test_a_retried_failure_counts_once_its_retries_are_exhausted(self, env, fake_clock):
        fake_clock.set(T0)
        cron = env.add("fails", "0 0 1 1 *", pause_after_failures=2, retries=1,
                       retry_backoff=10)
        run_now(env, cron)
        fake_clock.advance(10)
        env.run()                                     # the retry fails too: one failure
        assert not env.crontab.get(cron.uid).paused
        run_now(env, cron)
        assert not env.crontab.get(cron.uid).paused   # its first attempt only
        fake_clock.advance(10)
        env.run()
        assert env.crontab.get(cron.uid).paused

    def test_off_by_default(self, env, fake_clock):
        fake_clock.set(T0)
        cron = env.add("fails", "0 0 1 1 *")
        run_now(env, cron, 4)
        assert not env.crontab.get(cron.uid).paused
        assert env.crontab.get(cron.uid).log_record().failures == 4


class TestRetriesShown:
    def test_attempts_and_a_retrys_lateness_from_its_own_due_time(self, env, fake_clock):
        fake_clock.set(T0)
        cron = env.add("fails", "0 0 1 1 *", retries=2, retry_backoff=10)
        run_now(env, cron)
        for backoff in (10, 20):
            fake_clock.advance(backoff)
            env.run()
        logs = env.logs(cron)
        assert [(l.attempt, l.attempts) for l in logs] == [(3, 3), (2, 3), (1, 3)]
        assert {l.fire_time for l in logs} == {T0}
        assert [l.due for l in logs] == [T0 + timedelta(seconds=30),
                                         T0 + timedelta(seconds=10), None]
        assert [l.lateness for l in logs] == [0.0, 0.0, 0.0]
        assert logs[0].dump()["attempt"] == 3 and logs[0].dump()["attempts"] == 3

    def test_logs_show_the_attempt(self, env, fake_clock):
        from zcron.cli.logs import log_row
        fake_clock.set(T0)
        cron = env.add("fails", "0 0 1 1 *", retries=1, retry_backoff=10)
        run_now(env, cron)
        fake_clock.advance(10)
        env.run()
        rows = [log_row(l.dump(), "UTC", True) for l in env.logs(cron)]
        assert [row[-1] for row in rows] == [
            "[attempt 2 of 2] RuntimeError: database unreachable",
            "[attempt 1 of 2] RuntimeError: database unreachable"]


def lose_a_run(env, fake_clock, cron):
    """A run of ``cron`` claimed by a worker that is lost then."""
    from zcron.components import queue_for
    env.run_now(cron)
    queue = queue_for(env.session.root)
    queue.register_worker("lost", T0, 5)
    queue.claim(queue.due(T0)[0], "lost", T0, "f" * 32)
    env.session.tm.commit()
    fake_clock.advance(7)            # its lease and grace are over


class TestInterrupted:
    def test_an_interrupted_run_counts_too(self, env, fake_clock, paused_events):
        fake_clock.set(T0)
        cron = env.add("ok", "0 0 1 1 *", pause_after_failures=1)
        lose_a_run(env, fake_clock, cron)
        env.run()
        [entry] = env.logs(cron)
        assert entry.messages == ["interrupted: worker lost lost"]
        assert env.crontab.get(cron.uid).pause_note.startswith("paused after 1 consecutive")
        assert len(paused_events) == 1


class TestCountMerged:
    """Two runs of one cron committed concurrently: their log record's
    conflict resolution merges the count too."""

    def _concurrently(self, env, first, second):
        import transaction
        from zcron.db import get_root
        from zcron.components import load_crontab
        from zcron.model import Log
        cron = env.add("fails", "0 0 1 1 *")
        with env.session.tm:
            record = env.crontab.get(cron.uid).log_record()
            record.failures = 2
        managers = [transaction.TransactionManager() for _ in range(2)]
        conns = [env.db.open(tm) for tm in managers]
        for conn, status in zip(conns, (first, second)):
            crontab = load_crontab(get_root(conn).sites["default"])
            crontab.get(cron.uid).add_log(Log(T0, status, [status]))
        for tm, conn in zip(managers, conns):
            tm.commit()
            conn.close()
        env.session.tm.abort()
        return env.crontab.get(cron.uid).log_record().failures

    def test_two_failures_add_up(self, env, fake_clock):
        assert self._concurrently(env, "FAILURE", "FAILURE") == 4

    def test_a_success_on_either_side_breaks_the_row(self, env, fake_clock):
        assert self._concurrently(env, "FAILURE", "OK") == 0
        assert self._concurrently(env, "OK", "FAILURE") == 0
