"""zcron.web.backfill through Pyramid's router: a cron's backfill previewed
as its count, queued, cancelled; a bad range refused (422, nothing queued)."""
import pytest

from web_support import (alice, app, components, cron_of, db, flashes, ini,  # noqa: F401
                         pending, read, shared_app, victor)
from test_web_forms import VALID
from zcron.components import queue_for

URL = "/sites/default/crons/" + "a" * 32 + "/backfill"
# 08:00 to 09:00 in Zurich (07:00 to 08:00 UTC) for a cron every 5 minutes: 13 fire times
RANGE = {"start": "2026-03-02T08:00", "end": "2026-03-02T09:00"}


def backfill_fires(db):
    return read(db, lambda root: sorted(
        j.fire_time.isoformat() for j in queue_for(root).pending("default", "a" * 32)
        if j.kind == "backfill"))


class TestBackfillPage:
    def test_offered_on_the_crons_page(self, alice):
        page = alice.get("/sites/default/crons/" + "a" * 32 + "/logs").text
        assert 'id="backfill-link"' in page and URL in page

    def test_preview_counts_and_writes_nothing(self, alice, db):
        before = pending(db)
        res = alice.post(URL, dict(RANGE, action="preview"))
        assert res.status_int == 200
        assert '<strong id="backfill-count">13</strong>' in res.text
        assert "Backfill 13 runs" in res.text and "… and 3 more" in res.text
        assert pending(db) == before

    def test_run_queues_them_and_cancel_removes_them(self, alice, db):
        res = alice.post(URL, dict(RANGE, action="run"))
        assert res.status_int == 303 and res.location.endswith("/logs")
        fires = backfill_fires(db)
        assert len(fires) == 13
        assert (fires[0], fires[-1]) == ("2026-03-02T07:00:00+00:00", "2026-03-02T08:00:00+00:00")
        assert "13 backfill runs of hello are queued" in flashes(alice)
        assert "0 backfill run(s) going on, 13 waiting." in alice.get(URL).text
        alice.post(URL, {"action": "cancel"})
        assert backfill_fires(db) == []
        assert "13 backfill runs of hello not started are cancelled." in flashes(alice)

    @pytest.mark.parametrize("data,words", [
        ({"start": "2026-03-02T09:00", "end": "2026-03-02T08:00"}, "is before --from"),
        ({"start": "2026-02-01T00:00", "end": "2026-03-01T00:00"}, "more than 1,000"),
        ({"start": "soon", "end": "2026-03-01T00:00"}, "invalid from"),
        ({"start": "", "end": "2026-03-01T00:00"}, "from"),
    ])
    def test_a_bad_range_is_422_and_nothing_queued(self, alice, db, data, words):
        before = pending(db)
        for action in ("preview", "run"):
            res = alice.post(URL, dict(data, action=action))
            assert res.status_int == 422 and words in res.text
        assert pending(db) == before

    def test_more_than_a_thousand_with_the_maximum(self, alice, db):
        alice.post(URL, {"start": "2026-02-01T00:00", "end": "2026-03-01T00:00",
                         "max": "1", "action": "run"})
        assert len(backfill_fires(db)) == 1000

    def test_viewers_may_not(self, victor, db):
        assert victor.get(URL).status_int == 403
        assert victor.post(URL, dict(RANGE, action="run")).status_int == 403
        assert backfill_fires(db) == []


def test_the_pause_form_says_a_pause_with_an_end_lifts_itself(alice):
    assert "A pause with an end lifts itself" in alice.get("/sites/default").text


class TestBreakerField:
    EDIT = "/sites/default/crons/" + "a" * 32 + "/edit"

    def test_set_shown_and_cleared(self, alice, db):
        assert alice.post(self.EDIT, dict(VALID, pause_after_failures="3")).status_int == 303
        assert cron_of(db)["pause_after_failures"] == 3
        assert 'name="pause_after_failures" inputmode="numeric" value="3"' in alice.get(
            self.EDIT).text
        alice.post(self.EDIT, dict(VALID, pause_after_failures=""))
        assert cron_of(db)["pause_after_failures"] is None

    @pytest.mark.parametrize("value", ["0", "-2", "1.5", "many"])
    def test_refused(self, alice, db, value):
        before = cron_of(db)
        res = alice.post(self.EDIT, dict(VALID, pause_after_failures=value))
        assert res.status_int == 422 and "pause_after_failures" in res.text
        assert cron_of(db) == before
