"""``zcron declared list|sync`` and ``zcron site add`` with a host
declaring jobs (its source reads a JSON file), on FileStorage and ZEO."""
import pytest

from cli_support import cli_env, snapshot, uri, zcron, zeo_storages  # noqa: F401
from test_declared_workers import declaration, declared_host  # noqa: F401


@pytest.fixture
def host(zcron, declared_host):
    """``zcron --zcml HOST`` with sites 'default' and 'shop'; two declarations."""
    declared_host.declare(declaration(), declaration(name="report", runner="report",
                                                     schedule="every day at 08:00",
                                                     sites=["shop"]))
    host_zcron = HostZcron(zcron, declared_host.zcml)
    host_zcron("site", "add", "default")
    host_zcron("site", "add", "shop")
    return host_zcron, declared_host


class HostZcron:
    """``zcron --db URI --zcml HOST ARGS...``."""

    def __init__(self, run, zcml):
        self.run, self.zcml = run, str(zcml)

    def __call__(self, *args, **kw):
        return self.run("--zcml", self.zcml, *args, **kw)

    def json(self, *args, **kw):
        return self.run.json("--zcml", self.zcml, *args, **kw)

    def bad(self, *args, **kw):
        return self.run.bad("--zcml", self.zcml, *args, **kw)


class TestDeclaredCli:
    def test_site_add_brings_the_declared_crons(self, host, uri):
        run, _ = host
        crons = run.json("list", "--site", "shop")
        assert sorted(c["name"] for c in crons) == ["cleanup", "report"]
        assert {c["declared"] for c in crons} == {"ini:cleanup", "ini:report"}

    def test_list(self, host):
        run, _ = host
        lines = run("declared", "list").stdout.splitlines()
        assert lines[0].split() == ["DECLARED", "SOURCE", "SCHEDULE", "SITE", "STATE"]
        assert "ini:cleanup" in lines[1] and "scheduler.ini [cleanup]" in lines[1]
        assert len(lines) == 4 and all(line.endswith("  in step") for line in lines[1:])
        [cleanup, report] = run.json("declared", "list")
        assert cleanup["sites"] == {"default": "in step", "shop": "in step"}
        assert report["sites"] == {"shop": "in step"}

    def test_sync_prints_what_it_changed(self, host, uri):
        run, declared = host
        declared.declare(declaration(schedule="0 4 * * *"))
        states = run.json("declared", "list")[0]["sites"]
        assert states == {"default": "differs: schedule", "shop": "differs: schedule"}
        out = run("declared", "sync", "--site", "shop").stdout.splitlines()
        assert out[0].startswith("site shop: updated ini:cleanup (")
        assert out[0].endswith("): schedule") and "removed ini:report" in out[1]
        changes = run.json("declared", "sync")
        assert [(c["site"], c["action"], c["fields"]) for c in changes] == \
            [("default", "updated", ["schedule"])]
        assert run("declared", "sync").stdout == "everything is in step\n"

    def test_in_step_sync_writes_nothing(self, host, uri):
        run, _ = host
        before = snapshot(uri)
        assert run.json("declared", "sync") == []
        assert snapshot(uri) == before

    @pytest.mark.parametrize("args", [("declared", "sync", "--site", "nowhere")])
    def test_bad_input_one_line(self, host, uri, args):
        run, _ = host
        before = snapshot(uri)
        assert "nowhere" in run.bad(*args)
        assert snapshot(uri) == before

    def test_twin_declarations_one_line(self, host, uri):
        run, declared = host
        declared.declare(declaration(), declaration(source="elsewhere.ini"))
        before = snapshot(uri)
        error = run.bad("declared", "sync")
        assert "declared twice" in error and "elsewhere.ini" in error
        assert snapshot(uri) == before
