"""Kinds of schedule text, found through the component registry: the cron
kind is built in (and registered by configure.zcml), a host adds or replaces
a kind by registering a named IPeriodicityKind utility, and
``get_periodicity`` never answers from its cache with a kind no longer
registered."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from zope.interface import implementer

from zcron.exceptions import InvalidInput
from zcron.interfaces import IPeriodicity
from zcron.periodicity.base import Periodicity, PeriodicityKind, check_aware
from zcron.periodicity.zone import load_zone

UTC = timezone.utc
AFTER = datetime(2026, 3, 1, 10, 0, 3, tzinfo=UTC)
FIELD_COUNT = ("expected 5 fields (minute hour day-of-month month day-of-week) "
               "or 6 with seconds first")


# -- a tiny kind, as a host would write one -----------------------------------

@implementer(IPeriodicity)
class EverySeconds(Periodicity):
    """Each N seconds, counted from the epoch."""

    kind = "each"
    TEXT = re.compile(r"each (\d+) seconds?")

    def __init__(self, text, timezone="UTC"):
        normalised = " ".join(text.split())
        match = self.TEXT.fullmatch(normalised.lower())
        if not match or int(match.group(1)) < 1:
            raise InvalidInput("periodicity", text, "expected 'each N seconds', N >= 1")
        super().__init__(normalised, timezone)
        self.tzinfo = load_zone(timezone)
        self.step = int(match.group(1))

    def next_fire_time(self, after):
        check_aware("after", after)
        seconds = int(after.timestamp()) // self.step * self.step + self.step
        return datetime.fromtimestamp(seconds, self.tzinfo)

    def describe(self):
        return f"each {self.step} seconds"


class EveryKind(PeriodicityKind):
    words = ("each",)
    title = "interval"
    example = "each 30 seconds"

    def periodicity(self, text, timezone="UTC"):
        return EverySeconds(text, timezone)


EVERY = EveryKind()


class Named(PeriodicityKind):
    """Recognises texts starting with ``word``; builds nothing."""

    def __init__(self, word):
        self.words = (word,)
        self.title = word

    def periodicity(self, text, timezone="UTC"):
        return (self.title, text, timezone)


def register(kind, name):
    from zcron.config import add_periodicity_kind
    add_periodicity_kind(name, kind)


def unregister(kind, name):
    from zope.component import getGlobalSiteManager
    from zcron.interfaces import IPeriodicityKind
    assert getGlobalSiteManager().unregisterUtility(kind, IPeriodicityKind, name=name)


@pytest.fixture
def every(clean_zca):
    """EVERY registered as 'each', unregistered afterwards."""
    register(EVERY, "each")
    yield EVERY
    unregister(EVERY, "each")


def get_periodicity(*args, **kw):
    from zcron.periodicity import get_periodicity
    return get_periodicity(*args, **kw)


def kinds():
    from zcron.periodicity import kinds
    return kinds()


def names_with(*added):
    """The names kinds() lists: the built-in ones and ``added``, by name,
    the fallback last."""
    from zcron.periodicity import BUILTIN_KINDS
    return sorted({*BUILTIN_KINDS, *added} - {"cron"}) + ["cron"]


def assert_cron_error(text, reason):
    from zcron.exceptions import InvalidCronExpression
    with pytest.raises(InvalidCronExpression) as info:
        get_periodicity(text)
    assert str(info.value) == f"invalid cron expression {text!r}: {reason}"
    assert info.value.field == "cron expression" and info.value.value == text


# -- the interface and the cron kind ------------------------------------------

class TestCronKind:

    def test_interface_documented(self):
        from zcron.interfaces import IPeriodicityKind
        assert IPeriodicityKind.__doc__.strip()
        assert sorted(IPeriodicityKind.names()) == [
            "example", "periodicity", "recognises", "title"]
        for member in IPeriodicityKind.names():
            assert IPeriodicityKind[member].getDoc().strip(), member

    def test_provides_interface(self):
        from zope.interface.verify import verifyClass, verifyObject
        from zcron.interfaces import IPeriodicityKind
        from zcron.periodicity import CRON, CronKind
        assert verifyObject(IPeriodicityKind, CRON)
        assert verifyClass(IPeriodicityKind, CronKind)
        assert verifyObject(IPeriodicityKind, EVERY)

    def test_builds_cron_periodicities(self):
        from zcron.periodicity import CRON, CronPeriodicity
        built = CRON.periodicity(" */5  * * * *", "Europe/Zurich")
        assert built == CronPeriodicity("*/5 * * * *", "Europe/Zurich")
        assert built.kind == "cron" and built.expression == "*/5 * * * *"
        assert CRON.periodicity("@daily").timezone == "UTC"
        assert CRON.title == "cron expression"
        assert CRON.periodicity(CRON.example)

    @pytest.mark.parametrize("text", [
        "* * * * *", "*/5 * * * *", "0 8 * * MON", "  15 * * * * *", "@daily",
        "@reboot", "61 * * * *"])
    def test_recognises_cron_texts(self, text):
        from zcron.periodicity import CRON
        assert CRON.recognises(text)

    @pytest.mark.parametrize("text", [
        "every 15 minutes", "once at 2026-12-24T18:00", "weekly on mon at 09:00",
        "", "   ", None, 5, ["*"]])
    def test_leaves_other_texts(self, text):
        from zcron.periodicity import CRON
        assert not CRON.recognises(text)

    def test_equality_and_hash_include_the_kind(self):
        from zcron.periodicity import CronPeriodicity
        cron = CronPeriodicity("* * * * *")
        other = Periodicity("* * * * *", "UTC")
        other.kind = "other"
        assert cron._key() == ("cron", "* * * * *", "UTC")
        assert cron != other and hash(cron) != hash(other)

    def test_leading_word_base(self):
        from zcron.periodicity.base import leading_word
        assert leading_word("  EVERY 5 minutes") == "every"
        assert leading_word("Once") == "once"
        assert leading_word("") == leading_word(" \t") == leading_word(None) == ""
        assert EVERY.recognises("Each 7 Seconds") and EVERY.recognises("each")
        assert not EVERY.recognises("eachday") and not EVERY.recognises(None)
        with pytest.raises(NotImplementedError):
            PeriodicityKind().periodicity("x")
        assert repr(EVERY) == "<EveryKind 'interval'>"


# -- with no kinds registered: the built-ins ----------------------------------

class TestEmptyRegistry:

    def test_builtin_kinds(self, clean_zca):
        from zcron.periodicity import BUILTIN_KINDS, CRON
        from zcron.periodicity.interval import INTERVAL
        from zcron.periodicity.once import ONCE
        assert BUILTIN_KINDS["cron"] is CRON
        assert BUILTIN_KINDS["interval"] is INTERVAL and BUILTIN_KINDS["once"] is ONCE
        assert kinds() == BUILTIN_KINDS and list(kinds())[-1] == "cron"

    def test_cron_texts(self, clean_zca):
        periodicity = get_periodicity("*/5 * * * *", "Europe/Zurich")
        assert periodicity.kind == "cron"
        fire = periodicity.next_fire_time(AFTER)
        assert fire == datetime(2026, 3, 1, 10, 5, tzinfo=UTC)

    def test_errors_are_todays(self, clean_zca):
        assert_cron_error("61 * * * *", "the minute field '61' has a value outside 0-59")
        assert_cron_error("daily at 8", f"{FIELD_COUNT}, got 3")
        assert_cron_error("", "it is empty")

    def test_cron_model_without_zcml(self, clean_zca):
        from zcron.model import Cron
        cron = Cron("job", " 0  8 * * MON", timezone="Europe/Zurich")
        assert cron.periodicity == "0 8 * * MON"
        assert cron.get_periodicity().kind == "cron"


# -- configure.zcml -------------------------------------------------------------

class TestZCML:

    def test_registers_the_cron_kind(self, zca):
        from zope.component import getUtility
        from zcron.interfaces import IPeriodicityKind
        from zcron.periodicity import CRON
        from zcron.periodicity import BUILTIN_KINDS
        assert getUtility(IPeriodicityKind, name="cron") is CRON
        for name, kind in BUILTIN_KINDS.items():
            assert getUtility(IPeriodicityKind, name=name) is kind
        assert kinds() == BUILTIN_KINDS
        assert get_periodicity("0 8 * * *").kind == "cron"

    def test_a_host_adds_a_kind_with_one_line(self, clean_zca):
        from zope.configuration import xmlconfig
        xmlconfig.string(f'''
            <configure xmlns="http://namespaces.zope.org/zope">
              <include package="zcron" />
              <utility component="{__name__}.EVERY" name="each"
                       provides="zcron.interfaces.IPeriodicityKind" />
            </configure>''')
        assert list(kinds()) == names_with("each")
        assert get_periodicity("each 7 seconds").kind == "each"
        assert get_periodicity("* * * * *").kind == "cron"


# -- a registered kind ------------------------------------------------------------

class TestRegisteredKind:

    def test_found_by_its_leading_word_in_any_case(self, every):
        periodicity = get_periodicity("Each  7 SECONDS", "Europe/Zurich")
        assert isinstance(periodicity, EverySeconds)
        assert periodicity.kind == "each" and periodicity.step == 7
        assert periodicity.expression == "Each 7 SECONDS"
        again = get_periodicity("Each  7 SECONDS", timezone="Europe/Zurich")
        assert again is periodicity

    def test_other_texts_still_cron(self, every):
        from zcron.periodicity import CRON, kind_for
        assert get_periodicity("*/5 * * * *").kind == "cron"
        assert kind_for("@hourly") is CRON
        assert kind_for("each 7 seconds") is EVERY
        # no kind recognises it: the fallback reads it, with today's error
        assert kind_for("daily at 8") is CRON
        assert_cron_error("daily at 8", f"{FIELD_COUNT}, got 3")

    def test_its_own_errors(self, every):
        with pytest.raises(InvalidInput) as info:
            get_periodicity("each 0 seconds")
        assert info.value.field == "periodicity"
        assert str(info.value) == ("invalid periodicity 'each 0 seconds': "
                                   "expected 'each N seconds', N >= 1")
        from zcron.exceptions import UnknownTimezone
        with pytest.raises(UnknownTimezone):
            get_periodicity("each 7 seconds", "Mars/Olympus")

    def test_used_by_a_cron(self, every):
        from zcron.model import Cron
        cron = Cron("job", "each 7 seconds")
        assert cron.periodicity == "each 7 seconds"
        assert cron.get_periodicity().kind == "each"
        # AFTER is 1772359203 s after the epoch; the next multiple of 7 is
        # 1772359204: from the test kind, not cron ("each 7 seconds" is no
        # cron expression)
        fire = cron.next_fire_time(AFTER)
        assert fire == datetime(2026, 3, 1, 10, 0, 4, tzinfo=UTC)
        assert fire.timestamp() % 7 == 0
        assert list(cron.get_periodicity().fire_times(AFTER, n=3)) == [
            fire, fire + timedelta(seconds=7), fire + timedelta(seconds=14)]
        cron.edit(periodicity="0 8 * * *")
        assert cron.get_periodicity().kind == "cron"
        with pytest.raises(InvalidInput) as info:
            cron.edit(periodicity="each -1 seconds")
        assert info.value.field == "periodicity"
        assert cron.periodicity == "0 8 * * *"

    def test_crontab_find_reads_the_kind(self, every):
        from zcron.model import Cron, Crontab
        crontab = Crontab()
        crontab.add_cron(Cron("job", "each 7 seconds"))
        assert [c.name for c in crontab.find(periodicity="each  7 seconds")] == ["job"]


class TestOrder:

    def test_by_name_fallback_last(self, clean_zca):
        from zcron.periodicity import CRON
        for name in ("zz", "once", "a"):
            register(Named(name), name)
        assert list(kinds()) == names_with("a", "once", "zz")
        assert kinds()["cron"] is CRON

    def test_first_recognising_wins(self, clean_zca):
        from zcron.periodicity import kind_for
        second, first = Named("every"), Named("every")
        register(second, "b-every")
        register(first, "a-every")
        assert kind_for("every 5 minutes") is first
        assert get_periodicity("every 5 minutes") == ("every", "every 5 minutes", "UTC")

    def test_asked_before_cron(self, clean_zca):
        from zcron.periodicity import kind_for
        at = Named("@reboot")
        register(at, "reboot")
        assert kind_for("@reboot") is at
        assert kind_for("@daily").title == "cron expression"

    def test_cron_replaced_by_name(self, clean_zca):
        from zcron.periodicity import BUILTIN_KINDS, kind_for
        host = Named("cron")
        register(host, "cron")
        assert kinds() == dict(BUILTIN_KINDS, cron=host)
        # the host's cron kind is the fallback now
        assert kind_for("* * * * *") is host
        assert get_periodicity("* * * * *") == ("cron", "* * * * *", "UTC")
        unregister(host, "cron")
        assert kinds() == BUILTIN_KINDS
        assert get_periodicity("* * * * *").kind == "cron"


# -- the cache follows the registry -----------------------------------------------

class TestCache:

    def test_a_registration_after_a_lookup_is_seen(self, clean_zca):
        assert_cron_error("each 7 seconds", f"{FIELD_COUNT}, got 3")
        cron = get_periodicity("*/5 * * * *")
        assert get_periodicity("*/5 * * * *") is cron
        register(EVERY, "each")
        assert get_periodicity("each 7 seconds").kind == "each"
        assert get_periodicity("*/5 * * * *") == cron
        unregister(EVERY, "each")
        assert_cron_error("each 7 seconds", f"{FIELD_COUNT}, got 3")

    def test_a_cached_kind_is_forgotten_when_unregistered(self, clean_zca):
        register(EVERY, "each")
        assert get_periodicity("each 7 seconds").kind == "each"
        unregister(EVERY, "each")
        assert_cron_error("each 7 seconds", f"{FIELD_COUNT}, got 3")

    def test_a_registry_reset_is_seen(self, clean_zca):
        # zope.component.testing.setUp wipes the registry without events
        from zope.component.testing import setUp
        register(EVERY, "each")
        assert get_periodicity("each 7 seconds").kind == "each"
        setUp()
        assert_cron_error("each 7 seconds", f"{FIELD_COUNT}, got 3")


# -- a text of no known form, starting with a kind's word ---------------------------

class Ticks(PeriodicityKind):
    """Recognises 'tick N' only, though it declares the word 'tick'."""

    words = ("tick",)
    title = "ticks"

    def __init__(self, example):
        self.example = example

    def recognises(self, text):
        return re.fullmatch(r"tick \d+", " ".join(str(text).split()).lower()) is not None

    def periodicity(self, text, timezone="UTC"):
        return ("ticks", text, timezone)


def assert_unknown_form(text, examples):
    with pytest.raises(InvalidInput) as info:
        get_periodicity(text)
    assert info.value.field == "periodicity" and info.value.value == text
    assert str(info.value) == (f"invalid periodicity {text!r}: expected a schedule "
                               f"like {examples}")


class TestUnknownForm:

    def test_lists_the_examples_of_the_kinds_declaring_its_word(self, clean_zca):
        register(Ticks("tick 5"), "ticks")
        register(Ticks("tick 10"), "a-ticks")
        assert_unknown_form("tick tock", "'tick 10', 'tick 5'")
        assert_unknown_form("  TICK  ", "'tick 10', 'tick 5'")
        assert get_periodicity("tick 7") == ("ticks", "tick 7", "UTC")
        # a word no kind declares still reaches cron, with its error
        assert_cron_error("tock tick", f"{FIELD_COUNT}, got 2")

    def test_every_and_once(self, zca):
        every = ", ".join(repr(kind.example) for kind in kinds().values()
                          if "every" in getattr(kind, "words", ()))
        assert "'every 15 minutes'" in every
        assert_unknown_form("every fortnight", every)
        assert_unknown_form("Every  Fortnight", every)
        assert_unknown_form("every", every)
        assert_unknown_form("every 15 fortnights", every)

    def test_a_recognised_text_gets_its_kinds_error(self, zca):
        with pytest.raises(InvalidInput) as info:
            get_periodicity("once upon a time")
        assert str(info.value).startswith("invalid periodicity 'once upon a time': "
                                          "expected 'once at' and a date and time")
        with pytest.raises(InvalidInput) as info:
            get_periodicity("every 0 minutes")
        assert str(info.value) == ("invalid periodicity 'every 0 minutes': "
                                   "the interval must be at least 1 minute")
        from zcron.periodicity.interval import EXPECTED
        with pytest.raises(InvalidInput) as info:
            get_periodicity("every 15 minutes please")
        assert str(info.value) == f"invalid periodicity 'every 15 minutes please': {EXPECTED}"

    def test_cron_texts_keep_their_messages(self, zca):
        assert_cron_error("61 * * * *", "the minute field '61' has a value outside 0-59")
        assert_cron_error("fortnightly", f"{FIELD_COUNT}, got 1")

    def test_the_database_is_unchanged(self, tmp_path, zca):
        import transaction
        from zcron.components import load_crontab
        from zcron.db import Session, open_db
        from zcron.model import Cron, CronSite
        uri = f"file://{tmp_path}/Data.fs"
        db = open_db(uri)
        session = Session(db)
        crontab = load_crontab(session.root.add_site(CronSite("default")))
        crontab.add_cron(Cron("job", "every 15 minutes"))
        crontab.save()
        session.tm.commit()
        for text in ("every fortnight", "once at 2026-02-30 10:00"):
            with pytest.raises(InvalidInput):
                crontab.add_cron(Cron("job", text))
        with pytest.raises(InvalidInput):
            crontab.find(name="job")[0].edit(periodicity="every fortnight")
        session.tm.commit()
        session.close()
        db.close()
        transaction.abort()
        db = open_db(uri)
        session = Session(db)
        crons = load_crontab(session.root.sites["default"]).find()
        assert [(c.name, c.periodicity) for c in crons] == [("job", "every 15 minutes")]
        session.close()
        db.close()
