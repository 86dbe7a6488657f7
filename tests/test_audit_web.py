"""zcron.web.history through Pyramid's router: the dashboard's changes are
by its user, for the note of the form; the History tabs of a site and a
cron, and undo from them (managers only, the CSRF token, a refusal's one
sentence, 422, nothing written).
"""
import json
import re

from zcron.audit.store import audit_of
from zcron.components import load_crontab

from test_web_forms import VALID
from web_support import (XSS, alice, app, components, cron_of, db, flashes,  # noqa: F401
                         ini, read, shared_app, victor)

HELLO = "a" * 32


def changes(db, site="default"):
    def brief(root):
        store = audit_of(root.sites[site])
        return [] if store is None else [
            (c.id, c.kind, c.name, c.who, c.note, c.fields)
            for c in reversed(store.newest())]
    return read(db, brief)


def test_edit_toggle_pause_delete_are_by_the_user(alice, db):
    url = f"/sites/default/crons/{HELLO}"
    res = alice.post(f"{url}/edit", dict(VALID, timeout="45", change_note="slower host"))
    assert res.status_int == 303
    alice.post(f"{url}/toggle", {"activated": "0"})
    alice.post(f"{url}/pause", {"note": "maintenance"})
    alice.post(f"{url}/delete", {"change_note": "gone for good"})
    found = changes(db)
    assert [c[:5] for c in found] == [
        (1, "edit", "hello", "alice", "slower host"),
        (2, "edit", "hello", "alice", ""),
        (3, "edit", "hello", "alice", "maintenance"),
        (4, "remove", "hello", "alice", "gone for good")]
    assert found[0][5]["timeout"] == [None, 45.0]
    assert found[1][5] == {"activated": [True, False]}


def test_a_refused_form_records_nothing(alice, db):
    res = alice.post(f"/sites/default/crons/{HELLO}/edit",
                     dict(VALID, periodicity="61 * * * *", change_note="x"))
    assert res.status_int == 422
    assert changes(db) == []


def test_import_records_each_cron(alice, db):
    dump = {"crons": [{"name": "new", "periodicity": "@daily"}]}
    alice.post("/sites/default/import", {"dump": json.dumps(dump), "keep": "1",
                                         "action": "apply", "change_note": "release 7"})
    assert [c[1:5] for c in changes(db)] == [("add", "new", "alice", "release 7")]


def test_history_pages(alice, victor, db):
    alice.post(f"/sites/default/crons/{HELLO}/pause", {"note": XSS})
    alice.post(f"/sites/default/crons/{'b' * 32}/toggle", {"activated": "1"})
    page = victor.get("/sites/default/history")
    assert page.status_int == 200
    assert page.text.count('class="change"') == 2
    assert 'data-change="2" data-kind="edit"' in page.text
    assert "edit report: activated false -&gt; true" in page.text
    assert XSS not in page.text and "&lt;script&gt;" in page.text
    one = victor.get(f"/sites/default/crons/{HELLO}/history").text
    assert one.count('class="change"') == 1 and "History of hello" in one
    assert 'href="http://localhost/sites/default/history"' in victor.get("/sites/default").text
    assert f'href="http://localhost/sites/default/crons/{HELLO}/history"' in \
        victor.get(f"/sites/default/crons/{HELLO}/logs").text


def test_history_of_a_site_without_changes(victor, db):
    assert 'id="no-changes"' in victor.get("/sites/empty/history").text
    assert victor.get("/sites/nosuch/history").status_int == 404
    assert victor.get(f"/sites/default/crons/{'c' * 32}/history").status_int == 404


def test_the_edit_form_has_a_note_field(alice):
    page = alice.get(f"/sites/default/crons/{HELLO}/edit").text
    assert 'name="change_note"' in page


def test_undo_from_the_history_tab(alice, victor, db):
    url = f"/sites/default/crons/{HELLO}"
    alice.post(f"{url}/edit", dict(VALID, timeout="45"))
    page = alice.get(f"{url}/history").text
    assert 'action="http://localhost/sites/default/history/1/undo"' in page
    assert "/undo" not in victor.get(f"{url}/history").text
    res = alice.post("/sites/default/history/1/undo",
                     {"uid": HELLO, "came_from": f"{url}/history", "change_note": "too short"})
    assert res.status_int == 303 and res.location.endswith(f"{url}/history")
    assert "Change 1 is undone (edit hello: catchup_window 3600 -> 600," in flashes(alice)
    assert cron_of(db)["timeout"] is None
    assert changes(db)[-1][1:5] == ("edit", "hello", "alice", "undo of change 1: too short")


def test_undo_refused_shows_the_sentence_and_writes_nothing(alice, db):
    url = f"/sites/default/crons/{HELLO}"
    alice.post(f"{url}/edit", dict(VALID, timeout="45"))
    alice.post(f"{url}/edit", dict(VALID, timeout="50"))
    before = (cron_of(db), changes(db))
    res = alice.post("/sites/default/history/1/undo", {"uid": HELLO})
    assert res.status_int == 422
    error = re.search(r'id="undo-error">(.*?)</p>', res.text, re.S).group(1)
    assert error == "invalid change 1: change 2 (edit of hello by alice) changed " \
                    "timeout since: undo it first", error
    assert "History of hello" in res.text
    assert alice.post("/sites/default/history/99/undo").status_int == 422
    assert alice.post("/sites/default/history/x/undo").status_int == 422
    assert (cron_of(db), changes(db)) == before


def test_undo_needs_a_manager_and_the_token(alice, victor, db):
    alice.post(f"/sites/default/crons/{HELLO}/toggle", {"activated": "0"})
    assert victor.post("/sites/default/history/1/undo").status_int == 403
    assert alice.post("/sites/default/history/1/undo", csrf=False).status_int == 403
    assert cron_of(db)["activated"] is False and len(changes(db)) == 1


def test_calendar_changes_are_by_the_user(alice, db):
    form = {"name": "holidays", "dates": "2026-12-25", "change_note": "xmas"}
    assert 'name="change_note"' in alice.get("/sites/default/calendars").text
    assert alice.post("/sites/default/calendars", form).status_int == 303
    alice.post("/sites/default/calendars", dict(form, editing="holidays", dates="2026-12-26",
                                                change_note=""))
    alice.post("/sites/default/calendars/holidays/remove", {"change_note": "open"})
    assert [c[:5] for c in changes(db)] == [
        (1, "add", "calendar holidays", "alice", "xmas"),
        (2, "edit", "calendar holidays", "alice", ""),
        (3, "remove", "calendar holidays", "alice", "open")]
    assert changes(db)[1][5] == {"dates": [["2026-12-25"], ["2026-12-26"]]}
    assert alice.post("/sites/default/history/3/undo").status_int == 303
    assert read(db, lambda root: sorted(load_crontab(root.sites["default"]).calendars())) \
        == ["holidays"]
