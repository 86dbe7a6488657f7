"""Entry-point plugins: the host package declhost, pip-installed for real,
declares its plugins in setup.py; each enabled one is a declaration for
every site, and a worker runs it with the window of its schedule."""
from datetime import datetime, timedelta, timezone
from importlib.metadata import entry_points

import pytest

import zcron
from declhost_support import (config, declhost, declhost_site,  # noqa: F401
                              on_path, put_on_site, run_worker)
from zcron.declared import ALL_SITES
from zcron.declared.plugins import GROUP, PLUGINS
from zcron.exceptions import InvalidInput

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)


def by_name(declarations):
    return {declaration.name: declaration for declaration in declarations}


def fake_distribution(directory, name, *lines):
    """Installed-package metadata naming entry points, and nothing else."""
    info = directory / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{GROUP}]\n" + "\n".join(lines) + "\n")
    return directory


class TestDeclarations:
    def test_the_installed_entry_points_are_found(self, declhost):
        names = {entry_point.name: entry_point.value
                 for entry_point in entry_points(group=GROUP)}
        # other installed packages (the demo's hostapp) may declare plugins too
        assert {name: names.get(name) for name in ("cleanup", "dormant")} == {
            "cleanup": "declhost:CleanupPlugin", "dormant": "declhost:DormantPlugin"}

    def test_an_enabled_plugin_is_declared_for_every_site(self, declhost):
        declared = by_name(PLUGINS.declarations())
        assert list(declared) == ["cleanup"]          # dormant is not enabled
        cleanup = declared["cleanup"]
        assert cleanup.identity == ("plugin", "cleanup")
        assert (cleanup.runner, cleanup.schedule) == ("plugin:cleanup", "*/15 * * * *")
        assert cleanup.timezone == "Europe/Zurich" and cleanup.sites == ALL_SITES
        assert cleanup.source == "entry point declhost:CleanupPlugin"
        assert cleanup.description == "Removes what is older than its days."

    def test_its_config_section_is_its_config(self, declhost, config):
        config("""
            [plugin:cleanup]
            interval = every 10 minutes
            days = 7
            [plugin:dormant]
            enabled = yes
        """)
        declared = by_name(PLUGINS.declarations())
        assert declared["cleanup"].schedule == "every 10 minutes"
        assert declared["dormant"].schedule == "every day at 03:00"

    def test_zcron_gathers_them_with_the_other_sources(self, declhost):
        assert [d.identity for d in zcron.declared.declarations()
                if d.origin == "plugin"] == [("plugin", "cleanup")]

    def test_nothing_installed_nothing_declared(self, zca):
        assert PLUGINS.declarations() == []


class TestBadPlugins:
    """One line naming the entry point."""

    @pytest.fixture
    def installed(self, declhost, tmp_path, monkeypatch):
        monkeypatch.setenv("ZCRON_PLUGINS", "cleanup dormant broken fortnight")
        undo = []

        def install(*lines):
            undo.append(on_path(fake_distribution(tmp_path / "site", "badhost", *lines)))
        yield install
        for step in undo:
            step()

    def test_a_module_that_cannot_be_imported(self, installed):
        installed("broken = nosuchmodule:Plugin")
        with pytest.raises(InvalidInput) as e:
            PLUGINS.declarations()
        assert str(e.value) == ("invalid entry point 'broken = nosuchmodule:Plugin': cannot be "
                                "loaded (ModuleNotFoundError: No module named 'nosuchmodule')")

    def test_no_plugin_class(self, installed):
        installed("broken = os.path:join")
        with pytest.raises(InvalidInput, match="'broken = os.path:join': does not name a "
                                               "zcron.Plugin subclass"):
            PLUGINS.declarations()

    def test_a_bad_interval(self, installed):
        installed("fortnight = declhost:FortnightPlugin")
        with pytest.raises(InvalidInput) as e:
            zcron.declared.declarations()
        assert "'every fortnight'" in str(e.value)
        assert str(e.value).endswith("(declared at entry point declhost:FortnightPlugin)")


class TestChosen:
    """$ZCRON_PLUGINS (else [zcron] plugins) chooses among the installed ones."""

    @pytest.mark.parametrize("chosen, names", [
        ("*", ["cleanup"]), ("cleanup", ["cleanup"]), ("none", []), ("dormant, other", []),
    ])
    def test_by_the_environment(self, declhost, monkeypatch, chosen, names):
        monkeypatch.setenv("ZCRON_PLUGINS", chosen)
        found = [d.name for d in PLUGINS.declarations() if d.name in ("cleanup", "dormant")]
        assert found == names

    def test_by_the_config_file(self, declhost, config, monkeypatch):
        monkeypatch.delenv("ZCRON_PLUGINS")
        config("""
            [zcron]
            plugins = none
        """)
        assert PLUGINS.declarations() == []


class TestRuns:
    """A real worker on a FileStorage, driven by the fake clock."""

    @pytest.fixture
    def cron(self, declhost, config, db, session, site, fake_clock):
        config("""
            [plugin:cleanup]
            days = 7
        """)
        fake_clock.set(T0)
        return put_on_site(session, site, by_name(PLUGINS.declarations())["cleanup"])

    def test_each_run_is_given_the_previous_and_this_fire_time(self, declhost, cron, db,
                                                               session, fake_clock):
        run_worker(db, fake_clock, T0 + 15 * MINUTE)     # the first run: 12:00 .. 12:15
        run_worker(db, fake_clock, T0 + 30 * MINUTE)
        assert declhost.CALLS == [
            ("cleanup", {"days": "7"}, T0, T0 + 15 * MINUTE),
            ("cleanup", {"days": "7"}, T0 + 15 * MINUTE, T0 + 30 * MINUTE)]
        session.tm.begin()
        assert [log.status for log in cron.logs] == ["OK", "OK"]

    def test_the_window_comes_from_the_schedule_not_the_logs(self, declhost, cron, db,
                                                             fake_clock):
        run_worker(db, fake_clock, T0 + 15 * MINUTE)
        run_worker(db, fake_clock, T0 + 60 * MINUTE)     # 12:30 and 12:45 were missed
        assert declhost.CALLS[-1][2:] == (T0 + 45 * MINUTE, T0 + 60 * MINUTE)


class TestPreviousFireTime:
    @pytest.mark.parametrize("text, before, previous", [
        ("0 8 * * *", "2026-03-02T08:00", "2026-03-01T08:00"),
        ("0 8 * * *", "2026-03-02T08:00:01", "2026-03-02T08:00"),
        ("every 10 minutes", "2026-03-01T12:05", "2026-03-01T12:00"),
        ("* * * * * *", "2026-03-01T12:00", "2026-03-01T11:59:59"),
        ("monthly on day 31 at 09:00", "2026-05-01T00:00", "2026-03-31T09:00"),
        ("0 0 29 2 *", "2026-03-01T00:00", "2024-02-29T00:00"),
        ("once at 2026-12-24 18:00", "2026-12-24T18:00", None),
    ])
    def test_previous(self, zca, text, before, previous):
        from zcron.declared.window import previous_fire_time
        from zcron.periodicity import get_periodicity

        def utc(text):
            return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)
        found = previous_fire_time(get_periodicity(text, "UTC"), utc(before))
        assert found == (None if previous is None else utc(previous))
