"""A ZEO server that does not answer: the command fails after the URI's
``connect_timeout`` (default 10 s) with one line naming the address."""
import socket

import pytest

from cli_support import Zcron, cli_env  # noqa: F401


@pytest.fixture
def silent_port():
    """A port that takes connections and never says a word (a listening
    socket that never accepts)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


def test_a_silent_server_fails_in_one_line(silent_port):
    address = f"127.0.0.1:{silent_port}"
    result = Zcron(f"zeo://{address}?connect_timeout=1")("list", status=1)
    lines = result.stderr.splitlines()
    assert lines == [f"zcron: error: cannot reach the database at zeo://{address}: no "
                     "ZEO server answered within 1 s (the URI's connect_timeout, "
                     "default 10)"], result.stderr


@pytest.mark.parametrize("query, expected", [
    ("", "wait_timeout=10"),
    ("?connect_timeout=5", "wait_timeout=5"),
    ("?wait_timeout=30&storage=2", "storage=2&wait_timeout=30"),
])
def test_the_timeout_reaches_zeo(query, expected):
    from zcron.db import zeo_options
    assert zeo_options("zeo://db:8100" + query) == "zeo://db:8100?" + expected


@pytest.mark.parametrize("value", ["0", "soon", "-1", "1.5"])
def test_a_bad_timeout_is_bad_input(value):
    error = Zcron(f"zeo://127.0.0.1:1?connect_timeout={value}").bad("list")
    assert f"connect_timeout {value!r}" in error
