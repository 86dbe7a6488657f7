"""zcron.retry: the errors of a database gone away are those of the drivers in use."""
import subprocess
import sys

import pytest
from ZODB.POSException import ConflictError

from zcron.retry import disconnected, retry

ASK = """
from zcron.retry import disconnected
print(sorted(error.__name__ for error in disconnected()))
import ZEO.Exceptions, psycopg2
print(sorted(error.__name__ for error in disconnected()))
"""


def test_only_drivers_imported_are_asked():
    out = subprocess.run([sys.executable, "-c", ASK], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["[]", "['ClientDisconnected', 'InterfaceError', 'OperationalError']"]


def test_the_cli_starts_without_the_postgresql_driver():
    code = "import sys, zcron.cli; print('psycopg2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_a_driver_in_use_gives_its_errors():
    import ZEO.Exceptions
    assert ZEO.Exceptions.ClientDisconnected in disconnected()


def test_retry_gives_up_after_its_attempts():
    calls = []

    def conflicting():
        calls.append(1)
        raise ConflictError("another writer first")

    with pytest.raises(ConflictError):
        retry(conflicting, 3, base=0)
    assert len(calls) == 3
