"""The example host's buildout (examples/hostapp/buildout.cfg) works.

The checkout's sources and ``examples/hostapp`` are copied into a
temporary directory with the same layout, so the buildout runs unchanged
(``develop = ../.. .``). It runs the ``zcron:instance`` recipe
(``zcron.recipe.Instance``); then the scripts it made are used as an
operator would: ``bin/zcron site add``, ``bin/zcron add``, the worker
``bin/zcron-worker`` for a few seconds, ``bin/zcron logs --json``.

Buildout comes from a small virtualenv holding the zc.buildout and
setuptools releases pinned in base.cfg (as ``make buildout`` makes it),
kept with buildout's eggs and downloads in the cache that
tests/test_buildout.py uses too: ``$ZCRON_BUILDOUT_CACHE``, else
``$XDG_CACHE_HOME/zcron-buildout`` (``~/.cache/zcron-buildout``). Only
the first run downloads. The helpers for this are in
tests/buildout_support.py.
"""
import json
import shutil
import time

import pytest

import buildout_support
from buildout_support import (BUILDOUT_TIMEOUT, COPY_IGNORE_PATTERNS, ROOT,
                              run_buildout)

HOSTAPP = ROOT / "examples" / "hostapp"
CHECKOUT_FILES = ["setup.py", "pyproject.toml", "LICENSE", "README.rst", "CHANGES.rst",
                  "base.cfg"]
COPY_IGNORE = shutil.ignore_patterns(
    *COPY_IGNORE_PATTERNS,
    # a buildout run in the example itself leaves these
    "bin", "parts", "develop-eggs", "eggs", "var", ".installed.cfg")
PART = "zcron"


def clean_env(**extra):
    """No settings of this test run leak into buildout or the scripts:
    neither pytest's nor zcron's own (ZCRON_DB would override the part's
    database)."""
    return buildout_support.clean_env(strip=("ZCRON_", "HOSTAPP_"), **extra)


def run(cmd, cwd, timeout=120, env=None, check=True):
    return buildout_support.run(cmd, cwd, timeout=timeout, env=env or clean_env(),
                                check=check)


@pytest.fixture(scope="module")
def hostapp(tmp_path_factory):
    if not (HOSTAPP / "buildout.cfg").exists():
        pytest.skip("examples/hostapp is not in this checkout")
    """The example's directory in a copy of the checkout, its buildout run.
    The buildout's output is in ``buildout.log`` there."""
    checkout = tmp_path_factory.mktemp("hostapp-buildout") / "zcron"
    checkout.mkdir()
    for name in CHECKOUT_FILES:
        shutil.copy2(ROOT / name, checkout / name)
    shutil.copytree(ROOT / "src", checkout / "src", ignore=COPY_IGNORE)
    directory = checkout / "examples" / "hostapp"
    shutil.copytree(HOSTAPP, directory, ignore=COPY_IGNORE)

    started = time.monotonic()
    proc = run_buildout(directory, env=clean_env())
    log = proc.stdout + proc.stderr
    (directory / "buildout.log").write_text(
        log + f"\n(buildout took {time.monotonic() - started:.1f} s)\n")
    return directory


def zcron(hostapp, *args, env=None, check=True):
    return run([hostapp / "bin" / PART, *args], cwd=hostapp, env=env, check=check)


@pytest.mark.slow
@pytest.mark.timeout(2 * BUILDOUT_TIMEOUT)
def test_scripts_are_bound_to_the_hosts_zcml_and_database(hostapp):
    log = (hostapp / "buildout.log").read_text()
    script = hostapp / "bin" / PART
    worker = hostapp / "bin" / f"{PART}-worker"
    assert script.exists() and worker.exists(), log
    text = script.read_text()
    # the copy's zcron and host, not the checkout the tests run from
    assert str(hostapp.parent.parent / "src") in text
    assert str(hostapp / "src") in text
    assert f"file://{hostapp}/var/Data.fs" in text
    site_zcml = hostapp / "parts" / PART / "site.zcml"
    assert str(site_zcml) in text
    assert '<include package="hostapp" />' in site_zcml.read_text()
    assert "'worker', '--concurrency', '4'" in worker.read_text()
    assert "Usage:" in zcron(hostapp, "--help").stdout


@pytest.mark.slow
@pytest.mark.timeout(2 * BUILDOUT_TIMEOUT)
def test_generated_worker_runs_the_hosts_runners(hostapp):
    zcron(hostapp, "site", "add", "default")
    zcron(hostapp, "add", "heartbeat", "--cron", "* * * * * *")
    zcron(hostapp, "add", "disk-check", "--cron", "* * * * * *",
          "--environ", '{"path": "/", "warn_above": 0}')
    listed = json.loads(zcron(hostapp, "list", "--json").stdout)
    assert sorted(c["name"] for c in listed if not c["declared"]) == \
        ["disk-check", "heartbeat"], listed
    # the host's declared jobs, put on the new site (its entry point too:
    # the develop egg has it); no scheduler.ini is named here
    assert sorted(c["declared"] for c in listed if c["declared"]) == [
        "decorator:hostapp.declared.tidy_sessions", "plugin:rotate-logs",
        "zcml:export-orders"], listed

    worker = run([hostapp / "bin" / f"{PART}-worker", "--max-seconds", "4"],
                 cwd=hostapp, timeout=120)
    assert "heartbeat OK" in " ".join(worker.stdout.split()), worker.stdout

    # Fire times that passed between `add` and the worker's start are
    # logged NOTRUN "missed" (policy 'once'), the others ran.
    entries = json.loads(zcron(hostapp, "logs", "heartbeat", "--json").stdout)
    ok = [e for e in entries if e["status"] == "OK"]
    assert len(ok) >= 2, entries
    assert {e["status"] for e in entries} <= {"OK", "NOTRUN"}, entries
    warned = json.loads(zcron(hostapp, "logs", "disk-check", "--json").stdout)
    warned = [e for e in warned if e["status"] != "NOTRUN"]
    assert warned and all(e["status"] == "WARN" for e in warned), warned
    assert "% used" in warned[0]["messages"][0]

    # The host's subscriber saw every run: buildout.cfg's environment-vars
    # tell it where to write.
    events = (hostapp / "var" / "events.log").read_text().splitlines()
    beats = [line for line in events if " default heartbeat OK" in line]
    assert len(beats) == len(ok), events
    assert any(" default disk-check WARN " in line for line in events), events


@pytest.mark.slow
@pytest.mark.timeout(2 * BUILDOUT_TIMEOUT)
def test_environment_overrides_the_parts_database(hostapp, tmp_path):
    other = f"file://{tmp_path}/Other.fs"
    env = clean_env(ZCRON_DB=other)
    zcron(hostapp, "site", "add", "elsewhere", env=env)
    sites = zcron(hostapp, "site", "list", "--json", env=env).stdout
    assert "elsewhere" in sites
    assert (tmp_path / "Other.fs").exists()


# -- the recipe's options, without running a buildout ------------------------------

@pytest.fixture
def recipe(tmp_path):
    """``Instance(buildout, name, options)`` with a buildout made of dicts."""
    pytest.importorskip("zc.buildout")
    from zcron.recipe import Instance

    buildout = {"buildout": {
        "directory": str(tmp_path),
        "parts-directory": str(tmp_path / "parts"),
        "bin-directory": str(tmp_path / "bin"),
        "eggs-directory": str(tmp_path / "eggs"),
        "develop-eggs-directory": str(tmp_path / "develop-eggs"),
    }}

    def make(name="cron", **options):
        options = {key.replace("_", "-"): value for key, value in options.items()}
        return Instance(buildout, name, options)
    return make


def test_recipe_defaults(recipe, tmp_path):
    part = recipe()
    assert part.eggs == ["zcron"]
    assert part.options["db"] == f"file://{tmp_path}/var/Data.fs"
    assert part.options["concurrency"] == "4"
    assert part.options["zcml-file"] == str(tmp_path / "parts" / "cron" / "site.zcml")
    init = part.initialization(worker=False)
    assert f"os.environ.setdefault('ZCRON_DB', 'file://{tmp_path}/var/Data.fs')" in init
    assert "sys.argv" not in init
    assert "sys.argv[1:1] = ['worker', '--concurrency', '4']" in \
        part.initialization(worker=True)


def test_recipe_zcml_packages_and_files(recipe, tmp_path):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "extra.zcml").write_text("<configure/>")
    part = recipe(zcml="myhost\nmyhost:overrides.zcml\netc/extra.zcml",
                  eggs="myhost\nzcron[zeo]", worker_args="--lease 60",
                  environment_vars="TZ Europe/Zurich\nMYHOST_MODE production",
                  config="etc/zcron.ini", concurrency="8")
    assert part.eggs == ["myhost", "zcron[zeo]"]          # zcron named: kept as is
    assert '<include package="myhost" />' in part.zcml
    assert '<include package="myhost" file="overrides.zcml" />' in part.zcml
    assert "extra.zcml" not in part.zcml
    assert part.zcml_files[1:] == [str(tmp_path / "etc" / "extra.zcml")]
    init = part.initialization(worker=True)
    assert f"'ZCRON_ZCML', '{part.options['zcml-file']}:{tmp_path}/etc/extra.zcml'" in init
    assert f"'ZCRON_CONFIG', '{tmp_path}/etc/zcron.ini'" in init
    assert "os.environ.setdefault('TZ', 'Europe/Zurich')" in init
    assert "['worker', '--concurrency', '8', '--lease', '60']" in init
    # the initialization is valid Python
    compile("import sys\n" + init, "<initialization>", "exec")


@pytest.mark.parametrize("options, message", [
    ({"concurrency": "0"}, "concurrency"),
    ({"concurrency": "four"}, "concurrency"),
    ({"zcml": "etc/missing.zcml"}, "no such file"),
    ({"environment_vars": "not-a-name value"}, "environment-vars"),
])
def test_recipe_rejects_bad_options(recipe, options, message):
    import zc.buildout
    with pytest.raises(zc.buildout.UserError, match=message):
        recipe(**options)
