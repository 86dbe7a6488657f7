"""scheduler.ini files (the superdjango scheduler's format), named in the
config file and read at each sync; ``zcron ini check FILE``."""
import logging
import textwrap
from datetime import datetime, timezone

import pytest

import zcron
from declhost_support import (config, declhost, declhost_site,  # noqa: F401
                              put_on_site, run_worker)
from zcron.declared import ALL_SITES
from zcron.declared.frequency import schedule_text
from zcron.declared.ini import SCHEDULER_INI, read_jobs
from zcron.exceptions import InvalidInput

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
JOBS = """\
[run a test job]
call = declhost.jobs.morning_report
every = 10 minutes
recipients = ops@example.org

[weekly digest]
callback = declhost.jobs.morning_report
frequency = sunday
at = 23:30
description = The week in one mail

[switched off]
call = declhost.jobs.morning_report
every = day
active = no
"""


def write(tmp_path, text, name="scheduler.ini"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


class TestFrequency:
    @pytest.mark.parametrize("every, at, text", [
        ("10 minutes", None, "every 10 minutes"),
        ("5 seconds", None, "every 5 seconds"),
        ("hour", None, "every hour"),
        ("1 Minute", None, "every 1 minute"),
        ("day", "08:00", "every day at 08:00"),
        ("day", None, "every day at 00:00"),
        ("2 days", "7:15", "every 2 days at 7:15"),
        ("1 day", "7:15", "every 1 days at 7:15"),
        ("weekday", "09:00", "every weekday at 09:00"),
        ("Sunday", "23:30", "every sunday at 23:30"),
    ])
    def test_translated(self, every, at, text):
        assert schedule_text(every, at, "x.ini [job]") == text

    @pytest.mark.parametrize("every, at, message", [
        ("fortnight", None, "invalid every 'fortnight': expected N seconds"),
        ("10 minutes", "08:00", "invalid at '08:00': goes with a day or weekday frequency"),
        ("day", "8h", "invalid at '8h': expected HH:MM"),
    ])
    def test_refused_naming_the_section(self, every, at, message):
        with pytest.raises(InvalidInput) as e:
            schedule_text(every, at, "x.ini [job]")
        assert str(e.value).startswith(message)
        assert str(e.value).endswith("(declared at x.ini [job])")


class TestFile:
    def test_each_active_section_is_a_job(self, declhost, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        found = read_jobs(write(tmp_path, JOBS))
        (test, _), (digest, _) = found.jobs
        assert (test.origin, test.name, test.runner) == (
            "ini", "run a test job", "declhost.jobs.morning_report")
        assert test.schedule == "every 10 minutes" and test.sites == ALL_SITES
        assert test.environ == {"recipients": "ops@example.org"}
        assert test.source == "scheduler.ini [run a test job]"
        assert (digest.schedule, digest.description) == ("every sunday at 23:30",
                                                         "The week in one mail")
        assert digest.environ == {}
        assert found.inactive == ["switched off"] and found.unimportable == []

    def test_a_callback_that_cannot_be_imported_is_left_out(self, declhost, tmp_path):
        found = read_jobs(write(tmp_path, """\
            [gone]
            call = declhost.nosuchmodule.job
            every = hour
            [typo]
            call = declhost.jobs.no_such_function
            every = hour
            [nowhere]
            call = nosuchpackage.job
            every = hour
            [fine]
            call = declhost.jobs.greetings
            every = hour
        """))
        assert [d.name for d, _ in found.jobs] == ["fine"]
        gone, typo, nowhere = found.unimportable
        assert gone.endswith("[gone]: callback 'declhost.nosuchmodule.job' cannot be "
                             "imported (AttributeError: module 'declhost' has no "
                             "attribute 'nosuchmodule'); left out")
        assert "[typo]: callback 'declhost.jobs.no_such_function'" in typo
        assert "AttributeError" in typo
        assert "(ModuleNotFoundError: No module named 'nosuchpackage')" in nowhere

    @pytest.mark.parametrize("section, message", [
        ("every = hour", "invalid call '': missing (declared at scheduler.ini [job])"),
        ("call = os.getcwd", "invalid every '': missing"),
        ("call = os.getcwd\nevery = hour\nactive = maybe", "invalid active 'maybe'"),
        ("call = os.getcwd\nevery = 0 days", "invalid periodicity"),
    ])
    def test_a_bad_section_is_refused_naming_it(self, zca, tmp_path, monkeypatch,
                                                section, message):
        monkeypatch.chdir(tmp_path)
        with pytest.raises(InvalidInput) as e:
            read_jobs(write(tmp_path, "[job]\n" + section + "\n"))
        assert str(e.value).startswith(message)
        assert "scheduler.ini [job]" in str(e.value)

    def test_an_unreadable_file(self, zca, tmp_path):
        with pytest.raises(InvalidInput, match="invalid scheduler_ini '.*nope.ini': "
                                               "No such file or directory"):
            read_jobs(tmp_path / "nope.ini")


class TestSource:
    def test_the_config_file_names_the_files(self, declhost, config, tmp_path):
        write(tmp_path, JOBS, "all.ini")
        write(tmp_path, "[report]\ncall = declhost.jobs.greetings\nevery = day\n",
              "tenant.ini")
        config("""
            [zcron]
            scheduler_ini = all.ini
            [site:tenant]
            scheduler_ini = tenant.ini
        """)
        declared = {d.name: d for d in zcron.declared.declarations() if d.origin == "ini"}
        assert sorted(declared) == ["run a test job", "tenant/report", "weekly digest"]
        assert declared["tenant/report"].sites == ("tenant",)
        assert declared["weekly digest"].sites == ALL_SITES

    def test_read_at_each_sync(self, declhost, config, tmp_path):
        path = write(tmp_path, JOBS)
        config("[zcron]\nscheduler_ini = scheduler.ini\n")
        assert len(SCHEDULER_INI.declarations()) == 2
        path.write_text(JOBS.replace("active = no", "active = yes"))
        assert len(SCHEDULER_INI.declarations()) == 3

    @pytest.mark.parametrize("given", [True, False])
    def test_the_command_lines_config_file(self, declhost, tmp_path, monkeypatch, given):
        """--config FILE, else ./zcron.ini: what the command line reads."""
        from zcron.cli.app import App
        from zcron.declared.settings import use_config
        monkeypatch.chdir(tmp_path)
        write(tmp_path, JOBS)
        write(tmp_path, "[zcron]\nscheduler_ini = scheduler.ini\n",
              "other.ini" if given else "zcron.ini")
        App(config="other.ini" if given else None).configure()
        try:
            assert len(SCHEDULER_INI.declarations()) == 2
        finally:
            use_config(None)

    def test_no_config_file_no_jobs(self, zca):
        assert SCHEDULER_INI.declarations() == []

    def test_one_warning_per_section_left_out(self, declhost, config, tmp_path, caplog):
        write(tmp_path, JOBS + "[gone]\ncall = nosuchmodule.job\nevery = hour\n")
        config("[zcron]\nscheduler_ini = scheduler.ini\n")
        with caplog.at_level(logging.WARNING, logger="zcron.declared"):
            assert len(SCHEDULER_INI.declarations()) == 2
        (record,) = caplog.records
        assert record.name == "zcron.declared" and "[gone]: callback" in record.getMessage()

    def test_the_callback_runs_with_its_keywords_and_context(
            self, declhost, config, tmp_path, db, session, site, fake_clock):
        write(tmp_path, "[poll]\ncall = declhost.jobs.poll_feed\nevery = hour\n"
                        "url = https://example.org/ini\n")
        config("[zcron]\nscheduler_ini = scheduler.ini\n")
        (poll,) = SCHEDULER_INI.declarations()
        fake_clock.set(T0)
        put_on_site(session, site, poll)
        run_worker(db, fake_clock, T0.replace(hour=13))
        assert declhost.CALLS == [("poll", "https://example.org/ini", "default",
                                   T0.replace(hour=13), (None, T0.replace(hour=13)))]


class TestCheckCommand:
    @pytest.fixture
    def zcron_cli(self, tmp_path, monkeypatch, declhost):
        from click.testing import CliRunner

        from zcron.cli import cli
        monkeypatch.chdir(tmp_path)
        for name in ("ZCRON_DB", "ZCRON_ZCML", "ZCRON_CONFIG"):
            monkeypatch.delenv(name, raising=False)

        def run(*args, status):
            result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
            assert result.exit_code == status, result.output
            return result
        return run

    def test_all_is_well(self, zcron_cli, tmp_path):
        write(tmp_path, JOBS)
        result = zcron_cli("ini", "check", "scheduler.ini", status=0)
        assert result.stdout == "scheduler.ini: 2 jobs declared; 1 inactive\n"

    def test_unimportable_callbacks_are_listed(self, zcron_cli, tmp_path):
        write(tmp_path, JOBS + "[gone]\ncall = nosuchmodule.job\nevery = hour\n")
        result = zcron_cli("ini", "check", "scheduler.ini", status=1)
        listed, summary = result.stdout.splitlines()
        assert listed.startswith("scheduler.ini [gone]: callback 'nosuchmodule.job' cannot")
        assert summary == "scheduler.ini: 2 jobs declared; 1 inactive, 1 section left out"

    def test_an_unreadable_file(self, zcron_cli):
        result = zcron_cli("ini", "check", "nope.ini", status=2)
        assert result.stderr == ("zcron: error: invalid scheduler_ini 'nope.ini': "
                                 "No such file or directory\n")

    def test_a_bad_section(self, zcron_cli, tmp_path):
        write(tmp_path, "[job]\ncall = os.getcwd\nevery = fortnight\n")
        result = zcron_cli("ini", "check", "scheduler.ini", status=2)
        assert result.stderr.startswith("zcron: error: invalid every 'fortnight'")
        assert result.stderr.count("\n") == 1
