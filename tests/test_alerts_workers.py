"""Alerts with real workers: two worker processes on one ZEO server check
on their own, and each alert reaches the local HTTP sink once -- overdue,
recovered after an OK, running long while the run goes on. And the check's
interval, on a FakeClock."""
import json
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from cli_support import Zcron, cli_env, uri, zeo_storages  # noqa: F401
from zcron.testing.sinks import HTTPSink, SMTPSink

ZCRON_SCRIPT = Path(sys.executable).with_name("zcron")
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)

JOBS = '''\
import os
import time

import zcron


class Waits(zcron.Runner):
    """Runs until the file environ['release'] exists (a minute at most)."""

    def run(self):
        release = self.environ.get("release")
        deadline = time.monotonic() + 60
        while release and not os.path.exists(release) and time.monotonic() < deadline:
            time.sleep(0.05)
'''
ZCML = '''\
<configure xmlns="http://namespaces.zope.org/zope">
  <include package="zcron" />
  <adapter factory="alerthost.jobs.Waits" name="waits" />
</configure>
'''


def wait_until(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def posted(sink, cron=None):
    """(event, cron) of every POST received, in order."""
    with sink.lock:
        bodies = [json.loads(body) for _, _, body in sink.requests]
    return [(b["event"], b["cron"]) for b in bodies if cron in (None, b["cron"])]


@pytest.fixture
def host(tmp_path):
    package = tmp_path / "alerthost"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "jobs.py").write_text(JOBS)
    (package / "configure.zcml").write_text(ZCML)
    return package / "configure.zcml"


def start_worker(config, tmp_path):
    import os
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path),
                                                       os.environ.get("PYTHONPATH", "")]))
    for name in ("ZCRON_DB", "ZCRON_ZCML", "ZCRON_CONFIG"):
        env.pop(name, None)
    worker = subprocess.Popen([str(ZCRON_SCRIPT), "--config", str(config), "worker",
                               "--quiet", "--alert-interval", "0.2", "--max-seconds", "170"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env)
    assert worker.stderr.readline().startswith("zcron: worker "), worker.stderr.read()
    return worker


def stop(workers):
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.communicate()


def no_repeat(events):
    """No event twice in a row: each episode told once, however many workers."""
    return all(a != b for a, b in zip(events, events[1:]))


@pytest.mark.timeout(240)
@pytest.mark.parametrize("uri", ["zeo"], indirect=True)
def test_two_workers_fire_each_alert_once(uri, tmp_path, host):
    z = Zcron(uri)
    z("site", "add", "default")
    release = tmp_path / "release"
    with HTTPSink() as sink, SMTPSink() as smtp:
        config = tmp_path / "alerts.ini"
        config.write_text(f"[zcron]\ndb = {uri}\nzcml = {host}\n\n"
                          f"[alerts]\nurl = {sink.url}\nsecret = s3cret\n"
                          f"smtp_host = 127.0.0.1\nsmtp_port = {smtp.port}\n"
                          "to = ops@example.com\nemail_events = running_long\n")
        late = z("add", "waits", "--cron", "@yearly", "--alert-no-success", "2").stdout.strip()
        workers = [start_worker(config, tmp_path) for _ in range(2)]
        try:
            wait_until(lambda: posted(sink, "waits"))           # overdue, by one of them
            z("run", late)                                     # an OK ...
            wait_until(lambda: ("recovered", "waits") in posted(sink))
            slow = z("add", "waits", "--cron", "@yearly", "--alert-running", "0.5",
                     "--environ", json.dumps({"release": str(release)})).stdout.strip()
            z("run", slow)
            wait_until(lambda: ("running_long", "waits") in posted(sink))
            running = json.loads(z("status", "--json").stdout)["running_long"]
            assert [e["uid"] for e in running] == [slow]       # seen from stored data
            time.sleep(1.0)          # five more checks by each worker, the run still going
            release.write_text("")
            wait_until(lambda: z.json("logs", slow) != [])
            time.sleep(1.0)
        finally:
            stop(workers)
    events = [event for event, _ in posted(sink)]
    assert events[:2] == ["overdue", "recovered"]
    assert events.count("running_long") == 1
    assert no_repeat([e for e in events if e != "running_long"])
    assert all(headers["X-Zcron-Secret"] == "s3cret" for _, headers, _ in sink.requests)
    assert [m["Subject"].split(": ")[0] for m in smtp.messages] == \
        ["[zcron] default/waits is running long"]


def test_check_within_its_interval(db, session, site, fake_clock):
    """A check runs once ``interval`` has passed since the last: an overdue
    cron is told at most one interval after it became overdue."""
    import zcron
    from zcron.components import load_crontab
    from zcron.interfaces import ICronOverdueEvent
    from zcron.worker.alerting import AlertWatch
    seen = []
    zcron.add_subscriber(seen.append, ICronOverdueEvent)
    fake_clock.set(T0)
    crontab = load_crontab(site)
    crontab.save_cron(crontab.add_cron(zcron.Cron("x", "@yearly", alert_no_success=3600)))
    session.tm.commit()
    watch = AlertWatch(db, interval=30)
    watch.rest = 0                # checks back to back: only the clock's interval counts
    watch.session.open()          # its thread would: this test is the thread
    for seconds, told in ((3590, 0), (3610, 0), (3620, 1), (3700, 1)):
        fake_clock.set(T0 + timedelta(seconds=seconds))
        watch.check_if_due()
        assert len(seen) == told, seconds
    assert seen[0].since == T0
    watch.session.close()
