"""The package as it is published: ``python -m build`` makes an sdist and,
from it, a wheel; the sdist carries what the tests need, the wheel the
package's data (templates, static files, ZCML), and the metadata says what
pyproject.toml says, the version given there only."""
import email
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile

import pytest

from buildout_support import COPY_IGNORE_PATTERNS, ROOT

tomllib = pytest.importorskip("tomllib")       # Python 3.11 on

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
# never part of a checkout: what the tools and the tests leave there
LEFT_BEHIND = ("build", "dist", ".venv", "var", ".git", "bin", "parts", "eggs",
               "develop-eggs", ".installed.cfg", "artifacts")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(sdist, wheel) built from a copy of the checkout."""
    source = tmp_path_factory.mktemp("checkout") / "zcron"
    shutil.copytree(ROOT, source,
                    ignore=shutil.ignore_patterns(*COPY_IGNORE_PATTERNS, *LEFT_BEHIND))
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    sdist, = out.glob("*.tar.gz")
    wheel, = out.glob("*.whl")
    return sdist, wheel


def source_files(folder, pattern="*"):
    package = ROOT / "src" / "zcron"
    return {f"zcron/{p.relative_to(package)}" for p in (package / folder).glob(pattern)
            if p.is_file()}


@pytest.mark.slow
def test_the_wheel_has_the_package_data(built):
    names = set(zipfile.ZipFile(built[1]).namelist())
    data = source_files("web/templates", "*.pt") | source_files("web/static") \
        | source_files(".", "*.zcml") | {"zcron/py.typed"}
    assert len(data) > 10 and data <= names
    assert {"zcron/web/api/__init__.py", "zcron/cli/__init__.py"} <= names
    assert not any("__pycache__" in name or name.startswith("tests/") for name in names)


@pytest.mark.slow
def test_the_metadata(built):
    wheel = zipfile.ZipFile(built[1])
    dist_info = f"zcron-{PROJECT['version']}.dist-info"
    meta = email.message_from_bytes(wheel.read(f"{dist_info}/METADATA"))
    assert meta["Name"] == "zcron" and meta["Version"] == PROJECT["version"]
    assert meta["License-Expression"] == "ZPL-2.1"
    assert "Zope Public License (ZPL) Version 2.1" in \
        wheel.read(f"{dist_info}/licenses/LICENSE").decode()
    classifiers = meta.get_all("Classifier")
    assert "Programming Language :: Python :: 3.10" in classifiers
    assert any(c.startswith("Development Status ::") for c in classifiers)
    assert meta["Requires-Python"] == ">=3.10" and meta.get_all("Project-URL")
    assert any(r.startswith("prometheus_client") and 'extra == "web"' in r
               for r in meta.get_all("Requires-Dist"))
    entry_points = wheel.read(f"{dist_info}/entry_points.txt").decode()
    assert "zcron = zcron.cli:main" in entry_points


@pytest.mark.slow
def test_the_sdist_carries_what_the_tests_need(built):
    with tarfile.open(built[0]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    tracked = {str(p.relative_to(ROOT)) for folder in ("tests", "examples", "bench")
               for p in (ROOT / folder).rglob("*")
               if p.is_file() and not any(part in ("__pycache__", "results", *LEFT_BEHIND)
                                          or part.endswith(".egg-info") for part in p.parts)
               and not p.name.endswith(".pyc")}
    assert tracked and tracked <= names, sorted(tracked - names)
    assert {"LICENSE", "README.rst", "CHANGES.rst", "Makefile", "pyproject.toml",
            "setup.py", "base.cfg", "buildout.cfg", "src/zcron/py.typed"} <= names


def test_the_version_is_in_one_place():
    """pyproject.toml has it; nothing else in the checkout repeats it."""
    version = re.escape(PROJECT["version"])
    assert not re.search(version, (ROOT / "setup.py").read_text())
    for path in (ROOT / "src").rglob("*.py"):
        assert not re.search(rf"__version__|['\"]{version}['\"]", path.read_text()), path
