"""``@zcron.cronjob``: functions declared where they are written, registered
when scanned (never on import), run with their environ and ``context``."""
import textwrap
from datetime import datetime, timedelta, timezone

import pytest

import zcron
from declhost_support import (declhost, declhost_site, modules,  # noqa: F401
                              put_on_site, run_worker)
from zcron.declared import ALL_SITES
from zcron.declared.decorators import cron_expression
from zcron.exceptions import InvalidInput, ZcronError

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def decorated():
    return {d.name: d for d in zcron.declared.declarations() if d.origin == "decorator"}


class TestScan:
    def test_importing_declares_nothing(self, declhost):
        import declhost.jobs  # noqa: F401
        assert decorated() == {}

    def test_a_scan_declares_each_function(self, declhost):
        zcron.scan("declhost.jobs")
        jobs = decorated()
        assert sorted(jobs) == ["declhost.jobs.greetings", "declhost.jobs.morning_report",
                                "poll"]
        report = jobs["declhost.jobs.morning_report"]
        assert (report.runner, report.schedule) == ("declhost.jobs.morning_report",
                                                    "0 8 * * *")
        assert report.timezone == "Europe/Zurich" and report.sites == ALL_SITES
        assert report.policies == {"jitter": 30, "warn_after": 30}
        assert report.source == "declhost/jobs.py:morning_report"
        assert report.description == "Mails the morning report."

    def test_keywords_set_the_sites_environ_and_policies(self, declhost):
        import declhost.jobs
        zcron.scan(declhost.jobs)                 # a module, not its name
        poll, greetings = decorated()["poll"], decorated()["declhost.jobs.greetings"]
        assert (poll.schedule, poll.sites) == ("every 10 minutes", ("tenant",))
        assert poll.environ == {"url": "https://example.org/feed"}
        assert greetings.policies == {"jitter": 0, "warn_after": None, "max_runs": 1,
                                      "overlap": "allow", "timeout": 60}

    def test_a_package_is_scanned_with_its_modules(self, declhost):
        zcron.scan("declhost")
        assert "poll" in decorated()

    def test_scanning_again_changes_nothing(self, declhost):
        zcron.scan("declhost.jobs")
        zcron.scan("declhost.jobs")
        assert len(decorated()) == 3

    def test_another_frameworks_scan_declares_nothing(self, declhost):
        """A venusian scan of every category (not zcron's) leaves them."""
        import venusian

        import declhost.jobs
        venusian.Scanner().scan(declhost.jobs)
        assert decorated() == {}

    def test_the_function_is_the_runner(self, declhost):
        from zcron.config import runner_names
        zcron.scan("declhost.jobs")
        assert {"declhost.jobs.poll_feed", "declhost.jobs.greetings"} <= set(runner_names())


class TestCronFields:
    @pytest.mark.parametrize("fields, expression", [
        ({"hour": 8, "minute": 0}, "0 8 * * *"),
        ({"hour": 8}, "0 8 * * *"),
        ({"minute": "*/5"}, "*/5 * * * *"),
        ({"day_of_week": "mon-fri", "hour": 6, "minute": 30}, "30 6 * * mon-fri"),
        ({"day_of_week": "sun"}, "0 0 * * sun"),
        ({"month": 1, "day": 1}, "0 0 1 1 *"),
        ({"second": 15}, "15 * * * * *"),
    ])
    def test_the_expression(self, fields, expression):
        assert cron_expression(fields) == expression


class TestBadArguments:
    """Raised when scanned, naming the function."""

    def scan(self, modules, source):
        modules("badjobs", "import zcron\n\n" + textwrap.dedent(source))
        with pytest.raises(ZcronError) as e:
            zcron.scan("badjobs")
        return str(e.value)

    def test_a_schedule_and_cron_fields(self, zca, modules):
        message = self.scan(modules, """
            @zcron.cronjob(schedule="every hour", minute=5)
            def both():
                pass
        """)
        assert message.startswith("invalid cronjob 'badjobs.both': give schedule=")

    def test_no_schedule(self, zca, modules):
        message = self.scan(modules, """
            @zcron.cronjob()
            def never():
                pass
        """)
        assert message.startswith("invalid cronjob 'badjobs.never'")

    def test_a_bad_schedule(self, zca, modules):
        message = self.scan(modules, """
            @zcron.cronjob(hour=25)
            def late():
                pass
        """)
        assert message.endswith("(declared at badjobs.py:late)")

    def test_an_unknown_keyword(self, zca, modules):
        message = self.scan(modules, """
            @zcron.cronjob(schedule="every hour", hours=2)
            def typo():
                pass
        """)
        assert message == ("invalid field 'hours': not a cron field "
                           "(declared at badjobs.py:typo)")

    def test_bad_sites(self, zca, modules):
        message = self.scan(modules, """
            @zcron.cronjob(schedule="every hour", sites=[1])
            def nowhere():
                pass
        """)
        assert message.startswith("invalid sites [1]") and "badjobs.py:nowhere" in message

    def test_one_name_twice(self, zca, modules):
        modules("twins.a", """
            import zcron
            @zcron.cronjob(schedule="every hour", name="report")
            def report():
                pass
        """)
        modules("twins.b", """
            import zcron
            @zcron.cronjob(schedule="every day", name="report")
            def report():
                pass
        """)
        with pytest.raises(InvalidInput, match="declared twice: at twins/a.py:report and at "
                                               "twins/b.py:report"):
            zcron.scan("twins")


class TestRuns:
    """A real worker on a FileStorage runs the function."""

    def test_called_with_its_environ_and_context(self, declhost, db, session, fake_clock):
        from zcron.model import CronSite
        fake_clock.set(T0)
        zcron.scan("declhost.jobs")
        poll = decorated()["poll"]
        site = session.root.add_site(CronSite("tenant"))
        cron = put_on_site(session, site, poll)
        fire = cron.next_fire_time(T0).astimezone(timezone.utc)
        run_worker(db, fake_clock, fire + timedelta(seconds=30))      # past its jitter
        assert declhost.CALLS == [("poll", "https://example.org/feed", "tenant", fire,
                                   (None, fire))]
        session.tm.begin()
        (log,) = cron.logs
        assert (log.status, log.messages) == ("WARN", ["polled https://example.org/feed"])
