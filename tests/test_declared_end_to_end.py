"""Declared jobs end to end: the host package declhost, pip-installed for
real, declares a job each of the four ways (an entry-point plugin, a
scanned ``@zcron.cronjob``, a ``<zcron:cron>``, a scheduler.ini section
named by the config file); a worker's start-up sync puts them on two sites
and runs them with their arguments and windows, in this process with the
fake clock, and once as a real ``zcron worker`` process over ZEO."""
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from declhost_support import config, declhost, declhost_site  # noqa: F401
from zcron.declared import Declaration

T0 = datetime(2026, 12, 24, 0, 50, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)
SITES = ("default", "tenant")
GREETINGS = "declhost.jobs.greetings"
CLEANUP = {"interval": "0 * * * *", "days": "7"}      # its config section
ZCRON_SCRIPT = os.path.join(os.path.dirname(sys.executable), "zcron")


def uid(origin, name, site):
    return Declaration(origin, name, "x", "* * * * *").uid_for(site)


def calls_of(host, name):
    return [call[1:] for call in host.CALLS if call[0] == name]


@pytest.fixture
def host(declhost, config, db, session, fake_clock):
    """declhost's ZCML loaded, its scheduler.ini named, two sites."""
    from zcron import config as zcml
    from zcron.model import CronSite
    package = os.path.dirname(declhost.__file__)
    zcml.configure(os.path.join(package, "configure.zcml"))
    config(f"""
        [zcron]
        scheduler_ini = {package}/scheduler.ini
        [plugin:cleanup]
        interval = 0 * * * *
        days = 7
    """)
    for name in SITES:
        session.root.add_site(CronSite(name))
    session.tm.commit()
    fake_clock.set(T0)
    return declhost


def run_at(db, clock, when):
    """A worker started at ``when`` (its sync first), until idle."""
    from zcron.worker import Worker
    clock.set(when)
    Worker(db, concurrency=1).run(until_idle=True, max_seconds=30)


class TestInProcess:
    def test_the_sync_puts_each_declaration_on_the_sites_it_names(self, host, db, session,
                                                                   fake_clock):
        from zcron.components import load_crontab
        run_at(db, fake_clock, T0)
        session.tm.begin()
        declared = {name: sorted(c.declared for c in load_crontab(site))
                    for name, site in session.root.sites.items()}
        everywhere = ["decorator:declhost.jobs.greetings", "decorator:declhost.jobs.morning_report",
                      "ini:send the digest", "plugin:cleanup", "zcml:nightly"]
        assert declared == {"default": everywhere,
                            "tenant": sorted(everywhere + ["decorator:poll"])}

    def test_each_job_runs_on_each_site_with_its_arguments(self, host, db, session,
                                                            fake_clock):
        one = T0 + timedelta(minutes=10)
        for when in (T0, one, one + HOUR / 2, T0 + timedelta(hours=7)):
            run_at(db, fake_clock, when)
        assert calls_of(host, "cleanup")[:2] == [(CLEANUP, one - HOUR, one)] * 2
        assert calls_of(host, "digest")[:2] == [("sales", "5", site, one) for site in SITES]
        url, site, fire_time, (_, end) = calls_of(host, "poll")[0]      # jittered
        assert (url, site, end) == ("https://example.org/feed", "tenant", fire_time)
        assert calls_of(host, "morning_report") == [("ops",), ("ops",),          # nightly
                                                    ("nobody",), ("nobody",)]    # 08:00

    def test_a_result_gives_the_log_its_message_and_output(self, host, db, session,
                                                          fake_clock):
        from zcron.components import load_crontab
        run_at(db, fake_clock, T0)
        run_at(db, fake_clock, T0 + timedelta(minutes=10))
        session.tm.begin()
        crontab = load_crontab(session.root.get_site("tenant"))
        log = crontab.get(uid("ini", "send the digest", "tenant")).logs[0]
        assert (log.status, log.messages, log.output) == (
            "WARN", ["5 lines for sales"], "digest of sales\n")

    def test_a_once_job_runs_once_then_is_done(self, host, db, session, fake_clock):
        from zcron.components import load_crontab
        evening = datetime(2026, 12, 24, 18, 0, tzinfo=timezone.utc)
        for when in (T0, evening, evening + HOUR):
            run_at(db, fake_clock, when)
        assert calls_of(host, "greetings") == [(), ()]           # once on each site
        session.tm.begin()
        for name in SITES:
            crontab = load_crontab(session.root.get_site(name))
            cron = crontab.get(uid("decorator", GREETINGS, name))
            assert cron.state(fake_clock.now()) == "done"

    def test_the_output_is_shown_to_managers_only(self, host, db, session, fake_clock,
                                                  tmp_path):
        from web_support import FAST, Client
        from zcron import users, web
        run_at(db, fake_clock, T0)
        run_at(db, fake_clock, T0 + timedelta(minutes=10))
        path = str(tmp_path / "users.ini")
        users.add_user(path, "alice", "manager", "alice-pw", iterations=FAST)
        users.add_user(path, "victor", "viewer", "victor-pw", iterations=FAST)
        app = web.make_app({"zcron.db_object": db, "zcron.config": path,
                            "zcron.secret": "test-secret"})
        page = f"/sites/tenant/crons/{uid('ini', 'send the digest', 'tenant')}/logs"
        seen = {}
        for name in ("alice", "victor"):
            client = Client(app)
            client.login(name)
            seen[name] = client.get(page).text
        assert "5 lines for sales" in seen["alice"] and "5 lines for sales" in seen["victor"]
        assert "digest of sales" in seen["alice"] and "digest of sales" not in seen["victor"]


FAST_INI = """\
[send the digest]
call = declhost.jobs.digest
every = 1 seconds
subject = sales
"""


def command_line(declhost_site, directory, uri, scheduler_ini):
    """``zcron(*args, status=0)``: the console script in a process of its
    own, its config file naming ``uri``, declhost's ZCML and a scheduler.ini
    of ``scheduler_ini``; its stdout, or its stderr when it failed."""
    (directory / "jobs.ini").write_text(scheduler_ini)
    (directory / "zcron.ini").write_text(
        f"[zcron]\ndb = {uri}\nzcml = {declhost_site}/declhost/configure.zcml\n"
        "scheduler_ini = jobs.ini\n\n[plugin:cleanup]\ninterval = * * * * * *\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(declhost_site)] + sys.path),
               ZCRON_PLUGINS="cleanup dormant")         # declhost's plugins, no others

    def zcron(*args, status=0):
        done = subprocess.run([ZCRON_SCRIPT, "--config", str(directory / "zcron.ini"), *args],
                              env=env, cwd=directory, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == status, done.stderr
        return done.stdout if status == 0 else done.stderr
    return zcron


@pytest.mark.slow
class TestWorkerProcess:
    """``zcron --config FILE worker`` over ZEO: its start-up sync registers
    the plugin's and the ini callback's runners in that process."""

    def test_a_real_worker_runs_the_declared_jobs(self, declhost_site, zeo_server, tmp_path):
        zcron = command_line(declhost_site, tmp_path, zeo_server.uri, FAST_INI)
        for name in SITES:
            zcron("site", "add", name)
        zcron("worker", "--max-seconds", "4", "-q")
        for name in SITES:
            digest = zcron("logs", uid("ini", "send the digest", name), "--site", name,
                           "--output")
            assert "WARN" in digest and "3 lines for sales" in digest
            assert "> digest of sales" in digest
            assert "OK" in zcron("logs", uid("plugin", "cleanup", name), "--site", name)

    def test_a_bad_declaration_is_one_line_naming_where(self, declhost_site, tmp_path):
        zcron = command_line(declhost_site, tmp_path, f"file://{tmp_path}/Data.fs",
                             FAST_INI.replace("1 seconds", "fortnight"))
        error = zcron("site", "add", "default", status=2)
        assert error.count("\n") == 1 and error.startswith("zcron: error: invalid every "
                                                             "'fortnight'"), error
        assert error.endswith("(declared at jobs.ini [send the digest])\n"), error
        assert "no sites" in zcron("site", "list")        # the database unchanged
