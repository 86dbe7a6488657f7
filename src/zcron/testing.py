"""Fixtures for zcron's tests and for hosts testing their own runners.

- ``setup_components(*zcml)`` / ``teardown_components()``: load zcron's ZCML
  (and a host's) into a clean global registry.
- ``ZEOServer``: a real ZEO server process on 127.0.0.1, for multi-worker
  tests.
- ``FileStorageDatabase``, ``ZEODatabase``, ``MemoryDatabase``: database
  factories sharing one shape, so one contract test runs against each.
"""
import os
import socket
import subprocess
import sys
import time

import zope.component.event  # noqa: F401  (routes zope.event to subscribers)
from zope.component.testing import setUp as _clean_registry
from zope.configuration import xmlconfig

import zcron
from zcron.db import open_db


def setup_components(*zcml_files, package=None):
    """A clean global registry with zcron's defaults and the given ZCML
    files (paths, or names inside ``package``)."""
    _clean_registry()
    context = xmlconfig.file("configure.zcml", zcron)
    for name in zcml_files:
        context = xmlconfig.file(name, package, context=context)
    return context


def teardown_components():
    _clean_registry()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ZEOServer:
    """``runzeo`` in its own process, serving a FileStorage under ``path``."""

    def __init__(self, directory):
        self.directory = str(directory)
        self.port = free_port()
        self.process = None

    @property
    def uri(self):
        return f"zeo://127.0.0.1:{self.port}?wait_timeout=30"

    def start(self):
        os.makedirs(self.directory, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ZEO.runzeo", "-a", f"127.0.0.1:{self.port}",
             "-f", os.path.join(self.directory, "Data.fs")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("the ZEO server exited at start")
                time.sleep(0.05)
        raise RuntimeError("the ZEO server did not start in 30 s")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class MemoryDatabase:
    kind = "memory"
    multi_process = False

    def __init__(self, tmp_path):
        self.uri = "memory://"

    def open(self):
        return open_db(self.uri)

    def close(self):
        pass


class FileStorageDatabase:
    kind = "file"
    multi_process = False

    def __init__(self, tmp_path):
        self.uri = f"file://{tmp_path}/Data.fs"

    def open(self):
        return open_db(self.uri)

    def close(self):
        pass


class ZEODatabase:
    kind = "zeo"
    multi_process = True

    def __init__(self, tmp_path):
        self.server = ZEOServer(os.path.join(str(tmp_path), "zeo")).start()
        self.uri = self.server.uri

    def open(self):
        return open_db(self.uri)

    def close(self):
        self.server.stop()
