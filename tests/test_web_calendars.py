"""zcron.web.calendars through Pyramid's router: a site's calendars page,
adding, editing and removing calendars, who may, and bad input.
"""
from datetime import datetime
from html import unescape

from zcron.components import load_crontab
from zcron.db import get_root
from zcron.model.calendar import Calendar

from web_support import (UTC, alice, app, components, db, flashes, ini, pending,  # noqa: F401
                         read, shared_app, victor)

HOLIDAYS = {"name": "holidays", "dates": "2026-03-03\n\n2026-12-25",
            "ranges": "2026-08-01..2026-08-15", "yearly": "01-01",
            "blackouts": "every day at 02:00 for 1h"}


def calendars(db, site="default"):
    return read(db, lambda root: {n: c.dump() for n, c in
                                  load_crontab(root.sites[site]).calendars().items()})


def add_calendar(db, name="holidays", uses=(), **rules):
    """A calendar in the default site, skipped by the crons ``uses``."""
    with db.transaction() as conn:
        crontab = load_crontab(get_root(conn).sites["default"])
        crontab.set_calendar(Calendar(name, **rules))
        for uid in uses:
            crontab.get(uid).edit(exclude=[name])
        crontab.save()


class TestPage:
    def test_linked_from_the_crontab_page(self, alice):
        assert 'href="http://localhost/sites/default/calendars"' in alice.get("/sites/default").text

    def test_lists_the_calendars_and_their_users(self, alice, db):
        add_calendar(db, dates=["2026-12-25"], blackouts=["every day at 02:00 for 1h"],
                     uses=["a" * 32])
        page = alice.get("/sites/default/calendars").text
        row = page[page.index('id="calendar-holidays"'):]
        assert "<code class=\"rule\">2026-12-25</code>" in row
        assert "every day at 02:00 for 1h" in row and "hello" in row
        assert 'id="calendar-form"' in page

    def test_empty(self, alice):
        assert "No calendar yet." in alice.get("/sites/empty/calendars").text

    def test_viewer_sees_no_forms(self, victor, db):
        add_calendar(db, dates=["2026-12-25"])
        page = victor.get("/sites/default/calendars").text
        assert "2026-12-25" in page and 'id="calendar-form"' not in page and "Remove" not in page
        assert victor.post("/sites/default/calendars", HOLIDAYS).status_int == 403
        assert victor.post("/sites/default/calendars/holidays/remove").status_int == 403
        assert set(calendars(db)) == {"holidays"}

    def test_edit_form_is_filled(self, alice, db):
        add_calendar(db, dates=["2026-12-25", "2026-12-26"])
        page = alice.get("/sites/default/calendars?edit=holidays").text
        assert "2026-12-25\n2026-12-26</textarea>" in page
        assert 'name="editing" value="holidays"' in page and "Edit holidays" in page

    def test_unknown_site(self, alice):
        assert alice.get("/sites/nope/calendars").status_int == 404


class TestSave:
    def test_add(self, alice, db):
        res = alice.post("/sites/default/calendars", HOLIDAYS)
        assert res.status_int == 303 and "The calendar holidays is saved." in flashes(alice)
        saved = calendars(db)["holidays"]
        assert saved["dates"] == ["2026-03-03", "2026-12-25"]      # blank lines dropped
        assert saved["ranges"] == ["2026-08-01..2026-08-15"] and saved["yearly"] == ["01-01"]
        assert saved["blackouts"] == ["every day at 02:00 for 1h"]

    def test_edit_requeues_its_users(self, alice, db):
        add_calendar(db, dates=["2026-03-03"], uses=["a" * 32])
        before = pending(db)
        res = alice.post("/sites/default/calendars",
                         {"name": "holidays", "editing": "holidays", "dates": "2026-03-02"})
        assert res.status_int == 303
        assert calendars(db)["holidays"]["dates"] == ["2026-03-02"]
        # the 2nd, on hello's wall clock (Europe/Zurich), is skipped now
        assert before[0][1] == datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
        assert pending(db)[0][1] == datetime(2026, 3, 2, 23, 0, tzinfo=UTC)

    def test_a_taken_name_is_refused(self, alice, db):
        add_calendar(db, dates=["2026-12-25"])
        res = alice.post("/sites/default/calendars", dict(HOLIDAYS, dates="2026-01-01"))
        assert res.status_int == 422 and "is already a calendar of this site" in unescape(res.text)
        assert calendars(db)["holidays"]["dates"] == ["2026-12-25"]

    def test_bad_input_is_shown_beside_its_field(self, alice, db):
        cases = [("name", "no name!", "invalid calendar 'no name!'"),
                 ("dates", "2026-13-01", "invalid date '2026-13-01': expected a date YYYY-MM-DD"),
                 ("ranges", "2026-08-15..2026-08-01", "FIRST not after LAST"),
                 ("yearly", "02-30", "invalid yearly '02-30'"),
                 ("blackouts", "every day at 02:00", "expected 'SCHEDULE for DURATION'"),
                 ("blackouts", "every fortnight for 1h", "invalid blackout")]
        for field, value, sentence in cases:
            res = alice.post("/sites/default/calendars", dict(HOLIDAYS, **{field: value}))
            assert res.status_int == 422, field
            page = unescape(res.text)
            error = page[page.index(f'data-error-for="{field}"'):][:300]
            assert sentence in error, (field, error)
            assert value in page               # the form is shown again as typed
        assert calendars(db) == {}

    def test_read_only_site_is_refused(self, alice, db):
        res = alice.post("/sites/ro/calendars", HOLIDAYS)
        assert res.status_int == 303 and "read-only" in flashes(alice)
        assert calendars(db, "ro") == {}

    def test_csrf_is_required(self, alice, db):
        assert alice.post("/sites/default/calendars", HOLIDAYS, csrf=False).status_int == 403
        assert calendars(db) == {}


class TestRemove:
    def test_remove(self, alice, db):
        add_calendar(db, dates=["2026-12-25"])
        res = alice.post("/sites/default/calendars/holidays/remove")
        assert res.status_int == 303 and "The calendar holidays is removed." in flashes(alice)
        assert calendars(db) == {}

    def test_refused_while_a_cron_skips_it(self, alice, db):
        add_calendar(db, dates=["2026-12-25"], uses=["a" * 32])
        alice.post("/sites/default/calendars/holidays/remove")
        assert "Not removed: invalid calendar 'holidays': still excluded by the crons hello." \
            in flashes(alice)
        assert set(calendars(db)) == {"holidays"}

    def test_unknown_calendar(self, alice, db):
        alice.post("/sites/default/calendars/nope/remove")
        assert "no such calendar in site 'default'" in flashes(alice)


def test_calendars_survive_an_export(alice, db):
    add_calendar(db, dates=["2026-12-25"])
    dump = alice.get("/sites/default/export.json").json
    assert dump["calendars"][0]["name"] == "holidays"
