"""Who makes the changes of the running code, and why: set once by the
caller (the CLI, a dashboard request, the declared sync, a worker's
threads), read where the changes are recorded."""
import getpass
import socket
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

WORKER = "worker"
SYNC = "sync"


@dataclass(frozen=True)
class Actor:
    who: str
    note: str = ""


_current = ContextVar("zcron_audit_actor", default=None)


def os_user():
    """``user@host``: who acts when no caller said (a script, the CLI)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):      # no name for this uid (a container)
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def current():
    return _current.get() or Actor(os_user())


@contextmanager
def acting(who=None, note=None):
    """Changes made inside (also as a decorator) are by ``who`` for
    ``note``; either left None keeps the outer one."""
    outer = current()
    token = _current.set(Actor(who or outer.who, outer.note if note is None else note))
    try:
        yield
    finally:
        _current.reset(token)
