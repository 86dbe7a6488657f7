"""A log entry: one run of a cron, or one account of fire times not run."""
import os
from collections.abc import Iterable
from datetime import datetime

from zope.interface import implementer

from zcron.exceptions import InvalidDump, InvalidInput, UnknownStatus
from zcron.interfaces import FAILURE, ILog, NOTRUN, OK, STATUSES, WARN
from zcron.model.timeutil import dump_time, from_us, load_time, to_us, to_utc

# collective.cron 2.x stored statuses as integers.
LEGACY_STATUSES = {0: FAILURE, 1: OK, 2: WARN, 3: NOTRUN}
# Tracebacks and outputs are kept bounded: the end says most.
TRACEBACK_LIMIT = 8000
OUTPUT_LIMIT = 8000


def check_status(value):
    if isinstance(value, bool):
        raise UnknownStatus(value)
    if isinstance(value, int) and value in LEGACY_STATUSES:
        return LEGACY_STATUSES[value]
    if isinstance(value, str) and value.upper() in STATUSES:
        return value.upper()
    raise UnknownStatus(value)


def bound_traceback(text, limit=TRACEBACK_LIMIT, what="traceback"):
    if text is None or len(text) <= limit:
        return text
    return f"[... {what} cut ...]\n" + text[-limit:]


def bound_output(text):
    """A runner's output, cut like a traceback ("" is kept as None)."""
    return bound_traceback(text or None, OUTPUT_LIMIT, "output")


def new_execution_id():
    """128 random bits as 32 hex digits (a uuid4's length)."""
    return os.urandom(16).hex()


def _instant(field, value):
    """Aware UTC datetime; a naive one is taken as UTC."""
    if not isinstance(value, datetime):
        raise InvalidInput(field, value, "expected a datetime")
    return to_utc(value)


def _optional_text(field, value):
    if value is not None and not isinstance(value, str):
        raise InvalidInput(field, value, "expected text")
    return value


def _attempts(attempt, attempts):
    """(attempt, attempts): the run's attempt, from 1, of how many the
    cron's retries allowed."""
    for field, value in (("attempt", attempt), ("attempts", attempts)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidInput(field, value, "expected a whole number >= 1")
    if attempt > attempts:
        raise InvalidInput("attempt", attempt, f"is more than its attempts ({attempts})")
    return attempt, attempts


def _backfill(value):
    if not isinstance(value, bool):
        raise InvalidInput("backfill", value, "expected true or false")
    return value


@implementer(ILog)
class Log:
    """Plain object pickled inside its cron's log record (not persistent
    on its own: one record per cron keeps writes small and separate)."""

    __slots__ = ("date", "status", "messages", "fire_time", "duration",
                 "execution_id", "traceback", "output", "attempt", "attempts",
                 "backfill", "due")

    def __init__(self, date: datetime | str, status: str | int,
                 messages: Iterable[str] | str = (), fire_time: datetime | str | None = None,
                 duration: float | None = None, execution_id: str | None = None,
                 traceback: str | None = None, output: str | None = None,
                 attempt: int = 1, attempts: int = 1, backfill: bool = False,
                 due: datetime | str | None = None) -> None:
        self.date = _instant("date", date)
        self.status = check_status(status)
        if isinstance(messages, str):
            messages = [messages]
        if not isinstance(messages, (list, tuple)):
            raise InvalidInput("messages", messages, "expected a list of texts")
        self.messages = [str(m) for m in messages]
        self.fire_time = None if fire_time is None else _instant("fire_time", fire_time)
        if duration is not None and (isinstance(duration, bool) or not
                                     isinstance(duration, (int, float)) or
                                     not 0 <= duration < float("inf")):
            raise InvalidInput("duration", duration, "expected seconds >= 0")
        self.duration = None if duration is None else float(duration)
        self.execution_id = _optional_text("execution_id", execution_id) or new_execution_id()
        self.traceback = bound_traceback(_optional_text("traceback", traceback))
        self.output = bound_output(_optional_text("output", output))
        self.attempt, self.attempts = _attempts(attempt, attempts)
        self.backfill = _backfill(backfill)
        # a retry's own due time (None: the fire time's), lateness counts from it
        self.due = None if due is None else _instant("due", due)

    @property
    def marks(self):
        return marks(self.backfill, self.attempt, self.attempts)

    @property
    def lateness(self):
        """Seconds from the run's due time (a retry's own) to this entry."""
        due = self.due or self.fire_time
        return None if due is None else (self.date - due).total_seconds()

    def __reduce__(self):
        # A flat tuple of plain values: each run re-pickles its cron's
        # whole log, and ZODB's pickler visits every object in it.
        fire_us = None if self.fire_time is None else to_us(self.fire_time)
        due_us = None if self.due is None else to_us(self.due)
        return (_restore, (to_us(self.date), self.status, tuple(self.messages), fire_us,
                           self.duration, self.execution_id, self.traceback, self.output,
                           self.attempt, self.attempts, self.backfill, due_us))

    def __setstate__(self, state):
        """Entries pickled by development builds as a dict of fields."""
        for k in self.__slots__:
            setattr(self, k, state.get(k))
        self.attempt, self.attempts = self.attempt or 1, self.attempts or 1
        self.backfill = bool(self.backfill)

    def __eq__(self, other):
        return isinstance(other, Log) and self.dump() == other.dump()

    def __repr__(self):
        return f"<Log {self.status} {self.date.isoformat()} {self.messages!r}>"

    def dump(self):
        return {
            "date": dump_time(self.date),
            "status": self.status,
            "messages": list(self.messages),
            "fire_time": dump_time(self.fire_time),
            "duration": self.duration,
            "execution_id": self.execution_id,
            "traceback": self.traceback,
            "output": self.output,
            "attempt": self.attempt,
            "attempts": self.attempts,
            "backfill": self.backfill,
            "due": dump_time(self.due),
        }

    @classmethod
    def load(cls, data):
        """From a dump of ours or of collective.cron (integer statuses,
        naive '%Y-%m-%d %H:%M:%S' dates read as UTC)."""
        if not isinstance(data, dict):
            raise InvalidDump(data, "a log entry must be a JSON object")
        if "date" not in data or "status" not in data:
            raise InvalidDump(data, "a log entry needs 'date' and 'status'")
        return cls(
            date=load_time(data["date"], "date"),
            status=data["status"],
            messages=data.get("messages") or [],
            fire_time=load_time(data.get("fire_time"), "fire_time"),
            duration=data.get("duration"),
            execution_id=data.get("execution_id"),
            traceback=data.get("traceback"),
            output=data.get("output"),
            attempt=data.get("attempt", 1),
            attempts=data.get("attempts", 1),
            backfill=data.get("backfill", False),
            due=load_time(data.get("due"), "due"),
        )


def _restore(date_us, status, messages, fire_us, duration, execution_id, traceback,
             output=None, attempt=1, attempts=1, backfill=False, due_us=None):
    """A Log from its pickle: the values were checked when it was made
    (older pickles have no ``output``, attempts, backfill mark or due time)."""
    log = Log.__new__(Log)
    log.date = from_us(date_us)
    log.status = status
    log.messages = list(messages)
    log.fire_time = None if fire_us is None else from_us(fire_us)
    log.duration = duration
    log.execution_id = execution_id
    log.traceback = traceback
    log.output = output
    log.attempt, log.attempts, log.backfill = attempt, attempts, backfill
    log.due = None if due_us is None else from_us(due_us)
    return log


def marks(backfill, attempt, attempts):
    """What a log entry tells beside its status, for display: a
    backfill's run, a retried fire time's attempt ("attempt 2 of 3")."""
    shown = ["backfill"] if backfill else []
    if attempts > 1:
        shown.append(f"attempt {attempt} of {attempts}")
    return shown
