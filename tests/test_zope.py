"""zcron in a real Zope 6 instance: a WSGI instance made by mkwsgiinstance
on a ZEO server, served by runwsgi; the worker started from its zope.conf
runs crons whose runners change a Folder, seen over HTTP."""
import json
import pathlib
import urllib.request

import pytest

from zope_support import environment, served_instance

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

HOSTS = pathlib.Path(__file__).resolve().parent / "hosts"
MAKE_FOLDER = """
    import transaction
    app.manage_addFolder("f1", title="before")
    transaction.commit()
"""


@pytest.fixture(scope="module")
def zope_venv():
    venv, seconds = environment("zope")
    print(f"\n.venv-zope: {'built in %.0f s' % seconds if seconds else 'reused'}")
    return venv


@pytest.fixture(scope="module")
def instance(zope_venv, tmp_path_factory):
    with served_instance(zope_venv, tmp_path_factory.mktemp("zope"), MAKE_FOLDER,
                         packages=[HOSTS / "zopehost"], includes=["zopejobs"]) as zope:
        yield zope


def title_over_http(zope):
    with urllib.request.urlopen(f"{zope.url}/f1/title_or_id", timeout=30) as response:
        return response.read().decode()


def run_once(zope, cron):
    """Queue a run of ``cron`` of site f1; a worker on the instance's
    zope.conf runs it; the run's log entry."""
    zope.zcron("--db", zope.db, "run", cron, "--site", "f1")
    zope.zcron("worker", "--zope-conf", zope.conf, "--until-idle", "--quiet")
    done = zope.zcron("--db", zope.db, "logs", cron, "--site", "f1", "--json", "--limit", "1")
    return json.loads(done.stdout)[0]


def add_cron(zope, name, environ=None, user=None):
    args = ["--db", zope.db, "add", name, "--schedule", "0 3 1 1 *", "--site", "f1"]
    if environ:
        args += ["--environ", json.dumps(environ)]
    zope.zcron(*args)


def test_a_runner_changes_a_folder_seen_over_http(instance):
    instance.zcron("--db", instance.db, "zope", "bind", "/f1")
    add_cron(instance, "settitle", {"title": "after"})
    assert title_over_http(instance) == "before"
    log = run_once(instance, "settitle")
    assert log["status"] == "OK", log
    assert title_over_http(instance) == "after"


def test_a_raising_runner_leaves_the_folder_unchanged(instance):
    instance.zcron("--db", instance.db, "zope", "bind", "/f1")
    add_cron(instance, "breaktitle", {"title": "broken"})
    before = title_over_http(instance)
    log = run_once(instance, "breaktitle")
    assert log["status"] == "FAILURE" and "broken on purpose" in log["messages"][0], log
    assert title_over_http(instance) == before != "broken"


def test_runs_go_as_the_bound_user(instance):
    instance.zcron("--db", instance.db, "zope", "bind", "/f1", "--user", "admin")
    add_cron(instance, "whoami")
    log = run_once(instance, "whoami")
    assert log["status"] == "WARN" and log["messages"][0].startswith("user=admin "), log
    listed = instance.zcron("--db", instance.db, "zope", "list", "--json")
    assert json.loads(listed.stdout) == [{"site": "f1", "path": "/f1", "user": "admin"}]


def test_the_worker_inside_zope_starts_with_it(instance):
    """zope.conf's <product-config zcron> starts a worker in the Zope
    process (collective.cron's way), which runs what is queued."""
    instance.zcron("--db", instance.db, "zope", "bind", "/f1")
    add_cron(instance, "settitle", {"title": "in-process"})
    conf = pathlib.Path(instance.conf)
    plain = conf.read_text()
    instance.stop()
    conf.write_text(plain + "\n<product-config zcron>\n    worker on\n"
                            "    concurrency 1\n</product-config>\n")
    try:
        instance.serve()
        uid = [c["uid"] for c in json.loads(instance.zcron(
            "--db", instance.db, "list", "--site", "f1", "--json").stdout)
            if c["environ"].get("title") == "in-process"][0]
        instance.zcron("--db", instance.db, "run", uid, "--site", "f1", "--wait",
                       "--timeout", "120")
        assert title_over_http(instance) == "in-process"
        instance.stop()
        assert instance.returncode == 0         # SIGTERM stopped the worker, then Zope
    finally:
        instance.stop()
        conf.write_text(plain)
        instance.serve()
