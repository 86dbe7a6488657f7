"""The zcron ZCML directives: ``<zcron:cron>`` declares a job (a registered
runner, or a callable by its dotted path), ``<zcron:scan>`` registers a
package's ``@zcron.cronjob`` functions; a bad attribute names file and line."""
import textwrap

import pytest
from zope.configuration import xmlconfig

import zcron
from declhost_support import declhost, declhost_site, modules  # noqa: F401
from zcron.declared import ALL_SITES
from zcron.exceptions import InvalidInput

HEAD = """<configure xmlns="http://namespaces.zope.org/zope"
           xmlns:zcron="http://namespaces.zope.org/zcron">
  <include package="zcron" />
"""


def of(origin):
    return {d.name: d for d in zcron.declared.declarations() if d.origin == origin}


@pytest.fixture
def zcml(tmp_path, monkeypatch, zca):
    """``zcml(body)``: load a host file holding ``body`` (after line 3)."""
    from zcron import config
    monkeypatch.chdir(tmp_path)
    config.reset()

    def load(body, name="configure.zcml"):
        path = tmp_path / name
        path.write_text(HEAD + textwrap.dedent(body) + "</configure>\n", encoding="utf-8")
        config.configure(str(path))
        return path
    yield load
    config.reset()


def error_of(zcml, body):
    with pytest.raises(InvalidInput) as e:
        zcml(body)
    return str(e.value)


class TestCron:
    def test_a_registered_runner(self, zcml):
        zcml("""\
          <zcron:cron name="cleanup" runner="cleanup" schedule="30 2 * * *"
                      timezone="Europe/Zurich" environ='{"days": 7}' sites="*" />
        """)
        cleanup = of("zcml")["cleanup"]
        assert (cleanup.runner, cleanup.schedule, cleanup.timezone) == (
            "cleanup", "30 2 * * *", "Europe/Zurich")
        assert cleanup.environ == {"days": 7} and cleanup.sites == ALL_SITES
        assert cleanup.source == "configure.zcml:4" and cleanup.policies == {}

    def test_the_policies_are_typed_attributes(self, zcml):
        zcml("""\
          <zcron:cron name="report" runner="report" schedule="every day at 08:00"
                      sites="one two" missed="skip" overlap="queue-one" timeout="90"
                      warn_after="30" retries="3" jitter="5" max_runs="10"
                      retry_interrupted="true" description="The daily report" />
        """)
        report = of("zcml")["report"]
        assert report.sites == ("one", "two") and report.description == "The daily report"
        assert report.policies == {"missed": "skip", "overlap": "queue-one", "timeout": 90.0,
                                   "warn_after": 30.0, "retries": 3, "jitter": 5.0,
                                   "max_runs": 10, "retry_interrupted": True}

    def test_a_callable_by_its_dotted_path(self, zcml, declhost):
        from zcron.config import runner_names
        zcml("""\
          <zcron:cron name="nightly" call="declhost.jobs.morning_report"
                      schedule="30 2 * * *" />
        """)
        assert of("zcml")["nightly"].runner == "declhost.jobs.morning_report"
        assert "declhost.jobs.morning_report" in runner_names()

    def test_a_kind_the_same_file_registers_later(self, zcml, modules):
        """Checked once every component is registered."""
        modules("fortnights", """
            from zcron.periodicity.base import PeriodicityKind
            from zcron.periodicity.interval import IntervalPeriodicity

            class Fortnightly(PeriodicityKind):
                words = ("fortnightly",)
                example = "fortnightly"

                def periodicity(self, text, timezone="UTC"):
                    return IntervalPeriodicity("every 336 hours", timezone)

            KIND = Fortnightly()
        """)
        zcml("""\
          <zcron:cron name="payroll" runner="payroll" schedule="fortnightly" />
          <utility component="fortnights.KIND" name="fortnightly"
                   provides="zcron.interfaces.IPeriodicityKind" />
        """)
        assert of("zcml")["payroll"].schedule == "fortnightly"


class TestErrors:
    """A configuration error naming the file and the line."""

    @pytest.mark.parametrize("changed, expected", [
        ({"retries": '"many"'}, ["retries", "invalid literal for int()"]),
        ({"schedule": '"61 * * * *"'}, ["'61 * * * *'", "(declared at configure.zcml:4)"]),
        ({"environ": "'{days: 7}'"}, ["invalid environ '{days: 7}': malformed JSON"]),
        ({"call": '"os.getcwd"'}, ["give runner= "]),
        ({"runner": '""'}, ["runner"]),
        ({"call": '"nosuchmodule.job"', "runner": None}, ["nosuchmodule"]),
        ({"call": '"os.sep"', "runner": None}, ["call= names '/', which is not callable"]),
        ({"sometimes": '"yes"'}, ["sometimes"]),
    ])
    def test_a_bad_attribute(self, zcml, changed, expected):
        attributes = dict({"name": '"x"', "runner": '"x"', "schedule": '"@daily"'}, **changed)
        text = " ".join(f"{key}={value}" for key, value in attributes.items()
                        if value is not None)
        message = error_of(zcml, f"  <zcron:cron {text} />\n")
        assert 'configure.zcml", line 4' in message
        for part in expected:
            assert part in message

    def test_neither_runner_nor_call(self, zcml):
        assert "one of them" in error_of(zcml, """\
          <zcron:cron name="x" schedule="@daily" />
        """)

    def test_one_name_twice(self, zcml):
        message = error_of(zcml, """\
          <zcron:cron name="x" runner="x" schedule="@daily" />
          <zcron:cron name="x" runner="y" schedule="@hourly" />
        """)
        assert "onflict" in message and "line 4" in message and "line 5" in message


class TestHostPackage:
    def test_include_zcron_is_enough(self, clean_zca):
        """zcron's configure.zcml includes its meta.zcml."""
        xmlconfig.string(HEAD + """
          <zcron:cron name="x" runner="x" schedule="@daily" />
        </configure>""")
        assert list(of("zcml")) == ["x"]

    def test_the_host_package(self, declhost):
        """declhost's configure.zcml: a scan and a cron calling a function."""
        from zcron import config
        config.reset()
        config.configure(str(declhost_path(declhost)))
        assert list(of("zcml")) == ["nightly"]
        assert "poll" in of("decorator")
        nightly = of("zcml")["nightly"]
        assert nightly.runner == "declhost.jobs.morning_report"
        assert nightly.environ == {"recipients": "ops"}
        assert nightly.source.endswith("configure.zcml:5")
        config.reset()


def declhost_path(module):
    import pathlib
    return pathlib.Path(module.__file__).with_name("configure.zcml")
