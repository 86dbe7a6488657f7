"""zcron.cli.sites: zcron site add/list/remove and zcron crontab
show/enable/disable.
"""
import json

import pytest

from cli_support import (cli_env, database, json_crontab, pending, snapshot,  # noqa: F401
                         uri, zcron, zeo_storages)


class TestSite:

    def test_add_list_remove(self, zcron, uri):
        assert zcron("site", "list").stdout.startswith("(no sites;")
        assert zcron("site", "add", "default").stdout == (
            "added site 'default' (registry zodb: 0 crons, crontab on)\n")
        info = zcron.json("site", "add", "shop")
        assert info == {"name": "shop", "registry": "zodb", "registry_options": {},
                        "activated": True, "read_only": False, "crons": 0, "error": None}
        assert snapshot(uri)["marked"] == ["default", "shop"]
        out = zcron("site", "list").stdout.splitlines()
        assert out[0].split() == ["SITE", "REGISTRY", "CRONTAB", "CRONS", "DETAILS"]
        assert out[1].split() == ["default", "zodb", "on", "0"]
        assert [s["name"] for s in zcron.json("site", "list")] == ["default", "shop"]
        zcron("add", "hello", "--cron", "@daily", "--site", "shop")
        assert zcron("site", "remove", "shop").stdout == (
            "removed site 'shop' (1 crons, 1 queued jobs)\n")
        state = snapshot(uri)
        assert list(state["sites"]) == ["default"]
        assert state["marked"] == ["default"] and state["queued"] == 0

    def test_remove_json_and_held_jobs(self, zcron, uri):
        from zcron.components import queue_for
        from zcron.queue.base import QUEUED, Job
        zcron("site", "add", "shop")
        zcron("site", "add", "default")
        uid = zcron("add", "hello", "--cron", "@daily", "--site", "shop").stdout.strip()
        other = zcron("add", "x", "--cron", "@daily").stdout.strip()
        with database(uri) as root:
            queue_for(root).hold(Job("shop", uid, 1, 1, QUEUED))
            queue_for(root).hold(Job("default", other, 1, 1, QUEUED))
        assert snapshot(uri)["held"]
        assert zcron.json("site", "remove", "shop") == {
            "removed": "shop", "crons": 1, "jobs": 2}
        assert len(snapshot(uri)["held"]) == 1       # the other site's

    def test_remove_unreadable_json_site(self, zcron, uri, json_crontab):
        zcron("site", "add", "ro", "--registry", "json", "--path", json_crontab)
        json_crontab.write_text("{oops")
        assert zcron("site", "remove", "ro").stdout == (
            "removed site 'ro' (? crons, 1 queued jobs)\n")

    def test_json_registry(self, zcron, uri, json_crontab):
        out = zcron("site", "add", "ro", "--registry", "json", "--path",
                    json_crontab).stdout
        assert out == "added site 'ro' (registry json: 1 crons, crontab on, read-only)\n"
        assert len(pending(uri, "ro")) == 1           # its cron is scheduled at once
        [info] = zcron.json("site", "list")
        assert info["registry_options"] == {"path": str(json_crontab)}
        assert info["read_only"] is True
        assert "read-only " + str(json_crontab) in zcron("site", "list").stdout
        json_crontab.write_text("[")                  # broken after the fact
        row = zcron("site", "list").stdout.splitlines()[1]
        assert row.split()[:4] == ["ro", "json", "error", "-"]
        assert "malformed JSON" in row
        assert "malformed JSON" in zcron.json("site", "list")[0]["error"]

    def test_relative_json_path_is_made_absolute(self, zcron, json_crontab):
        zcron("site", "add", "ro", "--registry", "json", "--path", json_crontab.name)
        assert zcron.json("site", "list")[0]["registry_options"]["path"] == str(json_crontab)

    def test_bad_input(self, zcron, uri, tmp_path):
        zcron("site", "add", "default")
        before = snapshot(uri)
        assert "a site with this name exists" in zcron.bad("site", "add", "default")
        assert "invalid site ' '" in zcron.bad("site", "add", " ")
        assert "known: json, zodb" in zcron.bad("site", "add", "x", "--registry", "ldap")
        assert "--path is for" in zcron.bad("site", "add", "x", "--path", "a.json")
        assert "needs a 'path'" in zcron.bad("site", "add", "x", "--registry", "json")
        err = zcron.bad("site", "add", "x", "--registry", "json", "--path", "gone.json")
        assert "invalid crontab file" in err
        bad = tmp_path / "bad.json"
        bad.write_text('{"crons": [{"name": "x", "periodicity": "bad"}]}')
        assert "invalid cron expression" in zcron.bad(
            "site", "add", "x", "--registry", "json", "--path", bad)
        assert "no such site" in zcron.bad("site", "remove", "nope")
        assert snapshot(uri) == before


class TestCrontab:

    def test_disable_enable_show(self, zcron, uri):
        zcron("site", "add", "default")
        zcron("add", "a", "--cron", "@daily")
        zcron("add", "b", "--cron", "@daily", "--inactive")
        uid = zcron("add", "c", "--cron", "@daily").stdout.strip()
        zcron("pause", uid)
        assert zcron("crontab", "show").stdout.splitlines() == [
            "site:      default",
            "registry:  zodb",
            "crontab:   on",
            "crons:     3: 1 on, 1 off, 1 paused",
            "queued:    1 jobs",
        ]
        assert zcron("crontab", "disable").stdout == (
            "disabled the crontab of site 'default' (3 crons, 0 jobs queued)\n")
        assert snapshot(uri)["queued"] == 0
        assert "crontab:   off (no cron runs)" in zcron("crontab", "show").stdout
        info = zcron.json("crontab", "enable")
        assert info == {"site": "default", "registry": "zodb", "activated": True,
                        "read_only": False, "crons": 3, "on": 1, "off": 1, "paused": 1,
                        "queued": 1}
        assert zcron.json("crontab", "disable")["activated"] is False
        assert zcron.json("crontab", "show")["activated"] is False
        assert zcron("crontab", "enable").stdout.startswith("enabled the crontab")

    def test_read_only(self, zcron, uri, json_crontab):
        zcron("site", "add", "ro", "--registry", "json", "--path", json_crontab)
        before = snapshot(uri)
        err = zcron.bad("crontab", "disable", "--site", "ro")
        assert "the crontab of site 'ro' is read-only" in err
        assert str(json_crontab) in err
        assert "registry:  json (read-only)" in zcron("crontab", "show", "--site", "ro").stdout
        assert snapshot(uri) == before

    def test_read_only_without_path(self, zcron, uri):
        """A host's own read-only registry, with no 'path' option."""
        from zope.component import getGlobalSiteManager
        from zope.interface import implementer

        from zcron.interfaces import ICronSite, IRegistryManager
        from zcron.model import Crontab

        @implementer(IRegistryManager)
        class Fixed:
            read_only = True

            def __init__(self, site):
                self.site = site

            def load(self):
                crontab = Crontab(site=self.site.name)
                crontab.__parent__ = self.site
                crontab.read_only = True
                return crontab

            def save(self, crontab, crons=None):
                pass
        from zcron import config
        config.configure()
        getGlobalSiteManager().registerAdapter(Fixed, (ICronSite,), IRegistryManager,
                                               name="fixed")
        zcron("site", "add", "f", "--registry", "fixed")
        err = zcron.bad("add", "x", "--cron", "@daily", "--site", "f")
        assert "its 'fixed' registry reads it from a file; change" in err


class TestSiteNames:
    """A '/' in a site name is refused: no dashboard URL could name it."""

    @staticmethod
    def legacy_site(uri, name):
        """A site named before the rule, as an old database holds it."""
        from zcron.components import load_crontab
        from zcron.model import Cron, CronSite
        with database(uri) as root:
            site = CronSite("legacy")
            site.name = name
            root.add_site(site)
            crontab = load_crontab(site)
            crontab.add_cron(Cron("hello", "@daily", uid="c" * 32))
            crontab.save()

    def test_add_refuses_a_slash(self, zcron, uri):
        zcron("site", "add", "default")
        before = snapshot(uri)
        stderr = zcron.bad("site", "add", "a/b")
        assert stderr == "zcron: error: invalid site 'a/b': a site name cannot contain '/'\n"
        assert snapshot(uri) == before

    def test_the_model_refuses_it_too(self):
        from zcron.exceptions import InvalidInput
        from zcron.model import CronSite
        with pytest.raises(InvalidInput, match="cannot contain '/'"):
            CronSite("shop/eu")

    def test_a_saved_one_still_works(self, zcron, uri):
        self.legacy_site(uri, "a/b")
        assert [s["name"] for s in zcron.json("site", "list")] == ["a/b"]
        assert zcron("site", "list").stdout.split("\n")[1].split()[:4] == [
            "a/b", "zodb", "on", "1"]
        assert json.loads(zcron("dump", "--site", "a/b").stdout)["crons"][0]["uid"] == "c" * 32
        assert zcron.json("list", "--site", "a/b")[0]["name"] == "hello"
        zcron("site", "remove", "a/b")
        assert zcron.json("site", "list") == []
