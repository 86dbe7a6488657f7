"""Retention on the command line: keep_ok_for and keep_failures_for on
add, edit and show, as site defaults, and bad input (exit 2, nothing written)."""
from cli_support import cli_env, snapshot, uri, zcron, zeo_storages  # noqa: F401


def test_fields_on_add_edit_show(zcron):
    zcron("site", "add", "default")
    uid = zcron("add", "backup", "--cron", "@daily", "--keep-ok-for", "2d").stdout.strip()
    shown = zcron.json("show", uid)
    assert (shown["keep_ok_for"], shown["keep_failures_for"]) == (172800, None)
    text = zcron("show", uid).stdout
    assert "keep ok for:       172800\n" in text
    assert "keep failures for: 7776000 (built-in)\n" in text
    zcron("site", "defaults", "default", "--keep-failures-for", "30d")
    assert "keep failures for: 2592000 (site default)\n" in zcron("show", uid).stdout
    zcron("edit", uid, "--keep-ok-for", "none", "--keep-failures-for", "1h")
    shown = zcron.json("show", uid)
    assert (shown["keep_ok_for"], shown["keep_failures_for"]) == (None, 3600)
    assert zcron.json("site", "defaults", "default") == {"keep_failures_for": 2592000}

def test_bad_input_writes_nothing(zcron, uri):
    zcron("site", "add", "default")
    uid = zcron("add", "x", "--cron", "@daily").stdout.strip()
    before = snapshot(uri)
    assert "'-5' is not a duration" in zcron.bad("edit", uid, "--keep-ok-for", "-5")
    zcron.bad("add", "y", "--cron", "@daily", "--keep-failures-for", "-1d")
    error = zcron.bad("edit", uid, "--keep-failures-for", "0")
    assert "keep_failures_for" in error and "0" in error
    zcron.bad("site", "defaults", "default", "--keep-ok-for", "-1d")
    assert snapshot(uri) == before
