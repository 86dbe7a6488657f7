"""Shared fixtures: a clean component registry, a fake clock, databases."""
import os

import pytest

# zcron's own tests see no entry-point plugin installed in their environment
# (``make demo`` installs the example host's): the tests of plugins choose
# theirs (declhost_support's ``declhost`` fixture), and their subprocesses
# inherit the choice.
os.environ["ZCRON_PLUGINS"] = "none"
# pytest-xdist starts its workers with COLUMNS=80 and LINES=24; the command
# line tests write to a pipe, whose width is unlimited (zcron.cli.terminal).
if "PYTEST_XDIST_WORKER" in os.environ:
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)

# The test modules that need a Zope or Plone environment (zope_support).
ENVIRONMENT_MODULES = {"test_zope", "test_plone"}


def pytest_collection_modifyitems(items):
    """The files with slow tests first, those needing an environment last
    of them (it builds meanwhile): pytest-xdist hands out whole files in
    this order, so no long file is left to run alone at the end."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: (item.path not in slow,
                                 item.module.__name__ in ENVIRONMENT_MODULES))


def pytest_collection_finish(session):
    """The Zope and Plone environments start building now, if their tests
    are to run: the install overlaps the tests before them."""
    wanted = {item.module.__name__ for item in session.items}
    if wanted & ENVIRONMENT_MODULES:
        import zope_support
        if "test_zope" in wanted:
            zope_support.build_ahead("zope")
        if "test_plone" in wanted:
            zope_support.build_ahead("plone", editable=True)


# The test helpers assert too: their failures read like the tests'.
pytest.register_assert_rewrite("buildout_support", "cli_support", "web_support")


@pytest.fixture
def zca():
    """zcron's default components in a clean global registry."""
    from zcron import config, testing
    config.reset()
    testing.setup_components()
    yield
    testing.teardown_components()
    config.reset()


@pytest.fixture
def clean_zca():
    """An empty global registry; nothing of zcron's loaded yet."""
    from zope.component.testing import setUp, tearDown
    from zcron import config
    setUp()
    config.reset()
    yield
    tearDown()
    config.reset()


@pytest.fixture
def modified(zca):
    """The ModifiedCrontabEvents notified, in order."""
    from zope.component import provideHandler
    from zcron.interfaces import IModifiedCrontabEvent
    seen = []
    provideHandler(seen.append, (IModifiedCrontabEvent,))
    return seen


@pytest.fixture
def fake_clock():
    from zcron.clock import FakeClock, install_clock, uninstall_clock
    clock = install_clock(FakeClock())
    yield clock
    uninstall_clock(clock)


@pytest.fixture
def zeo_server(tmp_path):
    from zcron.testing import ZEOServer
    server = ZEOServer(tmp_path / "zeo").start()
    yield server
    server.stop()


def _database(request, tmp_path):
    from zcron import testing
    factory = {"memory": testing.MemoryDatabase, "file": testing.FileStorageDatabase,
               "zeo": testing.ZEODatabase}[request.param]
    database = factory(tmp_path)
    request.addfinalizer(database.close)
    return database


@pytest.fixture(params=["memory", "file", "zeo"])
def database(request, tmp_path):
    """Each storage zcron supports; contract tests run against all."""
    return _database(request, tmp_path)


@pytest.fixture(params=["file", "zeo"])
def durable_database(request, tmp_path):
    """Storages that survive reopening."""
    return _database(request, tmp_path)


@pytest.fixture
def db(tmp_path, zca):
    """An open FileStorage database with zcron's components loaded."""
    from zcron.db import open_db
    database = open_db(f"file://{tmp_path}/Data.fs")
    yield database
    database.close()


@pytest.fixture
def session(db):
    from zcron.db import Session
    s = Session(db)
    yield s
    s.close()


@pytest.fixture
def site(session):
    """The 'default' site, committed, in an open session."""
    from zcron.model import CronSite
    site = session.root.add_site(CronSite("default"))
    session.tm.commit()
    return site
