"""The test host package ``declhost`` (tests/hosts/declhost), pip-installed
for real once per test session into a directory of its own (``pip install
--target``: no .pth file, nothing added to the test environment), which a
test puts on ``sys.path`` while it runs: then ``importlib.metadata`` finds
its ``zcron.plugins`` entry points as it finds any installed package's.
``pip_install`` does the same for examples/hostapp (test_demo.py).
Also: writing a module or ZCML file for one test, and the config file the
declared sources read."""
import importlib
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent / "hosts" / "declhost"


@pytest.fixture(scope="session")
def declhost_site(tmp_path_factory):
    """The directory declhost is installed into (built from a copy, so
    that the source tree gets no build/ or egg-info)."""
    return pip_install(SOURCE, tmp_path_factory.mktemp("declhost"))


def pip_install(source, base):
    """The package at ``source`` pip-installed into ``base``/site (from a
    copy in ``base``/src); returns that directory."""
    shutil.copytree(source, base / "src", ignore=shutil.ignore_patterns(
        "__pycache__", "*.egg-info", "build", "var", "bin", "parts", "develop-eggs"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--no-index", "--disable-pip-version-check",
                    "--target", str(base / "site"), str(base / "src")],
                   check=True, capture_output=True, text=True)
    return base / "site"


def on_path(directory):
    """Put ``directory`` first on sys.path; returns the undo."""
    sys.path.insert(0, str(directory))
    importlib.invalidate_caches()

    def undo():
        sys.path.remove(str(directory))
        importlib.invalidate_caches()
    return undo


@pytest.fixture
def declhost(declhost_site, zca, monkeypatch):
    """declhost installed and importable, its plugins chosen, its calls
    forgotten; zcron's components in a clean registry."""
    monkeypatch.setenv("ZCRON_PLUGINS", "cleanup dormant")     # declhost's, no others
    undo = on_path(declhost_site)
    import declhost as host
    del host.CALLS[:]
    yield host
    undo()


@pytest.fixture
def config(tmp_path):
    """``config(text)``: a config file the declared sources read (the one
    the command line was given), until the test ends."""
    from zcron.declared.settings import use_config

    def write(text, name="zcron.ini"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        use_config(path)
        return path
    yield write
    use_config(None)


def write_module(directory, name, source):
    """A module ``name`` (dotted: packages made on the way) in ``directory``."""
    *packages, module = name.split(".")
    here = Path(directory)
    for package in packages:
        here = here / package
        here.mkdir(exist_ok=True)
        (here / "__init__.py").touch()
    path = here / f"{module}.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


@pytest.fixture
def modules(tmp_path):
    """``modules(name, source)``: an importable module of the test's own."""
    root = tmp_path / "modules"
    root.mkdir()
    undo = on_path(root)
    made = []

    def make(name, source):
        made.append(name)
        return write_module(root, name, source)
    yield make
    undo()
    tops = {name.partition(".")[0] for name in made}
    for name in list(sys.modules):
        if name.partition(".")[0] in tops:
            del sys.modules[name]


def put_on_site(session, site, declaration):
    """The cron ``declaration`` keeps on ``site``, added and committed as
    the sync would add it (its uid derived from the declaration)."""
    from zcron.components import load_crontab
    from zcron.model import Cron
    crontab = load_crontab(site)
    cron = crontab.add_cron(Cron(uid=declaration.uid_for(site.name),
                                 **declaration.cron_fields()))
    crontab.save_cron(cron)
    session.tm.commit()
    return cron


def run_worker(db, clock, when):
    """A real worker, in this process, until nothing is due at ``when``."""
    from zcron.worker import Worker
    clock.set(when)
    Worker(db, concurrency=1).run(until_idle=True, max_seconds=30)
