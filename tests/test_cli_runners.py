"""Runner names the loaded components do not know: with the host's ZCML
loaded, ``add``, ``edit`` and ``load`` refuse them (exit 2, the closest
registered names, the database unchanged) unless --allow-unknown-runner."""
import json

import pytest

from cli_support import (Zcron, cli_env, host_package, snapshot, uri,  # noqa: F401
                         zcron, zeo_storages)


@pytest.fixture
def host(zcron, host_package):
    """``zcron --zcml HOST ...`` on a database with a site and a 'hello' cron."""
    def call(*args, **kw):
        return zcron("--zcml", host_package.zcml, *args, **kw)
    call.bad = lambda *args: zcron.bad("--zcml", host_package.zcml, *args)
    call("site", "add", "default")
    call("add", "hello", "--cron", "@daily")
    return call


def test_add_refuses_a_typo_naming_the_closest(host, uri):
    before = snapshot(uri)
    error = host.bad("add", "helo", "--cron", "@daily")
    assert "invalid runner name 'helo': no runner is registered under this name " \
           "(closest: hello); --allow-unknown-runner to use it anyway" in error
    assert snapshot(uri) == before


def test_a_name_close_to_none_lists_the_registered(host):
    error = host.bad("add", "zzzzzz", "--cron", "@daily")
    assert "(registered: hello, other" in error        # (and installed plugins')


def test_edit_refuses_an_unknown_new_name(host, uri):
    before = snapshot(uri)
    assert "closest: other" in host.bad("edit", "hello", "--name", "othr")
    assert snapshot(uri) == before
    host("edit", "hello", "--timeout", "5m")        # other changes need no check


def test_load_refuses_and_says_where(host, uri, tmp_path):
    dump = tmp_path / "dump.json"
    dump.write_text(json.dumps({"crons": [{"name": "hello", "periodicity": "@daily"},
                                          {"name": "hallo", "periodicity": "@daily"}]}))
    before = snapshot(uri)
    error = host.bad("load", dump)
    assert "hallo" in error and "closest: hello" in error
    assert snapshot(uri) == before
    host("load", dump, "--allow-unknown-runner")


def test_insisting(host):
    host("add", "future-job", "--cron", "@daily", "--allow-unknown-runner")
    host("edit", "future-job", "--name", "future-job2", "--allow-unknown-runner")


def test_without_known_runners_any_name_goes(zcron):
    zcron("site", "add", "default")
    zcron("add", "anything", "--cron", "@daily")


def test_the_rule_for_other_callers():
    from zcron.config import check_runner_name
    from zcron.exceptions import InvalidInput
    check_runner_name("anything", names=[])
    check_runner_name("hello", names=["hello"])
    with pytest.raises(InvalidInput) as info:
        check_runner_name("helo", names=["hello", "help", "other"])
    assert info.value.reason == ("no runner is registered under this name "
                                 "(closest: hello, help)")


def test_installed_plugins_runners_are_known(host):
    from zcron.declared.plugins import installed_runner_names
    for name in installed_runner_names():        # e.g. examples/hostapp's, if installed
        host("add", name, "--cron", "@daily")
