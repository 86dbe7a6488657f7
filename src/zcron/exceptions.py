"""One exception family, so hosts and the CLI can tell bad input from failures.

Every error caused by what a user typed or loaded is an ``InvalidInput``:
the CLI turns it into one line on stderr and exit status 2, and the API
guarantees nothing was written when it is raised.
"""


class ZcronError(Exception):
    """Base of every error zcron raises on purpose."""


class InvalidInput(ZcronError, ValueError):
    """A value given by a user is wrong; the message names field and value."""

    def __init__(self, field, value, reason):
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"invalid {field} {value!r}: {reason}")


class InvalidCronExpression(InvalidInput):
    def __init__(self, value, reason="not a valid cron expression"):
        super().__init__("cron expression", value, reason)


class UnknownTimezone(InvalidInput):
    def __init__(self, value, reason="not an IANA time zone name"):
        super().__init__("time zone", value, reason)


class InvalidEnviron(InvalidInput):
    def __init__(self, value, reason="must be a JSON object"):
        super().__init__("environ", value, reason)


class UnknownStatus(InvalidInput):
    def __init__(self, value, reason="expected OK, WARN, FAILURE or NOTRUN"):
        super().__init__("status", value, reason)


class InvalidDump(InvalidInput):
    """Malformed JSON, or JSON that is not a zcron/collective.cron dump."""

    def __init__(self, value, reason):
        super().__init__("dump", value, reason)


class DuplicateUid(InvalidInput):
    def __init__(self, value, reason="a cron with this uid already exists"):
        super().__init__("uid", value, reason)


class InvalidURI(InvalidInput):
    def __init__(self, value, reason):
        super().__init__("database URI", value, reason)


class NotFound(InvalidInput, LookupError):
    """A name given by a user designates nothing."""


class UnknownCron(NotFound):
    def __init__(self, value, reason="no such cron (give a uid or a unique name)"):
        super().__init__("cron", value, reason)


class AmbiguousCron(NotFound):
    def __init__(self, value, count):
        super().__init__("cron", value,
                         f"{count} crons have this name; give the uid")


class UnknownSite(NotFound):
    def __init__(self, value, reason="no such site"):
        super().__init__("site", value, reason)


class UnknownRunner(NotFound):
    def __init__(self, value, reason="no job runner is registered under this name"):
        super().__init__("runner", value, reason)


class ReadOnlyCrontab(ZcronError):
    """A change was asked of a crontab whose registry cannot write it."""


class DatabaseUnavailable(ZcronError):
    """The database server (ZEO, PostgreSQL) cannot be reached."""


class DatabaseLocked(ZcronError):
    """A FileStorage is already opened by another process."""
