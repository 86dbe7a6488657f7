"""zcron.exceptions: one family; bad input is an InvalidInput naming field
and value, so the CLI can report it on one line."""
import pytest


class TestZcronError:
    def test_base(self):
        from zcron.exceptions import ZcronError
        import zcron
        assert issubclass(ZcronError, Exception) and zcron.ZcronError is ZcronError


class TestInvalidInput:
    def _getTargetClass(self):
        from zcron.exceptions import InvalidInput
        return InvalidInput

    def test_message_names_field_and_value(self):
        error = self._getTargetClass()("retries", -1, "expected a whole number >= 0")
        assert str(error) == "invalid retries -1: expected a whole number >= 0"
        assert (error.field, error.value, error.reason) == \
            ("retries", -1, "expected a whole number >= 0")

    def test_kinds(self):
        from zcron.exceptions import ZcronError
        error = self._getTargetClass()("f", "v", "r")
        assert isinstance(error, ZcronError) and isinstance(error, ValueError)


# (class, arguments, field named, ancestors besides InvalidInput)
CASES = [
    ("InvalidCronExpression", ("* *",), "cron expression", ()),
    ("UnknownTimezone", ("Mars/Base",), "time zone", ()),
    ("InvalidEnviron", ([1],), "environ", ()),
    ("UnknownStatus", ("SO-SO",), "status", ()),
    ("InvalidDump", ("{", "malformed JSON"), "dump", ()),
    ("DuplicateUid", ("a" * 32,), "uid", ()),
    ("InvalidURI", ("foo://", "unknown scheme"), "database URI", ()),
    ("UnknownCron", ("nightly",), "cron", ("NotFound", LookupError)),
    ("AmbiguousCron", ("nightly", 3), "cron", ("NotFound", LookupError)),
    ("UnknownSite", ("shop",), "site", ("NotFound", LookupError)),
    ("UnknownRunner", ("mycronjob",), "runner", ("NotFound", LookupError)),
]


class TestSubclasses:
    @pytest.mark.parametrize("name,args,field,ancestors", CASES,
                             ids=[c[0] for c in CASES])
    def test_names_field_and_value(self, name, args, field, ancestors):
        from zcron import exceptions
        error = getattr(exceptions, name)(*args)
        assert isinstance(error, exceptions.InvalidInput)
        for ancestor in ancestors:
            if isinstance(ancestor, str):
                ancestor = getattr(exceptions, ancestor)
            assert isinstance(error, ancestor)
        assert error.field == field and error.value == args[0]
        message = str(error)
        assert message.startswith(f"invalid {field} {args[0]!r}: ")
        assert error.reason and "\n" not in message

    def test_ambiguous_tells_how_many(self):
        from zcron.exceptions import AmbiguousCron
        assert "3 crons have this name" in str(AmbiguousCron("n", 3))

    def test_custom_reasons(self):
        from zcron.exceptions import UnknownTimezone
        assert str(UnknownTimezone(5, "must be a string")) == \
            "invalid time zone 5: must be a string"


class TestOperationalErrors:
    @pytest.mark.parametrize("name", ["ReadOnlyCrontab", "DatabaseLocked"])
    def test_not_bad_input(self, name):
        from zcron import exceptions
        cls = getattr(exceptions, name)
        assert issubclass(cls, exceptions.ZcronError)
        assert not issubclass(cls, exceptions.InvalidInput)
        assert str(cls("why")) == "why"
