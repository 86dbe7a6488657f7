"""zcron.web.dumps through Pyramid's router: JSON export, and import with a
preview of what would change.
"""
import json
import re
from datetime import datetime
from html import unescape

import pytest

import zcron
from zcron.components import load_crontab
from zcron.db import get_root

from web_support import (UTC, XSS, alice, app, components, cron_of, db, flashes,  # noqa: F401
                         ini, pending, read, shared_app, uids)


class TestDumps:
    def test_export(self, alice):
        res = alice.get("/sites/default/export.json")
        assert res.content_type == "application/json"
        assert res.headers["Content-Disposition"] == 'attachment; filename="zcron-default.json"'
        data = res.json
        assert [c["name"] for c in data["crons"]] == ["hello", "report"]
        assert len(data["crons"][0]["logs"]) == 7
        assert alice.get("/sites/default/export.json?logs=0").json["crons"][0]["logs"] == []

    def test_export_file_name(self, alice, db):
        with db.transaction() as conn:
            get_root(conn).add_site(zcron.CronSite('my "site"\r\nX-Evil: 1'))
        res = alice.get("/sites/my%20%22site%22%0D%0AX-Evil:%201/export.json")
        assert res.status_int == 200 and "X-Evil" not in res.headers
        assert res.headers["Content-Disposition"] == \
            'attachment; filename="zcron-my_site_X-Evil_1.json"'

    def test_import_form(self, alice):
        page = alice.get("/sites/default/import").text
        assert 'enctype="multipart/form-data"' in page and "Show what would change" in page

    def dump(self, db):
        return read(db, lambda root: load_crontab(root.sites["default"]).dump())

    def test_preview_then_apply(self, alice, db):
        data = self.dump(db)
        data["crons"][0]["periodicity"] = "*/10 * * * *"
        data["crons"][0]["name"] = XSS
        del data["crons"][1]
        data["crons"].append({"uid": "c" * 32, "name": "new", "periodicity": "@daily"})
        data["activated"] = False
        text = json.dumps(data)
        before = self.dump(db)
        res = alice.post("/sites/default/import", {"dump": text, "action": "preview",
                                                   "replace": "1"})
        assert res.status_int == 200
        assert '<input type="hidden" name="replace" value="1">' in res.text
        diff = re.search(r'<section[^>]*id="diff">(.*?)</section>', res.text, re.S).group(1)
        assert "+ 1</span> added" in diff and "new" in diff
        assert "~ 1</span> changed" in diff and "*/10 * * * *" in diff
        assert "&lt;script&gt;" in diff and XSS not in res.text
        assert "− 1</span> removed" in diff and "report" in diff
        assert "turned\n      <strong>off</strong>" in diff or "<strong>off</strong>" in diff
        assert "0 cron(s) unchanged." in diff
        assert self.dump(db) == before                       # a dry run
        res = alice.post("/sites/default/import", {"dump": text, "action": "apply",
                                                   "replace": "1"})
        assert res.status_int == 303
        assert "Imported: 1 added, 1 changed, 1 removed." in flashes(alice)
        after = self.dump(db)
        assert [c["uid"] for c in after["crons"]] == ["a" * 32, "c" * 32]
        assert after["crons"][0]["name"] == XSS and not after["activated"]
        assert len(after["crons"][0]["logs"]) == 7            # logs kept
        assert pending(db) == []                              # crontab off

    def test_keep_missing_and_unchanged(self, alice, db):
        data = self.dump(db)
        del data["crons"][1]
        res = alice.post("/sites/default/import", {"dump": json.dumps(data), "keep": "1"})
        assert "Nothing: the crontab already matches the dump." in res.text
        assert "1 cron(s) unchanged." in res.text and "Apply" not in res.text

    def test_apply_keeping(self, alice, db):
        """Keeping the other crons is the default: "replace" is asked for."""
        form = alice.get("/sites/default/import").text
        assert 'name="replace" value="1">' in form                 # not ticked
        text = json.dumps([{"uid": "c" * 32, "name": "hello", "periodicity": "@hourly"}])
        res = alice.post("/sites/default/import", {"dump": text})
        assert 'name="replace"' in res.text and 'name="replace" value="1" checked' not in res.text
        assert '<input type="hidden" name="replace"' not in res.text
        alice.post("/sites/default/import", {"dump": text, "action": "apply"})
        assert uids(db) == ["a" * 32, "b" * 32, "c" * 32]
        assert pending(db, "c" * 32) == [("schedule", datetime(2026, 3, 2, 10, 0, tzinfo=UTC))]

    def test_apply_reads_only_the_crons_it_changes(self, alice, db):
        """A cron the dump leaves alone is not re-read: its job taken out
        of the queue stays out; the added cron gets one."""
        from zcron.components import queue_for
        with db.transaction() as conn:
            queue = queue_for(get_root(conn))
            [job] = queue.pending("default", "a" * 32)
            queue.remove(job)
        text = json.dumps([{"uid": "c" * 32, "name": "new", "periodicity": "@hourly"}])
        alice.post("/sites/default/import", {"dump": text, "action": "apply"})
        assert pending(db) == [] and len(pending(db, "c" * 32)) == 1

    def test_collective_cron_dump(self, alice, db):
        legacy = [json.dumps({"uid": "d" * 32, "name": "hello", "periodicity": "0 1 * * *",
                              "activated": True,
                              "logs": [{"date": "2025-01-01 10:00:00", "status": 1,
                                        "messages": ["ok"]}]})]
        res = alice.post("/sites/default/import", {"dump": json.dumps(legacy), "keep": "1",
                                                   "action": "apply"})
        assert res.status_int == 303
        cron = cron_of(db, "d" * 32)
        assert cron["logs"][0]["status"] == "OK"

    @pytest.mark.parametrize("text, reason", [
        ("", "paste a dump or choose a file"), ("{not json", "malformed JSON"),
        ('{"crons": 3}', "a crontab must be an object"),
        ('[{"uid": "x", "name": "a", "periodicity": "* * * * *"}]', "uid"),
        ('[{"name": "a", "periodicity": "61 * * * *"}]', "outside 0-59")])
    def test_bad_dumps(self, alice, db, text, reason):
        before = self.dump(db)
        res = alice.post("/sites/default/import", {"dump": text, "action": "apply"})
        assert res.status_int == 422 and reason in unescape(res.text)
        assert self.dump(db) == before

    def test_too_large(self, alice, monkeypatch):
        from zcron.web import dumps
        monkeypatch.setattr(dumps, "DUMP_LIMIT", 10)
        res = alice.post("/sites/default/import", {"dump": "[" + " " * 20 + "]"})
        assert res.status_int == 422 and "larger than" in res.text
        assert 'id="dump"></textarea>' in res.text

    def test_upload(self, alice, db):
        text = json.dumps([{"uid": "c" * 32, "name": "hello", "periodicity": "@hourly"}])
        res = alice.post("/sites/default/import", {
            "file": ("dump.json", b"\xef\xbb\xbf" + text.encode()), "dump": "", "keep": "1"})
        assert res.status_int == 200 and "+ 1</span> added" in res.text
        res = alice.post("/sites/default/import", {"file": ("dump.json", b"\xff\xfe"), "dump": ""})
        assert res.status_int == 422 and "not UTF-8 text" in res.text
        res = alice.post("/sites/default/import", {"file": ("empty.json", b""), "dump": text,
                                                   "keep": "1"})
        assert "+ 1</span> added" in res.text


class TestImportUids:
    """The dashboard's import refuses a given uid that is not one (issue 15)."""

    @pytest.mark.parametrize("uid", [[], 0, False, {}, "xyz"])
    def test_bad_uid_refused(self, alice, db, uid):
        before = cron_of(db), uids(db)
        text = json.dumps([{"uid": uid, "name": "hello", "periodicity": "@hourly"}])
        res = alice.post("/sites/default/import", {"dump": text, "action": "apply",
                                                   "keep": "1"})
        assert res.status_int == 422
        assert f"invalid uid {uid!r}: expected 32 hexadecimal characters" in unescape(res.text)
        assert (cron_of(db), uids(db)) == before

    @pytest.mark.parametrize("item", [{}, {"uid": None}, {"uid": ""}])
    def test_absent_uid_gets_a_new_one(self, alice, db, item):
        text = json.dumps([dict(item, name="hello", periodicity="@hourly")])
        res = alice.post("/sites/default/import", {"dump": text, "action": "apply",
                                                   "keep": "1"})
        assert res.status_int == 303
        assert len(uids(db)) == 3
