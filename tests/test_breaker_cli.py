"""``--pause-after-failures`` on the command line: set, shown, cleared,
refused (exit 2, nothing written)."""
import pytest

from cli_support import cli_env, snapshot, uri, zcron, zeo_storages  # noqa: F401


@pytest.fixture
def hello(zcron):
    zcron("site", "add", "default")
    return zcron("add", "hello", "--schedule", "@daily").stdout.strip()


def test_set_shown_cleared(zcron, hello):
    zcron("edit", "hello", "--pause-after-failures", "3")
    assert zcron.json("show", "hello")["pause_after_failures"] == 3
    rows = zcron("show", "hello").stdout.splitlines()
    assert [r for r in rows if r.startswith("pause after:")][0].endswith("3 failures in a row")
    zcron("edit", "hello", "--pause-after-failures", "none")
    assert zcron.json("show", "hello")["pause_after_failures"] is None
    rows = zcron("show", "hello").stdout.splitlines()
    assert [r for r in rows if r.startswith("pause after:")][0].endswith("(no circuit breaker)")


@pytest.mark.parametrize("value", ["0", "-1", "2.5", "often"])
def test_refused(zcron, uri, hello, value):
    before = snapshot(uri)
    assert "pause-after-failures" in zcron.bad("edit", "hello", "--pause-after-failures", value)
    assert snapshot(uri) == before
