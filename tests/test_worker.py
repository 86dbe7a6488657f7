"""The worker, in-process: outcomes, events, transactions and policies."""
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

import zcron

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
CALLS = []
SLEPT = threading.Event()      # a Sleeps runner returned


def wait_until(condition, seconds=10):
    """Poll ``condition`` until true: for what another thread commits (no
    event tells the test), checked every 10 ms."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.01)


def started_runs():
    """An Event set by each StartedCronJobEvent."""
    from zcron.interfaces import IStartedCronJobEvent
    started = threading.Event()
    zcron.add_subscriber(lambda event: started.set(), IStartedCronJobEvent)
    return started


class Ok(zcron.Runner):
    def run(self):
        CALLS.append((self.cron.name, self.fire_time, self.window, self.execution_id,
                      self.environ))


class Warns(zcron.Runner):
    def run(self):
        return "disk 91% full"


class Fails(zcron.Runner):
    def run(self):
        raise RuntimeError("database unreachable")


class Writes(zcron.Runner):
    """Writes to the ZODB, then fails if environ says so."""

    def run(self):
        self.site.counter = getattr(self.site, "counter", 0) + 1
        if self.environ.get("fail"):
            raise ValueError("after writing")


class Sleeps(zcron.Runner):
    def run(self):
        if self.environ.get("write", True):
            self.site.slept = True
        time.sleep(self.environ.get("seconds", 1.0))    # a run taking real time
        CALLS.append(("slept", self.fire_time))
        SLEPT.set()


class FailsOnce(zcron.Runner):
    def run(self):
        CALLS.append(("attempt", self.fire_time))
        if len([c for c in CALLS if c[0] == "attempt"]) == 1:
            raise RuntimeError("first attempt fails")


class Changes(zcron.Runner):
    """Changes another cron without saving it (as a script might)."""

    def run(self):
        other = self.cron.__parent__.get(self.environ["uid"])
        if self.environ.get("pause"):
            other.pause(note="by a runner")
        else:
            other.activated = False


@pytest.fixture
def db(durable_database, zca):
    """The whole suite runs over FileStorage and over a ZEO server."""
    database = durable_database.open()
    yield database
    database.close()


@pytest.fixture
def runners(zca):
    del CALLS[:]
    SLEPT.clear()
    for name, factory in [("ok", Ok), ("warns", Warns), ("fails", Fails),
                          ("writes", Writes), ("sleeps", Sleeps), ("fails-once", FailsOnce),
                          ("changes", Changes)]:
        zcron.add_runner(name, factory)


@pytest.fixture
def env(db, session, site, runners):
    from zcron.components import load_crontab
    return Env(db, session, site, load_crontab(site))


class Env:
    def __init__(self, db, session, site, crontab):
        self.db, self.session, self.site, self.crontab = db, session, site, crontab

    def add(self, name, expr="* * * * *", **kw):
        cron = self.crontab.add_cron(zcron.Cron(name, expr, **kw))
        self.crontab.save_cron(cron)
        self.session.tm.commit()
        return cron

    def run(self, **kw):
        from zcron.worker import Worker
        kw.setdefault("concurrency", 2)
        options = {k: kw.pop(k) for k in ("max_seconds", "until_idle") if k in kw}
        options.setdefault("until_idle", True)
        options.setdefault("max_seconds", 30)
        worker = Worker(self.db, **kw)
        stats = worker.run(**options)
        self.session.tm.abort()
        self.session.tm.begin()
        return stats

    def logs(self, cron):
        return list(self.crontab.get(cron.uid).logs)

    def synchronise(self):
        """A full synchronisation, as a worker's restart does (in a thread
        of its own, while runs start)."""
        from zcron.components import crontab_manager
        crontab_manager(self.site, self.crontab).synchronize()
        self.session.tm.commit()

    def run_now(self, cron):
        """Queue a run now, while a worker may be writing too."""
        from ZODB.POSException import ConflictError
        from zcron.components import cron_manager
        for _ in range(50):
            self.session.tm.begin()
            cron_manager(self.site, self.crontab.get(cron.uid)).run_now()
            try:
                return self.session.tm.commit()
            except ConflictError:
                self.session.tm.abort()
        raise AssertionError("could not queue a run")


class TestOutcomes:
    def test_ok_warn_failure_notrun(self, env, fake_clock):
        fake_clock.set(T0)
        crons = [env.add(n) for n in ("ok", "warns", "fails", "nobody")]
        fake_clock.set(T0 + timedelta(minutes=1))
        stats = env.run()
        assert stats.by_status == {"OK": 1, "WARN": 1, "FAILURE": 1, "NOTRUN": 1}
        ok, warn, failure, notrun = (env.logs(c)[0] for c in crons)
        assert ok.status == "OK" and ok.messages == []
        assert warn.status == "WARN" and warn.messages == ["disk 91% full"]
        assert failure.status == "FAILURE"
        assert failure.messages == ["RuntimeError: database unreachable"]
        assert "Traceback" in failure.traceback and "unreachable" in failure.traceback
        assert notrun.status == "NOTRUN" and "'nobody'" in notrun.messages[0]
        for log in (ok, warn, failure, notrun):
            assert log.fire_time == T0 + timedelta(minutes=1)
            assert log.duration is not None and log.date == T0 + timedelta(minutes=1)
            assert len(log.execution_id) == 32

    def test_runner_receives_fire_time_window_and_id(self, env, fake_clock):
        fake_clock.set(T0)
        cron = env.add("ok", environ={"days": 7})
        fake_clock.set(T0 + timedelta(minutes=1))
        env.run()
        fake_clock.set(T0 + timedelta(minutes=2))
        env.run()
        (_, f1, w1, id1, environ), (_, f2, w2, id2, _) = CALLS
        assert environ == {"days": 7}
        assert (f1, f2) == (T0 + timedelta(minutes=1), T0 + timedelta(minutes=2))
        assert w1 == (None, f1) and w2 == (f1, f2)
        assert id1 != id2 and env.logs(cron)[0].execution_id == id2

    def test_next_run_is_scheduled(self, env, fake_clock):
        from zcron.components import queue_for
        fake_clock.set(T0)
        cron = env.add("ok")
        fake_clock.set(T0 + timedelta(minutes=1))
        env.run()
        jobs = queue_for(env.session.root).pending("default", cron.uid)
        assert [j.fire_time for j in jobs] == [T0 + timedelta(minutes=2)]

    def test_runner_writes_commit_with_the_log(self, env, fake_clock):
        fake_clock.set(T0)
        env.add("writes")
        fake_clock.set(T0 + timedelta(minutes=1))
        env.run()
        assert env.site.counter == 1

    def test_runner_writes_roll_back_on_failure(self, env, fake_clock):
        fake_clock.set(T0)
        cron = env.add("writes", environ={"fail": True})
        fake_clock.set(T0 + timedelta(minutes=1))
        env.run()
        assert env.logs(cron)[0].status == "FAILURE"
        assert not hasattr(env.site, "counter")

    def test_inactive_or_removed_cron_does_not_run(self, env, fake_clock):
        from zcron.components import queue_for
        fake_clock.set(T0)
        cron = env.add("ok")
        env.crontab.remove_cron(cron.uid)      # removed without sync
        env.session.tm.commit()
        fake_clock.set(T0 + timedelta(minutes=1))
        env.run()
        assert CALLS == [] and len(queue_for(env.session.root)) == 0


class TestLogRecord:
    """A cron's log record comes with its first claim (or its run queued
    by hand), so that its runs write that record only."""

    @pytest.mark.parametrize("by_hand", [False, True])
    def test_a_first_run_writes_only_the_log_record(self, env, fake_clock, by_hand):
        from zcron.testing import written_oids
        fake_clock.set(T0)
        cron = env.add("ok")
        assert not cron.has_log_record
        if by_hand:
            env.run_now(cron)
            assert env.crontab.get(cron.uid).has_log_record
        else:
            fake_clock.set(T0 + timedelta(minutes=1))
        env.run()
        cron = env.crontab.get(cron.uid)
        record = cron.log_record()
        assert [l.status for l in cron.logs] == ["OK"]
        # and the crontab's digest (a tree this small holds its one bucket)
        assert written_oids(env.db.storage, record._p_serial) == {
            record._p_oid, env.crontab._digest._p_oid}


class TestEvents:
    def test_started_and_finished_in_order_on_failure_too(self, env, fake_clock):
        from zcron.interfaces import IFinishedCronJobEvent, IStartedCronJobEvent
        seen = []
        zcron.add_subscriber(lambda e: seen.append(("started", e.object.name, e.site.name)),
                             IStartedCronJobEvent)
        zcron.add_subscriber(lambda e: seen.append(("finished", e.object.name,
                                                    e.log.status, e.job.uid)),
                             IFinishedCronJobEvent)
        fake_clock.set(T0)
        cron = env.add("fails")
        fake_clock.set(T0 + timedelta(minutes=1))
        env.run()
        assert seen == [("started", "fails", "default"),
                        ("finished", "fails", "FAILURE", cron.uid)]

    def test_subscriber_writes_are_saved(self, env, fake_clock):
        from zcron.interfaces import IFinishedCronJobEvent

        def count(event):
            event.site.finished = getattr(event.site, "finished", 0) + 1
        zcron.add_subscriber(count, IFinishedCronJobEvent)
        fake_clock.set(T0)
        env.add("ok")
        fake_clock.set(T0 + timedelta(minutes=1))
        env.run()
        assert env.site.finished == 1

    def test_subscriber_writes_on_a_notrun_logged_by_a_claim_are_saved(self, env, fake_clock):
        """The dispatcher logs missed runs NOTRUN; the event follows its commit."""
        from zcron.interfaces import IFinishedCronJobEvent

        def count(event):
            event.site.finished = getattr(event.site, "finished", 0) + 1
        zcron.add_subscriber(count, IFinishedCronJobEvent)
        fake_clock.set(T0 - timedelta(seconds=30))
        cron = env.add("ok", "0 * * * *", missed="skip")
        fake_clock.set(T0 + timedelta(minutes=40))
        env.run()
        assert [l.status for l in env.logs(cron)] == ["NOTRUN"] and env.site.finished == 1


class TestCutShort:
    """An unexpected error around runs (here a failing subscriber) logs
    them interrupted: their fire times are neither lost nor left looking
    busy, and the schedule goes on."""

    def _failing(self, at):
        """A StartedCronJobEvent subscriber failing the ``at``-th time."""
        from zcron.interfaces import IStartedCronJobEvent
        started = []

        def fail(event):
            started.append(event)
            if len(started) == at:
                raise RuntimeError("subscriber bug")
        zcron.add_subscriber(fail, IStartedCronJobEvent)

    def _logs(self, env, cron):
        return [(log.fire_time, log.status, log.messages)
                for log in sorted(env.logs(cron), key=lambda log: log.fire_time)]

    def test_the_run_is_logged_interrupted(self, env, fake_clock):
        self._failing(at=1)
        fake_clock.set(T0)
        cron = env.add("ok")
        fake_clock.set(T0 + timedelta(minutes=1))
        env.run(max_seconds=10)
        fake_clock.set(T0 + timedelta(minutes=2))
        env.run(max_seconds=10)
        assert self._logs(env, cron) == [
            (T0 + timedelta(minutes=1), "FAILURE", ["interrupted: RuntimeError: subscriber bug"]),
            (T0 + timedelta(minutes=2), "OK", [])]

    def test_so_are_the_runs_grouped_with_it(self, env, fake_clock):
        from zcron.worker import Worker
        self._failing(at=2)
        fake_clock.set(T0)
        crons = [env.add("writes", "0 0 1 1 *") for _ in range(2)]
        for cron in crons:
            env.run_now(cron)
        worker = Worker(env.db, concurrency=1)
        worker.pace.observe("writes", duration=0.0, cpu=0.0)   # quick last time: runs join a group
        worker.run(until_idle=True, max_seconds=10)
        env.session.tm.abort()
        for cron in crons:
            assert self._logs(env, cron) == [
                (T0, "FAILURE", ["interrupted: RuntimeError: subscriber bug"])]
        assert not hasattr(env.site, "counter")      # the first run's write rolled back


class TestTimeouts:
    def test_timeout_fails_the_run_and_aborts_its_writes(self, env):
        cron = env.add("sleeps", "0 0 1 1 *", timeout=0.3, environ={"seconds": 1.5})
        env.run_now(cron)
        started = time.monotonic()
        env.run()
        assert time.monotonic() - started < 1.4    # did not wait for the runner
        log = env.logs(cron)[0]
        assert log.status == "FAILURE" and log.messages[0].startswith("timed out after 0.3")
        assert SLEPT.wait(5)                       # the runner thread ends...
        env.session.tm.abort()
        assert not hasattr(env.site, "slept")      # ...and its writes were never committed

    def test_warn_after(self, env):
        cron = env.add("sleeps", "0 0 1 1 *", warn_after=0.05, environ={"seconds": 0.1})
        env.run_now(cron)
        env.run()
        log = env.logs(cron)[0]
        assert log.status == "WARN" and log.messages[0].startswith("took 0.1 s")

    def test_within_timeout_is_ok(self, env):
        cron = env.add("sleeps", "0 0 1 1 *", timeout=5, environ={"seconds": 0.05})
        env.run_now(cron)
        env.run()
        assert env.logs(cron)[0].status == "OK" and env.site.slept


class TestRetries:
    def test_failure_is_retried_with_backoff(self, env, fake_clock):
        from zcron.components import queue_for
        fake_clock.set(T0)
        cron = env.add("fails-once", "0 0 1 1 *", retries=2, retry_backoff=10)
        env.run_now(cron)
        env.run()
        assert [l.status for l in env.logs(cron)] == ["FAILURE"]
        retry = [j for j in queue_for(env.session.root).pending("default", cron.uid)
                 if j.kind == "retry"]
        assert [(j.attempt, j.due) for j in retry] == [(1, T0 + timedelta(seconds=10))]
        fake_clock.advance(10)
        env.run()
        assert [l.status for l in env.logs(cron)] == ["OK", "FAILURE"]
        assert env.logs(cron)[0].fire_time == env.logs(cron)[1].fire_time

    def test_no_retry_by_default(self, env, fake_clock):
        from zcron.components import queue_for
        fake_clock.set(T0)
        cron = env.add("fails", "0 0 1 1 *")
        env.run_now(cron)
        env.run()
        kinds = [j.kind for j in queue_for(env.session.root).pending("default", cron.uid)]
        assert kinds == ["schedule"]

    def test_backoff_doubles(self, env, fake_clock):
        from zcron.components import queue_for
        fake_clock.set(T0)
        cron = env.add("fails", "0 0 1 1 *", retries=3, retry_backoff=5)
        env.run_now(cron)
        dues = []
        for _ in range(3):
            env.run()
            retry = [j for j in queue_for(env.session.root).pending("default", cron.uid)
                     if j.kind == "retry"][0]
            dues.append((retry.due - fake_clock.now()).total_seconds())
            fake_clock.set(retry.due)
        env.run()
        assert dues == [5, 10, 20]
        assert [l.status for l in env.logs(cron)] == ["FAILURE"] * 4


class TestMissedRuns:
    """Workers down from 12:00 to 12:10 for a per-minute cron."""

    def _down(self, env, fake_clock, policy, **kw):
        fake_clock.set(T0 - timedelta(seconds=30))
        cron = env.add("ok", "* * * * *", missed=policy, **kw)
        fake_clock.set(T0 + timedelta(minutes=10, seconds=5))
        env.run()
        return env.logs(cron)

    def test_once(self, env, fake_clock):
        logs = self._down(env, fake_clock, "once")
        assert [l.status for l in logs] == ["OK", "NOTRUN"]
        run, missed = logs
        assert run.fire_time == T0 + timedelta(minutes=10)
        assert missed.messages[0].startswith("missed: 10 fire times from 2026-03-01T12:00")
        assert "12:09:00" in missed.messages[0]
        assert run.messages == ["10 missed fire time(s) before this run"]

    def test_skip(self, env, fake_clock):
        logs = self._down(env, fake_clock, "skip")
        # 12:10 is only 5 s late: within the grace, it runs
        assert [l.status for l in logs] == ["OK", "NOTRUN"]
        assert logs[1].messages[0].startswith("missed: 10 fire times")

    def test_skip_runs_nothing_late(self, env, fake_clock):
        fake_clock.set(T0 - timedelta(seconds=30))
        cron = env.add("ok", "0 * * * *", missed="skip")
        fake_clock.set(T0 + timedelta(minutes=40))
        env.run()
        logs = env.logs(cron)
        assert [l.status for l in logs] == ["NOTRUN"] and CALLS == []
        assert logs[0].messages[0].startswith("missed: fire time 2026-03-01T12:00:00")

    def test_all_within_window(self, env, fake_clock):
        logs = self._down(env, fake_clock, "all")
        assert [l.status for l in logs] == ["OK"] * 11     # every run kept (logs_limit 50)
        assert len(CALLS) == 11
        assert [c[1] for c in CALLS] == [T0 + timedelta(minutes=m) for m in range(11)]

    def test_all_outside_window(self, env, fake_clock):
        logs = self._down(env, fake_clock, "all", catchup_window=185, logs_limit=20)
        statuses = [l.status for l in logs]
        assert statuses == ["OK"] * 4 + ["NOTRUN"]
        assert logs[-1].messages[0].startswith("missed: 7 fire times")
        assert "catch-up window" in logs[-1].messages[0]
        assert [c[1].minute for c in CALLS] == [7, 8, 9, 10]

    def test_every_fire_time_accounted_for(self, env, fake_clock):
        """OK runs plus NOTRUN counts cover each of the 11 fire times."""
        import re
        for policy in ("once", "skip"):
            logs = self._down(env, fake_clock, policy)
            total = 0
            for log in logs:
                if log.status == "NOTRUN":
                    total += int(re.search(r"missed: (\d+)", log.messages[0]).group(1))
                else:
                    total += 1
            assert total == 11, policy
            env.crontab.remove_cron(env.crontab.find(name="ok")[0].uid)
            env.crontab.save()
            env.session.tm.commit()


class TestMissedWithTheClaim:
    """The NOTRUN entries a claim decides are carried by the claim and
    logged by whoever ends it, each with its FinishedCronJobEvent: the
    run, its timeout, the loss of its worker, its cron paused meanwhile."""

    def _late(self, env, fake_clock, name="ok", **kw):
        """A per-second cron whose first job is claimed 2.5 s late: one
        fire time missed (T0 + 1 s), the next (T0 + 2 s) run."""
        fake_clock.set(T0)
        cron = env.add(name, "* * * * * *", missed="once", **kw)
        env.synchronise()
        fake_clock.set(T0 + timedelta(seconds=2.5))
        return cron

    def _finished(self):
        from zcron.interfaces import IFinishedCronJobEvent
        seen = []
        zcron.add_subscriber(lambda event: seen.append(event.log.status),
                             IFinishedCronJobEvent)
        return seen

    def test_the_run_logs_them_before_its_own_entry(self, env, fake_clock):
        seen = self._finished()
        cron = self._late(env, fake_clock)
        stats = env.run(max_seconds=1)    # per-second: never idle
        ran, missed = env.logs(cron)
        assert (ran.status, missed.status) == ("OK", "NOTRUN")
        assert missed.fire_time == T0 + timedelta(seconds=1)
        assert missed.messages[0].startswith("missed: fire time 2026-03-01T12:00:01")
        assert ran.messages == ["1 missed fire time(s) before this run"]
        assert missed.execution_id != ran.execution_id
        assert seen == ["NOTRUN", "OK"] and stats.by_status == {"OK": 1, "NOTRUN": 1}
        assert queue_of(env).claimed() == []

    def test_a_timed_out_run_logs_them(self, env, fake_clock):
        seen = self._finished()
        cron = self._late(env, fake_clock, "sleeps", timeout=0.2,
                          environ={"seconds": 0.5, "write": False})
        env.run(max_seconds=1)
        timed_out, missed = env.logs(cron)
        assert timed_out.messages[0].startswith("timed out after 0.2")
        assert missed.status == "NOTRUN" and missed.fire_time == T0 + timedelta(seconds=1)
        assert seen == ["NOTRUN", "FAILURE"]
        assert SLEPT.wait(5)

    def test_a_lost_worker_s_claim_logs_them(self, env, fake_clock):
        cron = self._lost_claim(env, fake_clock)
        env.run()
        interrupted, missed = env.logs(cron)
        assert interrupted.messages == ["interrupted: worker ghost:1:x lost"]
        assert (missed.status, missed.messages) == ("NOTRUN", ["missed: by the ghost"])
        assert missed.date == T0 and CALLS == []

    def test_so_does_one_queued_again(self, env, fake_clock):
        from zcron.model.digest import STATUS, table
        cron = self._lost_claim(env, fake_clock, retry_interrupted=True)
        env.run()
        assert [l.status for l in env.logs(cron)] == ["OK", "NOTRUN"]
        assert table(env.crontab)[cron.uid][STATUS] == "OK"

    def _lost_claim(self, env, fake_clock, **kw):
        fake_clock.set(T0)
        cron = env.add("ok", "0 0 1 1 *", **kw)
        env.run_now(cron)
        q = queue_of(env)
        job = q.due(T0)[0]
        q.register_worker("ghost:1:x", T0, 5, host="ghost", pid=1)
        q.claim(job, "ghost:1:x", T0, "e" * 32,
                missed=[(job.fire_us - 10 ** 6, ["missed: by the ghost"])])
        env.session.tm.commit()
        fake_clock.advance(7)         # the lease, plus its grace, ran out
        return cron

    def test_a_cron_paused_after_its_claim_logs_them(self, env, fake_clock):
        from zcron.model.digest import STATUS, table
        seen = self._finished()
        fake_clock.set(T0)
        other = env.add("ok", "* * * * * *", missed="once")
        first = env.add("changes", "0 0 1 1 *", environ={"uid": other.uid, "pause": True})
        env.synchronise()
        env.run_now(first)      # due before the other: run first, it pauses the other
        fake_clock.set(T0 + timedelta(seconds=2.5))
        env.run(concurrency=1, max_seconds=1)
        missed, = env.logs(other)
        assert missed.status == "NOTRUN" and missed.fire_time == T0 + timedelta(seconds=1)
        assert table(env.crontab)[other.uid][STATUS] == "NOTRUN"
        assert seen == ["OK", "NOTRUN"] and CALLS == []


def queue_of(env):
    from zcron.components import queue_for
    return queue_for(env.session.root)


class TestOverlap:
    def _overlap(self, env, policy, runs=3):
        cron = env.add("sleeps", "0 0 1 1 *", overlap=policy,
                       environ={"seconds": 0.6, "write": False})
        env.run_now(cron)
        from zcron.worker import Worker
        worker = Worker(env.db, concurrency=4, poll=0.05)
        started = started_runs()
        thread = threading.Thread(target=worker.run, kwargs={"max_seconds": 20,
                                                            "until_idle": True})
        thread.start()
        assert started.wait(10)        # the others are queued while the first runs
        for _ in range(runs - 1):
            env.run_now(cron)
        thread.join()
        env.session.tm.abort()
        return env.logs(cron)

    def test_skip(self, env):
        logs = self._overlap(env, "skip")
        statuses = sorted(l.status for l in logs)
        assert statuses == ["NOTRUN", "NOTRUN", "OK"]
        assert all(l.messages[0].startswith("overlap") for l in logs if l.status == "NOTRUN")

    def test_queue_one(self, env):
        logs = self._overlap(env, "queue-one")
        # the second waits for the first; the third finds one queued already
        assert sorted(l.status for l in logs) == ["NOTRUN", "OK", "OK"]
        ok = [l for l in logs if l.status == "OK"]
        assert ok[0].date - ok[1].date >= timedelta(seconds=0.5)

    def test_allow(self, env):
        logs = self._overlap(env, "allow")
        assert sorted(l.status for l in logs) == ["OK", "OK", "OK"]
        spans = sorted((l.date - timedelta(seconds=l.duration), l.date) for l in logs)
        assert spans[1][0] < spans[0][1]          # the second started before the first ended


class TestGroups:
    def test_a_slow_run_does_not_hold_back_quick_ones(self, env):
        """Quick runs share a commit; a run not known to be quick gets its
        own, so that the quick runs' logs are not held until it ends."""
        quick = env.add("ok", "0 0 1 1 *")
        slow = env.add("sleeps", "0 0 1 1 *", environ={"seconds": 1.0, "write": False})
        env.run_now(quick)
        env.run_now(slow)
        from zcron.worker import Worker
        worker = Worker(env.db, concurrency=1, poll=0.05)
        thread = threading.Thread(target=worker.run, kwargs={"max_seconds": 20,
                                                            "until_idle": True})
        thread.start()
        seen = []

        def quick_logged():
            env.session.tm.abort()
            seen[:] = [len(env.logs(quick)), len(env.logs(slow))]
            return seen[0]
        try:
            wait_until(quick_logged)
        finally:
            thread.join()
        assert seen == [1, 0]

    def test_quick_runs_that_wait_overlap(self, env):
        """Runs that compute take turns; runs that wait (on I/O) overlap."""
        active, overlaps, lock = [0], [], threading.Lock()

        class Waits(zcron.Runner):
            def run(self):
                with lock:
                    active[0] += 1
                    overlaps.append(active[0] > 1)
                time.sleep(0.004)      # waiting on I/O is what is tested
                with lock:
                    active[0] -= 1
        zcron.add_runner("waits", Waits)
        crons = [env.add("waits", "0 0 1 1 *") for _ in range(40)]
        for cron in crons:
            env.run_now(cron)
        env.run(concurrency=2)
        assert len(overlaps) == 40 and any(overlaps[10:])

    def test_a_quick_runner_turning_slow_holds_back_others_briefly(self, env):
        """Quick runs take turns, one group at a time; a runner quick last
        time but slow now does not keep another thread's runs waiting."""
        from zcron import clock
        from zcron.components import cron_manager
        first = env.add("sleeps", "0 0 1 1 *", environ={"seconds": 0, "write": False})
        slow = env.add("sleeps", "0 0 1 1 *", environ={"seconds": 1.0, "write": False})
        other = env.add("ok", "0 0 1 1 *")
        start = clock.now()
        for cron, delay in [(first, 0), (slow, 0.3), (other, 0.6)]:
            cron_manager(env.site, env.crontab.get(cron.uid)).run_now(
                start + timedelta(seconds=delay))
        env.session.tm.commit()
        env.run(concurrency=2, poll=0.05, until_idle=False, max_seconds=2.5)
        first_end, slow_end, other_end = (env.logs(c)[0].date for c in (first, slow, other))
        assert first_end < other_end < slow_end


    def _quick_runs_due_apart(self, env, clock, runner, count, apart, lanes=None):
        """``count`` runs of ``runner`` due ``apart`` seconds after one
        another, run by one thread that knows the runner to be quick (its
        worker's lane put in ``lanes``). ``clock`` moves only as the worker
        sleeps: it never makes a job due during a commit."""
        from zcron.components import cron_manager
        from zcron.worker import Worker
        clock.set(T0)
        crons = [env.add(runner, "0 0 1 1 *") for _ in range(count)]
        for n, cron in enumerate(crons):
            cron_manager(env.site, env.crontab.get(cron.uid)).run_now(
                T0 + timedelta(seconds=0.01 + n * apart))
        env.session.tm.commit()
        worker = Worker(env.db, concurrency=1, poll=0.05)
        worker.pace.observe(runner, duration=0.0, cpu=0.0)
        worker.pace.rate = 1.0          # light load
        if lanes is not None:
            lanes.append(worker.lane)
        worker.run(max_seconds=20, until_idle=True)
        env.session.tm.abort()
        return crons

    def test_runs_due_a_few_ms_apart_share_a_commit_each_at_its_due_time(
            self, env, fake_clock):
        """A group takes the jobs due within PREPARE_AHEAD, loaded ahead
        and each started at its due time, rather than committing between
        them (and having the next come due during the commit)."""
        from zcron import clock
        started = []

        class Stamps(zcron.Runner):
            def run(self):
                started.append((clock.now(), self.fire_time))
        zcron.add_runner("stamps", Stamps)
        crons = self._quick_runs_due_apart(env, fake_clock, "stamps", 5, 0.001)
        assert [now for now, _ in started] == [fire for _, fire in started]
        assert len(started) == 5
        written = {env.logs(cron)[0].date for cron in crons}    # once the group is done
        assert written == {started[-1][0]}

    def test_a_groups_commit_leaves_the_lane_to_the_other_threads(self, env, fake_clock):
        """The lane lets one thread at a time run quick computing runs; a
        commit mostly waits on the disk, and holds it no longer."""
        held_at_vote, lanes = [], []

        class Votes:
            """Joins the run's transaction; notes at the vote who holds the lane."""
            def __init__(self, tm):
                self.transaction_manager = tm
            abort = tpc_begin = commit = tpc_finish = tpc_abort = lambda self, t: None

            def tpc_vote(self, t):
                held_at_vote.append(lanes[0]._holder)

            def sortKey(self):
                return "zz-votes"

        class JoinsTheCommit(zcron.Runner):
            def run(self):
                tm = self.site._p_jar.transaction_manager
                tm.get().join(Votes(tm))
        zcron.add_runner("joins", JoinsTheCommit)
        self._quick_runs_due_apart(env, fake_clock, "joins", 3, 0.05, lanes)
        assert len(held_at_vote) == 3 and held_at_vote == [None] * 3

class TestChangedAfterClaim:
    """The dispatcher claims on-time jobs from the queue alone; the thread
    that runs one loads its cron and checks it still wants the run."""

    def _claimed_together(self, env, fake_clock, **environ):
        from zcron.components import queue_for
        fake_clock.set(T0)
        other = env.add("ok", "0 12 * * *")
        first = env.add("changes", "0 0 1 1 *", environ=dict(environ, uid=other.uid))
        env.synchronise()     # the worker's restart then has nothing to re-read
        env.run_now(first)
        fake_clock.advance(1)
        env.run_now(other)
        env.run(concurrency=1)
        return other, queue_for(env.session.root)

    def test_switched_off_is_not_run_and_its_schedule_ends(self, env, fake_clock):
        other, q = self._claimed_together(env, fake_clock)
        assert env.logs(other) == [] and CALLS == []
        assert q.pending("default", other.uid) == []

    def test_paused_is_not_run_and_keeps_its_schedule(self, env, fake_clock):
        other, q = self._claimed_together(env, fake_clock, pause=True)
        assert env.logs(other) == [] and CALLS == []
        assert [j.kind for j in q.pending("default", other.uid)] == ["schedule"]

    def test_removed_is_not_run(self, env, fake_clock):
        from zcron.components import queue_for
        fake_clock.set(T0)
        cron = env.add("ok", "0 12 * * *")
        env.run_now(cron)
        env.crontab.remove_cron(cron.uid)           # no save: its jobs stay queued
        env.session.tm.commit()
        env.run(concurrency=1)
        assert CALLS == [] and queue_for(env.session.root).pending("default", cron.uid) == []


class TestLostWorker:
    def _lost_claim(self, env, fake_clock, **kw):
        from zcron.components import queue_for
        fake_clock.set(T0)
        cron = env.add("ok", "0 0 1 1 *", **kw)
        env.run_now(cron)
        q = queue_for(env.session.root)
        job = q.due(T0)[0]
        q.register_worker("ghost:1:x", T0, 5, host="ghost", pid=1)
        q.claim(job, "ghost:1:x", T0, "e" * 32)
        env.session.tm.commit()
        fake_clock.advance(7)         # the lease, plus its grace, ran out
        return cron

    def test_interrupted_run_is_logged(self, env, fake_clock):
        from zcron.components import queue_for
        cron = self._lost_claim(env, fake_clock)
        env.run()
        log = env.logs(cron)[0]
        assert log.status == "FAILURE" and log.messages == ["interrupted: worker ghost:1:x lost"]
        assert log.execution_id == "e" * 32 and CALLS == []
        q = queue_for(env.session.root)
        assert q.claimed() == [] and [w.id for w in q.workers()] == []

    def test_interrupted_run_is_retried_when_safe(self, env, fake_clock):
        cron = self._lost_claim(env, fake_clock, retry_interrupted=True)
        env.run()
        assert [l.status for l in env.logs(cron)] == ["OK"] and len(CALLS) == 1

    def test_live_worker_claims_are_left_alone(self, env, fake_clock):
        from zcron.components import queue_for
        cron = self._lost_claim(env, fake_clock)
        queue_for(env.session.root).renew_worker("ghost:1:x", fake_clock.now(), 60)
        env.session.tm.commit()
        env.run()
        assert env.logs(cron) == [] and len(queue_for(env.session.root).claimed()) == 1


class TestConflicts:
    def test_conflicting_runner_is_retried(self, env, fake_clock):
        from zcron.db import Session
        attempts = []

        class Conflicting(zcron.Runner):
            def run(self):
                attempts.append(1)
                if len(attempts) <= self.environ["conflicts"]:
                    with Session(env.db) as other:     # someone else writes first
                        site = other.root.get_site("default")
                        site.touched = len(attempts)
                        other.tm.commit()
                self.site.touched = -1
        zcron.add_runner("conflicting", Conflicting)
        fake_clock.set(T0)
        cron = env.add("conflicting", "0 0 1 1 *", environ={"conflicts": 2})
        env.run_now(cron)
        env.run()
        assert len(attempts) == 3 and env.logs(cron)[0].status == "OK"
        assert env.site.touched == -1

    def test_endless_conflicts_fail(self, env, fake_clock):
        from zcron.db import Session

        class AlwaysConflicting(zcron.Runner):
            def run(self):
                with Session(env.db) as other:
                    other.root.get_site("default").touched = time.time()
                    other.tm.commit()
                self.site.touched = -1
        zcron.add_runner("always", AlwaysConflicting)
        fake_clock.set(T0)
        cron = env.add("always", "0 0 1 1 *")
        env.run_now(cron)
        env.run()
        log = env.logs(cron)[0]
        assert log.status == "FAILURE" and log.messages[0].startswith("conflict:")


class TestStopping:
    def test_stop_releases_unstarted_claims(self, env):
        from zcron.components import queue_for
        from zcron.worker import Worker
        cron = env.add("sleeps", "0 0 1 1 *", overlap="allow",
                       environ={"seconds": 0.5, "write": False})
        for _ in range(4):
            env.run_now(cron)
        worker = Worker(env.db, concurrency=1, poll=0.05)
        started = started_runs()
        thread = threading.Thread(target=worker.run, kwargs={"max_seconds": 20})
        thread.start()
        assert started.wait(10)
        worker.stop()
        thread.join()
        env.session.tm.abort()
        q = queue_for(env.session.root)
        ran = len(env.logs(cron))
        assert ran >= 1
        manual = [j for j in q.pending("default", cron.uid) if j.kind == "manual"]
        assert ran + len(manual) == 4            # nothing lost, nothing doubled
        assert q.claimed() == [] and q.workers() == []

    def _claim_then_stop(self, env, between=lambda: None):
        """A worker claims what is due, ``between`` runs, and the worker
        stops before running anything: it releases its claims."""
        from zcron.worker import Worker
        worker = Worker(env.db, concurrency=1)
        worker.session.open()
        claimed = worker.dispatcher.cycle().claimed      # in its backlog
        between()
        worker.shutdown.finish()
        env.session.tm.abort()
        return claimed

    def test_a_released_scheduled_run_takes_back_its_next_job(self, env, fake_clock):
        from zcron.components import queue_for
        fake_clock.set(T0)
        cron = env.add("ok", "* * * * *")
        fake_clock.set(T0 + timedelta(minutes=1))
        assert len(self._claim_then_stop(env)) == 1
        q = queue_for(env.session.root)
        pending = q.pending("default", cron.uid)
        assert [(j.kind, j.fire_time) for j in pending] == [("schedule", T0 + timedelta(minutes=1))]
        fake_clock.set(T0 + timedelta(minutes=5))      # workers were down meanwhile
        env.run()
        missed, ran = sorted(env.logs(cron), key=lambda log: log.fire_time)
        assert missed.messages[0].startswith("missed: 4 fire times from ")
        assert ran.status == "OK" and ran.fire_time == T0 + timedelta(minutes=5)

    def test_a_released_run_whose_next_job_moved_runs_alone(self, env, fake_clock):
        from zcron.components import queue_for
        fake_clock.set(T0)
        cron = env.add("ok", "* * * * *")
        fake_clock.set(T0 + timedelta(minutes=1))

        def edit():
            env.session.tm.begin()
            env.crontab.get(cron.uid).periodicity = "*/5 * * * *"
            env.crontab.save_cron(env.crontab.get(cron.uid))
            env.session.tm.commit()
        self._claim_then_stop(env, between=edit)
        pending = queue_for(env.session.root).pending("default", cron.uid)
        assert sorted((j.kind, j.fire_time) for j in pending) == [
            ("queued", T0 + timedelta(minutes=1)), ("schedule", T0 + timedelta(minutes=5))]
        env.run()
        assert [log.fire_time for log in env.logs(cron)] == [T0 + timedelta(minutes=1)]

    def test_a_stopping_worker_says_so_while_its_runs_finish(self, env):
        from zcron.components import queue_for
        from zcron.worker import Worker
        release, started = threading.Event(), started_runs()

        class Holds(zcron.Runner):
            def run(self):
                release.wait(10)
        zcron.add_runner("holds", Holds)
        cron = env.add("holds", "0 0 1 1 *")
        env.run_now(cron)
        worker = Worker(env.db, concurrency=1, poll=0.05)
        thread = threading.Thread(target=worker.run, kwargs={"max_seconds": 20})
        thread.start()
        try:
            assert started.wait(10)
            q = queue_for(env.session.root)

            def info():
                env.session.tm.abort()
                return {w.id: w for w in q.workers()}[worker.id]
            assert not info().stopping
            worker.stop()
            wait_until(lambda: info().stopping)
            assert thread.is_alive() and env.logs(cron) == []   # its run goes on
        finally:
            release.set()
            thread.join()
        env.session.tm.abort()
        assert [log.status for log in env.logs(cron)] == ["OK"] and q.workers() == []
