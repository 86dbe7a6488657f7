"""What the tests of the wall-clock kinds (daily, weekly, monthly) share:
the tests every kind passes, driven by its tables (``WallKindTests``), and
the PeriodicityContract over a kind's texts in four zones."""
from datetime import datetime

import pytest
from zope.interface.verify import verifyObject

from zcron.exceptions import InvalidInput
from zcron.interfaces import IPeriodicityKind
from zcron.periodicity import get_periodicity, kind_for
from zcron.testing import PeriodicityContract

ZONES = ("UTC", "Europe/Zurich", "America/New_York", "Australia/Lord_Howe")


def next_fire(text, zone, after):
    """The next fire time after the ISO instant ``after``, as ISO text."""
    fire = get_periodicity(text, zone).next_fire_time(datetime.fromisoformat(after))
    return fire.isoformat()


def refusal(text):
    """The one line with which ``text`` is refused."""
    with pytest.raises(InvalidInput) as info:
        get_periodicity(text, "Europe/Zurich")
    assert info.value.field == "periodicity" and info.value.value == text
    message = str(info.value)
    assert "\n" not in message
    return message


def contract(texts, max_gap):
    """A PeriodicityContract test class run on each text in each of ZONES."""
    cases = [(text, zone) for text in texts for zone in ZONES]

    class Contract(PeriodicityContract):
        @pytest.fixture(autouse=True, params=cases, ids=[f"{t} {z}" for t, z in cases])
        def _case(self, request):
            self.text, self.zone = request.param

        def make_periodicity(self):
            return kind_for(self.text).periodicity(self.text, self.zone)

        def make_other_periodicity(self):
            return kind_for(self.text).periodicity(self.text, "Asia/Tokyo")

    Contract.max_gap = max_gap
    return Contract


def refused_in_a_crontab(tmp_path, text):
    """Adding a cron of ``text`` to a stored crontab is refused, and the
    database, reopened, holds the crontab as it was."""
    from zcron.components import load_crontab
    from zcron.db import Session, open_db
    from zcron.model import Cron, CronSite
    uri = f"file://{tmp_path}/Data.fs"
    db = open_db(uri)
    try:
        with Session(db) as s:
            crontab = load_crontab(s.root.add_site(CronSite("kept")))
            crontab.add_cron(Cron("job", "every day at 09:00"))
            crontab.save()
            s.tm.commit()
            expected = crontab.dump()
            with pytest.raises(InvalidInput):
                crontab.add_cron(Cron("bad", text))
    finally:
        db.close()
    db = open_db(uri)
    try:
        with Session(db) as s:
            assert load_crontab(s.root.get_site("kept")).dump() == expected
    finally:
        db.close()


class WallKindTests:
    """What every wall-clock kind passes. A subclass sets ``kind``, its
    tables -- ``cases`` (text, zone, after, next fire time, both ISO),
    ``described`` (text, describe()), ``refused`` (text, the reason given)
    -- the texts it ``recognises`` and those it ``ignores``, and ``folded``:
    a text in mixed case and blanks and the text stored for it."""

    kind = None
    cases = described = refused = recognises = ignores = folded = ()

    def pytest_generate_tests(self, metafunc):
        tables = {"test_next_fire_time": ("text, zone, after, expected", self.cases),
                  "test_describe": ("text, described", self.described),
                  "test_bad_text_refused_in_one_line": ("text, reason", self.refused)}
        if metafunc.function.__name__ in tables:
            metafunc.parametrize(*tables[metafunc.function.__name__])

    def test_next_fire_time(self, text, zone, after, expected):
        assert next_fire(text, zone, after) == expected

    def test_describe(self, text, described):
        assert get_periodicity(text).describe() == described

    def test_bad_text_refused_in_one_line(self, text, reason):
        assert refusal(text) == f"invalid periodicity {text!r}: {reason}"

    def test_bad_text_leaves_the_database_unchanged(self, tmp_path, zca):
        refused_in_a_crontab(tmp_path, self.refused[0][0])

    def test_text_stored_folded(self):
        messy, stored = self.folded
        periodicity = self.kind.periodicity(messy, "Europe/Zurich")
        assert periodicity.expression == stored
        assert periodicity == get_periodicity(stored, "Europe/Zurich")
        assert hash(periodicity) == hash(get_periodicity(stored, "Europe/Zurich"))

    def test_the_kind(self):
        name = self.kind.periodicity(self.kind.example).kind
        assert verifyObject(IPeriodicityKind, self.kind)
        assert self.kind.title and "every" in self.kind.words
        for text in self.recognises:
            assert self.kind.recognises(text) and kind_for(text) is self.kind, text
            assert get_periodicity(text).kind == name
        for text in self.ignores:
            assert not self.kind.recognises(text), text

    def test_registered(self, zca):
        from zcron.components import registered_periodicity_kinds
        name = self.kind.periodicity(self.kind.example).kind
        assert registered_periodicity_kinds()[name] is self.kind
