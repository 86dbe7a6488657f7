"""``zcron zope bind|unbind|list``, and the bad input of ``migrate
collective.cron`` and ``--zope-conf`` -- without Zope (tests/test_zope.py
and tests/test_plone.py have the real instances)."""
from cli_support import Zcron, cli_env  # noqa: F401  (cli_env: autouse)


def zcron_on(tmp_path):
    zcron = Zcron(f"file://{tmp_path}/Data.fs")
    zcron("site", "add", "default")
    return zcron


def test_bind_list_unbind(tmp_path):
    zcron = zcron_on(tmp_path)
    assert zcron("zope", "bind", "/Plone", "--user", "admin").stdout == (
        "site Plone bound to /Plone, runs as admin\n")
    assert zcron.json("zope", "list") == [{"site": "Plone", "path": "/Plone", "user": "admin"}]
    assert "Plone" in [s["name"] for s in zcron.json("site", "list")]
    zcron("zope", "unbind", "Plone")
    assert zcron.json("zope", "list") == []
    assert "Plone" in [s["name"] for s in zcron.json("site", "list")]    # the crontab stays


def test_a_relative_path_is_bad_input_and_nothing_is_written(tmp_path):
    zcron = zcron_on(tmp_path)
    assert "invalid path 'Plone'" in zcron.bad("zope", "bind", "Plone")
    assert [s["name"] for s in zcron.json("site", "list")] == ["default"]


def test_migrating_from_a_database_without_zope_changes_nothing(tmp_path):
    zcron = zcron_on(tmp_path)
    error = zcron.bad("migrate", "collective.cron", "--site", "/Plone")
    assert "invalid --site '/Plone': no Plone site there" in error
    assert [s["name"] for s in zcron.json("site", "list")] == ["default"]
    assert zcron.json("zope", "list") == []


def test_a_missing_zope_conf_is_bad_input(tmp_path):
    zcron = zcron_on(tmp_path)
    missing = tmp_path / "zope.conf"
    assert f"invalid --zope-conf '{missing}': no such file" in zcron.bad(
        "worker", "--zope-conf", missing, "--until-idle")
    assert "no such file" in zcron.bad("migrate", "collective.cron", "--site", "/Plone",
                                       "--zope-conf", missing)
