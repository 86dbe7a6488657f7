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
``$XDG_CACHE_HOME/zcron-buildout`` (``~/.cache/zcron-buildout``).  The
helpers for all this, shared with tests/test_hostapp_buildout.py, are in
tests/buildout_support.py.
"""

import shutil
import subprocess

import pytest

from buildout_support import (BUILDOUT_TIMEOUT, COPY_IGNORE_PATTERNS, ROOT, run,
                              run_buildout)

# What a buildout needs from the checkout.  pyproject.toml holds the pytest
# configuration that bin/test relies on.  (tests/ takes buildout_support.py
# along: bin/test runs the copy's suite.)
CHECKOUT_FILES = [
    "setup.py", "pyproject.toml", "LICENSE", "README.rst", "CHANGES.rst",
    "buildout.cfg", "base.cfg",
]
CHECKOUT_DIRS = ["src", "tests", "examples"]
COPY_IGNORE = shutil.ignore_patterns(*COPY_IGNORE_PATTERNS)


def _run(cmd, cwd, timeout=120):
    """``cmd``'s output, stdout and stderr together; it must exit 0."""
    return run(cmd, cwd, timeout=timeout, stderr=subprocess.STDOUT).stdout


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

    out = run_buildout(dest, stderr=subprocess.STDOUT).stdout
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
    # runs pytest in the buildout's directory, with its pyproject.toml.
    collected = _run(
        [test, "--collect-only", "-q", "-p", "no:cacheprovider",
         "test_buildout.py"],
        cwd=buildout_dir / "tests")
    assert "test_buildout.py::test_bin_test" in collected
    # And with no arguments it finds the whole suite (pyproject.toml's testpaths).
    everything = _run([test, "--collect-only", "-q", "-p", "no:cacheprovider"],
                      cwd=buildout_dir)
    assert "test_buildout.py::test_bin_zcron" in everything
