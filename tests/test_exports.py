"""The exports (zcron.exports): a crontab as a scheduler.ini, read back
with configparser; the worker as a supervisord program and a systemd unit."""
import configparser
from datetime import datetime, timezone

import pytest

UTC = timezone.utc


def tidy(days, path, Mode):
    """A plain function, run through callable_runner."""


def reader():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    return parser


class Declared:
    """An IDeclarationSource of two declarations, one for another site."""

    def __init__(self, *declarations):
        self.found = declarations

    def declarations(self):
        return list(self.found)


NIGHTLY = dict(origin="ini", name="nightly report", runner="hello",
               schedule="every day at 02:30", source="scheduler.ini [nightly report]",
               timezone="Europe/Zurich", environ={"to": "ops@example.org"},
               description="Mails the\n  nightly report.")


@pytest.fixture
def crontab(site):
    """The default site's crontab with a mix of crons (see EXPECTED)."""
    from zope.component import provideUtility

    from zcron import config
    from zcron.components import load_crontab
    from zcron.declared import Declaration, callable_runner
    from zcron.interfaces import IDeclarationSource
    from zcron.model import Cron
    from zcron.model.calendar import Calendar
    from zcron.runners import Runner
    config.add_runner("tidy", callable_runner(tidy))
    config.add_runner("anon", callable_runner(lambda: None))
    config.add_runner("hello", Runner)
    nightly = Declaration(**NIGHTLY)
    elsewhere = Declaration(**dict(NIGHTLY, name="shop only", sites=("shop",)))
    provideUtility(Declared(nightly, elsewhere), IDeclarationSource, name="tests")
    crontab = load_crontab(site)
    crontab.set_calendar(Calendar("holidays", dates=["2026-12-25"]))
    for cron in [
        Cron("tidy", "every 10 minutes", uid="1" * 32,
             environ={"days": 7, "path": "/srv/files", "Mode": "fast"}),
        Cron("hello", "every sun at 23:30", uid="2" * 32, timezone="Europe/Zurich",
             activated=False),
        Cron("hello", "30 2 * * *", uid="3" * 32, retries=2, overlap="queue-one",
             paused_until=datetime(2026, 2, 1, tzinfo=UTC),
             start=datetime(2026, 1, 1, tzinfo=UTC), max_runs=5, exclude=["holidays"]),
        Cron(uid=nightly.uid_for("default"), **nightly.cron_fields()),
        Cron("ghost", "@daily", uid="5" * 32,
             environ={"at": "noon", "a=b": 1, "note": "two\nlines", "pad": " x ",
                      "flag": True, "": "empty"}),
        Cron("anon", "every 2 days", uid="6" * 32),
        Cron("twice", "every day at 08:00,12:30", uid="7" * 32),
    ]:
        crontab.add_cron(cron)
    crontab.save()
    return crontab


EXPECTED = f"""\
; scheduler.ini of the zcron site 'default' (zcron ini export)

[tidy]
call = {__name__}.tidy
every = 10 minutes
active = yes
; days is JSON
days = 7
path = /srv/files
Mode = fast

[hello ({'2' * 32})]
runner = hello
every = sunday
at = 23:30
timezone = Europe/Zurich
active = no

[hello ({'3' * 32})]
runner = hello
schedule = 30 2 * * *
active = yes
; cannot be expressed: overlap = "queue-one"
; cannot be expressed: retries = 2
; cannot be expressed: paused_until = "2026-02-01T00:00:00+00:00"
; cannot be expressed: start = "2026-01-01T00:00:00+00:00"
; cannot be expressed: max_runs = 5
; cannot be expressed: exclude = ["holidays"]

[nightly report]
runner = hello
every = day
at = 02:30
timezone = Europe/Zurich
active = yes
description = Mails the nightly report.
to = ops@example.org

[ghost]
runner = ghost
schedule = @daily
active = yes
; cannot be expressed: the environ entry 'at': "noon"
; cannot be expressed: the environ entry 'a=b': 1
; note is JSON
note = "two\\nlines"
; pad is JSON
pad = " x "
; flag is JSON
flag = true
; cannot be expressed: the environ entry '': "empty"

[anon]
runner = anon
every = 2 days
active = yes

[twice]
runner = twice
schedule = every day at 08:00,12:30
active = yes
"""


class TestIniExport:

    def test_exact_text(self, site, crontab):
        from zcron.exports.ini import export_ini
        assert export_ini(site, crontab) == EXPECTED

    def test_read_back(self, site, crontab):
        from zcron.exports.ini import export_ini
        parser = reader()
        parser.read_string(export_ini(site, crontab))
        assert {name: dict(parser[name]) for name in parser.sections()} == {
            "tidy": {"call": f"{__name__}.tidy", "every": "10 minutes", "active": "yes",
                     "days": "7", "path": "/srv/files", "Mode": "fast"},
            f"hello ({'2' * 32})": {"runner": "hello", "every": "sunday", "at": "23:30",
                                    "timezone": "Europe/Zurich", "active": "no"},
            f"hello ({'3' * 32})": {"runner": "hello", "schedule": "30 2 * * *",
                                    "active": "yes"},
            "nightly report": {"runner": "hello", "every": "day", "at": "02:30",
                               "timezone": "Europe/Zurich", "active": "yes",
                               "description": "Mails the nightly report.",
                               "to": "ops@example.org"},
            "ghost": {"runner": "ghost", "schedule": "@daily", "active": "yes",
                      "note": '"two\\nlines"', "pad": '" x "', "flag": "true"},
            "anon": {"runner": "anon", "every": "2 days", "active": "yes"},
            "twice": {"runner": "twice", "schedule": "every day at 08:00,12:30",
                      "active": "yes"},
        }

    def test_every_and_at_give_the_same_schedule_back(self, site, crontab):
        """'every ' + every [+ ' at ' + at] is the cron's own schedule."""
        from zcron.exports.ini import export_ini
        from zcron.periodicity import get_periodicity
        parser = reader()
        parser.read_string(export_ini(site, crontab))
        after = datetime(2026, 3, 1, tzinfo=UTC)
        checked = 0
        for label, cron in zip(parser.sections(), crontab):
            section = parser[label]
            if "every" in section:
                text = "every " + section["every"] + (
                    " at " + section["at"] if "at" in section else "")
                assert list(get_periodicity(text, cron.timezone).fire_times(after, 20)) \
                    == list(cron.get_periodicity().fire_times(after, 20))
                checked += 1
        assert checked == 4

    def test_the_ini_source_reads_it_back(self, site, crontab, tmp_path):
        """What ``ini export`` writes, the scheduler.ini source declares
        again: same runners, schedules, zones and switches (environ as text)."""
        from zcron.declared.ini import read_jobs
        from zcron.exports.ini import export_ini
        path = tmp_path / "scheduler.ini"
        path.write_text(export_ini(site, crontab))
        found = read_jobs(path)
        assert found.unimportable == []
        after = datetime(2026, 3, 1, tzinfo=UTC)

        def job(runner, text, zone):
            from zcron.periodicity import get_periodicity
            return runner, zone, list(get_periodicity(text, zone).fire_times(after, 10))
        read = [job(d.runner, d.schedule, d.timezone) for d, _ in found.jobs]
        assert sorted(read) == sorted(
            job(f"{__name__}.tidy" if c.name == "tidy" else c.name, c.periodicity, c.timezone)
            for c in crontab if c.activated)
        assert sorted(found.inactive) == [f"hello ({'2' * 32})"]
        [tidy_job] = [(d, f) for d, f in found.jobs if d.name == "tidy"]
        assert tidy_job[0].environ == {"days": "7", "path": "/srv/files", "Mode": "fast"}
        assert tidy_job[1] is tidy

    def test_a_crontab_switched_off_and_empty(self, site):
        from zcron.components import load_crontab
        from zcron.exports.ini import export_ini
        crontab = load_crontab(site)
        crontab.activated = False
        assert export_ini(site, crontab) == (
            "; scheduler.ini of the zcron site 'default' (zcron ini export)\n"
            "; the crontab is switched off: no cron below runs until it is on\n"
            "; no crons\n")


class TestWorkerService:

    @pytest.fixture
    def here(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        return tmp_path

    def service(self, **options):
        from zcron.cli.app import App
        from zcron.exports.service import worker_service
        return worker_service(App(**options), "zcron-worker")

    def test_options_become_absolute(self, here):
        from zcron.exports.service import zcron_script
        service = self.service(db="var/Data.fs", zcml=["host/configure.zcml"])
        assert service.argv == (zcron_script(), "--db", f"file://{here}/var/Data.fs",
                                "--zcml", f"{here}/host/configure.zcml", "worker")
        assert service.directory == str(here)
        assert service.stop_wait == 40        # the worker's 30 s grace, and 10
        assert service.environment == {"PYTHONUNBUFFERED": "1"}

    def test_a_config_naming_the_database(self, here):
        from zcron.exports.service import zcron_script
        (here / "tenant.ini").write_text("[zcron]\ndb = zeo://db:8100\n")
        assert self.service(config="tenant.ini").argv == (
            zcron_script(), "--config", f"{here}/tenant.ini", "worker")
        assert self.service(config="tenant.ini", db="zeo://other:8100").argv == (
            zcron_script(), "--config", f"{here}/tenant.ini", "--db", "zeo://other:8100",
            "worker")

    def test_the_zcron_ini_found_and_the_default_database(self, here):
        from zcron.exports.service import zcron_script
        assert self.service().argv == (
            zcron_script(), "--db", f"file://{here}/var/Data.fs", "worker")
        (here / "zcron.ini").write_text("[zcron]\nzcml = host.zcml\n")
        assert self.service().argv == (
            zcron_script(), "--config", f"{here}/zcron.ini", "--db",
            f"file://{here}/var/Data.fs", "worker")

    def test_names(self):
        from zcron.exceptions import InvalidInput
        from zcron.exports.service import check_name, default_name
        assert default_name() == "zcron-worker"
        assert default_name("shop") == "zcron-shop"
        assert default_name("Shop & co.") == "zcron-Shop-co"
        with pytest.raises(InvalidInput, match="invalid --name 'a b'"):
            check_name("a b")


def odd_service():
    """A service whose paths need quoting everywhere."""
    from zcron.exports.service import WorkerService
    return WorkerService("shop", ("/opt/my env/bin/zcron", "--db", "file:///srv/100%/Data.fs",
                                  "--zcml", "/srv/it's.zcml", "worker"),
                         "/srv/my shop", 40)


def test_supervisord_texts():
    from zcron.exports.supervisord import program_section, worker_script
    assert program_section(odd_service(), "/srv/my shop/shop.sh", "/var/log/x") == """\
; zcron worker shop (zcron export supervisord): stopped with TERM,
; runs in progress finish; killed after 40s
[program:shop]
command = '/srv/my shop/shop.sh'
directory = /srv/my shop
autostart = true
autorestart = true
stopsignal = TERM
stopwaitsecs = 40
stdout_logfile = /var/log/x/shop.log
stderr_logfile = /var/log/x/shop.err.log
"""
    assert worker_script(odd_service()) == """\
#!/bin/sh
# zcron worker shop, run by supervisord (zcron export supervisord)
set -e
cd '/srv/my shop'
export PYTHONUNBUFFERED=1
exec '/opt/my env/bin/zcron' --db file:///srv/100%/Data.fs --zcml '/srv/it'"'"'s.zcml' worker "$@"
"""


def test_systemd_unit():
    from zcron.exports.systemd import unit
    assert unit(odd_service()) == """\
[Unit]
Description=zcron worker shop
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
WorkingDirectory=/srv/my shop
Environment=PYTHONUNBUFFERED=1
ExecStart="/opt/my env/bin/zcron" --db file:///srv/100%%/Data.fs --zcml "/srv/it's.zcml" worker
Restart=on-failure
KillSignal=SIGTERM
KillMode=mixed
TimeoutStopSec=40

[Install]
WantedBy=multi-user.target
"""
