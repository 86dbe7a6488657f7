"""zcron in a real Plone 6 site: made by a script on a ZEO server, the
add-on installed through its profile, a runner editing a Document with
plone.api (the change seen on the site's page), the Cron jobs control
panel driven in Chromium, collective.cron's registry records brought over,
and the uninstall profile."""
import json
import pathlib
import urllib.error
import urllib.request

import pytest

from test_web_browser import CHROMIUM, chromium  # noqa: F401  (the dashboard tests' browser)
from zope_support import environment, served_instance

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

HERE = pathlib.Path(__file__).resolve().parent
SHOTS = HERE.parent / "artifacts" / "screenshots"
UIDS = ["a1" * 16, "b2" * 16]
ADMIN = "Basic YWRtaW46YWRtaW4="       # admin:admin, the instance's Zope manager

MAKE_SITE = """
    import json, transaction
    from plone import api
    from plone.registry import Record, field
    from Products.CMFPlone.factory import addPloneSite
    from zope.component.hooks import setSite
    from plone.base.utils import get_installer
    site = addPloneSite(app, "Plone", setup_content=False, extension_ids=[
        "plone.app.contenttypes:default", "plone.app.layout:default",
        "plonetheme.barceloneta:default"])          # the classic distribution's profiles
    setSite(site)
    installed = get_installer(site, app.REQUEST).install_product("zcron.plone")
    api.content.create(container=site, type="Document", id="news", title="Old news")
    registry = site.portal_registry
    name = "collective.cron.interfaces.IRegistryCrontab"
    registry.records[name + ".activated"] = Record(field.Bool(title="on"), True)
    registry.records[name + ".crontab"] = Record(
        field.List(title="crons", value_type=field.Text(title="cron")), [
        json.dumps({"uid": "%s", "name": "cleanup", "user": "admin", "activated": True,
                    "periodicity": "*/5 * * * *", "logs_limit": 5, "environ": {"days": 7},
                    "logs": [{"date": "2019-05-02 10:05:00", "status": 2,
                              "messages": ["slow"]}]}),
        json.dumps({"uid": "%s", "name": "report", "user": None, "activated": False,
                    "periodicity": "0 6 * * 1", "logs_limit": 3, "environ": {},
                    "logs": []})])
    transaction.commit()
    print(json.dumps({"installed": installed}))
""" % tuple(UIDS)


@pytest.fixture(scope="module")
def plone(tmp_path_factory):
    venv, seconds = environment("plone", editable=True)
    print(f"\n.venv-plone: {'built in %.0f s' % seconds if seconds else 'reused'}")
    with served_instance(venv, tmp_path_factory.mktemp("plone"), MAKE_SITE,
                         packages=[HERE / "hosts" / "zopehost"], includes=["zopejobs"]) as zope:
        assert json.loads(zope.made.strip().splitlines()[-1]) == {"installed": True}
        yield zope


def page(zope, path, auth=True):
    request = urllib.request.Request(zope.url + path)
    if auth:
        request.add_header("Authorization", ADMIN)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read().decode()


def crons_of(zope):
    listed = zope.zcron("--db", zope.db, "list", "--site", "Plone", "--json")
    return {c["uid"]: c for c in json.loads(listed.stdout)}


def test_the_profile_made_the_sites_crontab_and_binding(plone):
    listed = plone.zcron("--db", plone.db, "zope", "list", "--json")
    assert json.loads(listed.stdout) == [{"site": "Plone", "path": "/Plone", "user": None}]


def test_a_runner_edits_a_document_with_plone_api(plone):
    assert "Old news" in page(plone, "/Plone/news")          # private: seen by its owner
    plone.zcron("--db", plone.db, "add", "editdocument", "--site", "Plone",
                "--schedule", "0 3 1 1 *", "--user", "admin",     # the site runs as system
                "--environ", json.dumps({"path": "/news", "title": "Edited by zcron"}))
    plone.zcron("--db", plone.db, "run", "editdocument", "--site", "Plone")
    plone.zcron("worker", "--zope-conf", plone.conf, "--until-idle", "--quiet")
    logs = plone.zcron("--db", plone.db, "logs", "editdocument", "--site", "Plone", "--json")
    log = json.loads(logs.stdout)[0]
    assert log["status"] == "WARN" and log["messages"] == ["edited /Plone/news as admin"], log
    assert "Edited by zcron" in page(plone, "/Plone/news")


def test_collective_cron_records_come_over_once(plone):
    args = ["migrate", "collective.cron", "--site", "/Plone", "--zope-conf", plone.conf,
            "--json"]
    first = json.loads(plone.zcron(*args).stdout)
    assert first == {"site": "/Plone", "added": UIDS, "kept": []}
    crons = crons_of(plone)
    assert crons[UIDS[0]]["name"] == "cleanup" and crons[UIDS[0]]["environ"] == {"days": 7}
    assert crons[UIDS[1]]["activated"] is False
    again = json.loads(plone.zcron(*args).stdout)
    assert again == {"site": "/Plone", "added": [], "kept": UIDS}
    assert crons_of(plone) == crons


def test_a_post_without_the_csrf_token_is_refused(plone):
    request = urllib.request.Request(
        plone.url + "/Plone/@@zcron-controlpanel", method="POST",
        data=f"action=toggle&uid={UIDS[0]}".encode(),
        headers={"Authorization": ADMIN})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 403
    assert crons_of(plone)[UIDS[0]]["activated"] is True


def test_anonymous_users_do_not_see_the_panel(plone):
    html = page(plone, "/Plone/@@zcron-controlpanel", auth=False)
    assert "zcron-crons" not in html        # Plone's login form instead


def test_the_control_panel_in_chromium(plone, chromium):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(viewport={"width": 1400, "height": 900},
                                   extra_http_headers={"Authorization": ADMIN})
    browser = context.new_page()
    # plone.app.theming leaves 127.0.0.1 unthemed: localhost shows Plone's look
    browser.goto(plone.url.replace("127.0.0.1", "localhost") + "/Plone/@@overview-controlpanel")
    browser.screenshot(path=str(SHOTS / "plone-overview.png"), full_page=True)
    browser.locator("#content a.btn", has_text="Cron jobs").click()
    row = browser.locator(f"tr[data-uid='{UIDS[0]}']")
    assert row.locator(".zcron-state").inner_text() == "on"
    browser.screenshot(path=str(SHOTS / "plone-panel.png"), full_page=True)
    row.locator("button[name=zcron-toggle]").click()
    assert "cleanup is off." in browser.locator(".portalMessage").inner_text()   # Plone's
    assert row.locator(".zcron-state").inner_text() == "off"
    row.locator("button[name=zcron-toggle]").click()
    row.locator("button[name=zcron-pause]").click()
    assert row.locator(".zcron-state").inner_text() == "paused"
    row.locator("button[name=zcron-resume]").click()
    row.locator("button[name=zcron-run]").click()
    assert "cleanup will run now." in browser.locator(".portalMessage").inner_text()
    browser.screenshot(path=str(SHOTS / "plone-panel-run-now.png"), full_page=True)
    row.locator("a").click()
    assert browser.locator("#zcron-logs").inner_text().count("WARN") == 1    # migrated log
    browser.screenshot(path=str(SHOTS / "plone-panel-logs.png"), full_page=True)
    context.close()
    assert crons_of(plone)[UIDS[0]]["activated"] is True


def test_the_uninstall_profile_removes_the_crontab(plone):
    plone.script("""
        import transaction
        from plone.base.utils import get_installer
        from zope.component.hooks import setSite
        setSite(app.Plone)
        get_installer(app.Plone, app.REQUEST).uninstall_product("zcron.plone")
        transaction.commit()
    """)
    sites = plone.zcron("--db", plone.db, "site", "list", "--json")
    assert [s["name"] for s in json.loads(sites.stdout)] == []
    assert json.loads(plone.zcron("--db", plone.db, "zope", "list", "--json").stdout) == []
