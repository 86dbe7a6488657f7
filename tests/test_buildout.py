"""The development buildout (buildout.cfg + base.cfg) works for real.

What a buildout needs from the checkout is copied into a temporary
directory, the buildout runs there against PyPI, and the scripts it makes
are run: ``bin/zcron --help`` and ``bin/test --collect-only``.

Buildout is bootstrapped the way ``make buildout`` does it: from a small
virtualenv holding only the zc.buildout and setuptools releases pinned in
base.cfg.  (The ``buildout`` script of the test virtualenv would be
quicker, but buildout then takes every egg from that virtualenv's
site-packages: it would neither fetch anything nor show that the scripts
it makes stand on their own.)

The bootstrap virtualenv, buildout's eggs and its download cache are kept
in a cache directory shared by all runs on the machine, so only the first
run downloads (under a minute here); later runs take a few seconds.  The
cache is ``$ZCRON_BUILDOUT_CACHE`` if set, else
``$XDG_CACHE_HOME/zcron-buildout`` (``~/.cache/zcron-buildout``).
"""

import configparser
import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What a buildout needs from the checkout.  setup.cfg holds the pytest
# configuration that bin/test relies on.
CHECKOUT_FILES = [
    "setup.py", "setup.cfg", "README.rst", "CHANGES.rst",
    "buildout.cfg", "base.cfg",
]
CHECKOUT_DIRS = ["src", "tests", "examples"]
COPY_IGNORE = shutil.ignore_patterns(
    "__pycache__", "*.pyc", "*.egg-info", ".pytest_cache")

# pkg_resources, vendored by buildout, warns that the native ``zc``
# namespace package was "already imported from None"; that is harmless.
BUILDOUT_WARNINGS = "ignore:Module zc was already imported:UserWarning"

# Enough for a cold run on a slow link; a warm one takes seconds.
BUILDOUT_TIMEOUT = 600


def _cache_dir():
    explicit = os.environ.get("ZCRON_BUILDOUT_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "zcron-buildout"


def _pins():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "base.cfg", encoding="utf-8")
    return parser["versions"]


def _clean_env():
    """The environment for the subprocesses, without this pytest's hooks.

    PYTEST_ADDOPTS, pytest-cov's COV_CORE_* or a PYTHONPATH would leak into
    ``bin/test`` and the pip runs of buildout and change what they do.
    """
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "COV_CORE_", "VIRTUAL_ENV"))
        and key not in ("PYTHONPATH", "PYTHONHOME", "PYTHONWARNINGS")
    }
    env["PYTHONWARNINGS"] = BUILDOUT_WARNINGS
    return env


@contextlib.contextmanager
def _locked(cache):
    """Serialize users of the shared cache (e.g. under pytest-xdist)."""
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run(cmd, cwd, timeout=120):
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=_clean_env(),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, timeout=timeout,
    )
    assert proc.returncode == 0, (
        f"{' '.join(map(str, cmd))} exited {proc.returncode} in {cwd}:\n"
        f"{proc.stdout}")
    return proc.stdout


def _bootstrap_buildout(cache, pins):
    """The ``buildout`` script of a virtualenv with the pinned releases."""
    home = cache / (
        f"bootstrap-py{sys.version_info[0]}{sys.version_info[1]}"
        f"-zc.buildout-{pins['zc.buildout']}-setuptools-{pins['setuptools']}")
    done = home / ".complete"
    if not done.exists():
        # Left over from an interrupted run, if it exists.
        shutil.rmtree(home, ignore_errors=True)
        # sys.executable is the test virtualenv's Python; venv builds the
        # new environment on the interpreter underneath it.
        venv.EnvBuilder(with_pip=True).create(home)
        python = home / "bin" / "python"
        _run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
             cwd=cache, timeout=BUILDOUT_TIMEOUT)
        _run([python, "-m", "pip", "install", "--quiet",
              f"zc.buildout=={pins['zc.buildout']}",
              f"setuptools=={pins['setuptools']}"],
             cwd=cache, timeout=BUILDOUT_TIMEOUT)
        done.touch()
    return home / "bin" / "buildout"


@pytest.fixture(scope="module")
def buildout_dir(tmp_path_factory):
    """A copy of the checkout's buildout files, with the buildout run in it.

    Returns the copy's directory; buildout's output is in ``buildout.log``
    there.
    """
    dest = tmp_path_factory.mktemp("buildout") / "zcron"
    dest.mkdir()
    for name in CHECKOUT_FILES:
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)
    for name in CHECKOUT_DIRS:
        shutil.copytree(ROOT / name, dest / name, ignore=COPY_IGNORE)

    cache = _cache_dir()
    with _locked(cache):
        buildout = _bootstrap_buildout(cache, _pins())
        out = _run(
            [buildout, "-c", "buildout.cfg",
             f"buildout:eggs-directory={cache / 'eggs'}",
             f"buildout:download-cache={cache / 'downloads'}"],
            cwd=dest, timeout=BUILDOUT_TIMEOUT)
    (dest / "buildout.log").write_text(out)

    # Buildout lists the versions it had to pick when a requirement is not
    # pinned in base.cfg.  That is allowed (see base.cfg) but should not
    # go unnoticed: it shows in the report of a failing test.
    marker = "Versions had to be automatically picked"
    if marker in out:
        print("base.cfg is missing pins:\n" + out[out.index(marker):])
    return dest


@pytest.mark.slow
@pytest.mark.timeout(2 * BUILDOUT_TIMEOUT)
def test_bin_zcron(buildout_dir):
    zcron = buildout_dir / "bin" / "zcron"
    assert zcron.exists(), (buildout_dir / "buildout.log").read_text()
    # The script runs the copy's code, not the checkout the test runs in.
    assert str(buildout_dir / "src") in zcron.read_text()
    assert "Usage:" in _run([zcron, "--help"], cwd=buildout_dir)


@pytest.mark.slow
@pytest.mark.timeout(2 * BUILDOUT_TIMEOUT)
def test_bin_test(buildout_dir):
    test = buildout_dir / "bin" / "test"
    assert test.exists(), (buildout_dir / "buildout.log").read_text()
    # Started from another directory, with a path relative to it: bin/test
    # runs pytest in the buildout's directory, with its setup.cfg.
    collected = _run(
        [test, "--collect-only", "-q", "-p", "no:cacheprovider",
         "test_buildout.py"],
        cwd=buildout_dir / "tests")
    assert "test_buildout.py::test_bin_test" in collected
    # And with no arguments it finds the whole suite (setup.cfg's testpaths).
    everything = _run([test, "--collect-only", "-q", "-p", "no:cacheprovider"],
                      cwd=buildout_dir)
    assert "test_buildout.py::test_bin_zcron" in everything
