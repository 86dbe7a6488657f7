"""``zcron.Result``: what a runner (or a declared job's plain function)
may return to say more than None (OK) or a text (WARN): a status, a
message for everybody's log, and an output shown to managers only."""
from dataclasses import dataclass

from zcron.exceptions import InvalidInput
from zcron.interfaces import FAILURE, OK, WARN

RESULT_STATUSES = (OK, WARN, FAILURE)


@dataclass(frozen=True)
class Result:
    status: str = OK
    message: str = ""       # to the log entry's messages
    output: str = ""        # to the log entry's output (bounded, managers only)

    def __post_init__(self):
        status = self.status.upper() if isinstance(self.status, str) else self.status
        if status not in RESULT_STATUSES:
            raise InvalidInput("status", self.status,
                               "expected one of " + ", ".join(RESULT_STATUSES))
        object.__setattr__(self, "status", status)
        for field in ("message", "output"):
            if not isinstance(getattr(self, field), str):
                raise InvalidInput(field, getattr(self, field), "expected text")
