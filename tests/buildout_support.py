"""What the buildout tests share: the cache, the pins, running buildout.

tests/test_buildout.py and tests/test_hostapp_buildout.py both run a
buildout, bootstrapped the way ``make buildout`` does it: from a small
virtualenv holding only the zc.buildout and setuptools releases pinned in
base.cfg.  That virtualenv, buildout's eggs and its download cache are
kept in a cache directory shared by all runs on the machine, so only the
first run downloads.  The cache is ``$ZCRON_BUILDOUT_CACHE`` if set, else
``$XDG_CACHE_HOME/zcron-buildout`` (``~/.cache/zcron-buildout``).

A plain module, not a test file (pytest collects only ``test_*.py``).
The tests import it as ``buildout_support``: tests/ has no
``__init__.py``, so pytest puts it on ``sys.path`` (also in the copy of
the checkout whose ``bin/test`` tests/test_buildout.py runs).  conftest.py
has pytest rewrite its asserts, as it does the test files'.
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

ROOT = Path(__file__).resolve().parent.parent

# Never copied from the checkout into the buildout's directory.
COPY_IGNORE_PATTERNS = ("__pycache__", "*.pyc", "*.egg-info", ".pytest_cache")

# pkg_resources, vendored by buildout, warns that the native ``zc``
# namespace package was "already imported from None"; that is harmless.
BUILDOUT_WARNINGS = "ignore:Module zc was already imported:UserWarning"

# Enough for a cold run on a slow link; a warm one takes seconds.
BUILDOUT_TIMEOUT = 600


def cache_dir():
    explicit = os.environ.get("ZCRON_BUILDOUT_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "zcron-buildout"


def pins():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "base.cfg", encoding="utf-8")
    return parser["versions"]


def clean_env(*, strip=(), **extra):
    """The environment for the subprocesses, without this pytest's hooks.

    PYTEST_ADDOPTS, pytest-cov's COV_CORE_* or a PYTHONPATH would leak into
    ``bin/test`` and the pip runs of buildout and change what they do.
    ``strip`` names more prefixes of variables to leave out; ``extra``
    variables are set.
    """
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "COV_CORE_", "VIRTUAL_ENV") + tuple(strip))
        and key not in ("PYTHONPATH", "PYTHONHOME", "PYTHONWARNINGS")
    }
    env["PYTHONWARNINGS"] = BUILDOUT_WARNINGS
    env.update(extra)
    return env


def run(cmd, cwd, timeout=120, env=None, check=True, stderr=subprocess.PIPE):
    """Run ``cmd`` in ``cwd`` with no input; its CompletedProcess (text).

    ``env`` defaults to ``clean_env()``; with ``check``, a non-zero exit
    fails the test with the output.  ``stderr=subprocess.STDOUT`` gives
    both streams, interleaved, in ``stdout``.
    """
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env or clean_env(),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
        text=True, timeout=timeout,
    )
    if check:
        assert proc.returncode == 0, (
            f"{' '.join(map(str, cmd))} exited {proc.returncode} in {cwd}:\n"
            + "\n".join(out for out in (proc.stdout, proc.stderr) if out is not None))
    return proc


@contextlib.contextmanager
def locked(cache):
    """One user of the shared cache at a time (pytest-xdist, two checkouts)."""
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def bootstrap_buildout(cache, versions, env=None):
    """The ``buildout`` script of a virtualenv with the pinned releases."""
    home = cache / (
        f"bootstrap-py{sys.version_info[0]}{sys.version_info[1]}"
        f"-zc.buildout-{versions['zc.buildout']}-setuptools-{versions['setuptools']}")
    done = home / ".complete"
    if not done.exists():
        # Left over from an interrupted run, if it exists.
        shutil.rmtree(home, ignore_errors=True)
        # sys.executable is the test virtualenv's Python; venv builds the
        # new environment on the interpreter underneath it.
        venv.EnvBuilder(with_pip=True).create(home)
        python = home / "bin" / "python"
        run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
            cwd=cache, timeout=BUILDOUT_TIMEOUT, env=env)
        run([python, "-m", "pip", "install", "--quiet",
             f"zc.buildout=={versions['zc.buildout']}",
             f"setuptools=={versions['setuptools']}"],
            cwd=cache, timeout=BUILDOUT_TIMEOUT, env=env)
        done.touch()
    return home / "bin" / "buildout"


def run_buildout(directory, env=None, stderr=subprocess.PIPE):
    """Run ``buildout.cfg`` in ``directory`` with the bootstrapped buildout,
    its eggs and downloads in the shared cache; its CompletedProcess.

    ``env`` is for the bootstrap's pip runs and buildout alike (see
    ``run`` for it and ``stderr``).
    """
    cache = cache_dir()
    with locked(cache):
        buildout = bootstrap_buildout(cache, pins(), env=env)
        return run(
            [buildout, "-c", "buildout.cfg",
             f"buildout:eggs-directory={cache / 'eggs'}",
             f"buildout:download-cache={cache / 'downloads'}"],
            cwd=directory, timeout=BUILDOUT_TIMEOUT, env=env, stderr=stderr)
