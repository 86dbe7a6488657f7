"""The Zope and Plone test environments (virtualenvs built from
tests/envs/NAME.txt, cached in .venv-NAME/ while that file is unchanged)
and a WSGI Zope instance on a ZEO server, driven by its own scripts."""
import fcntl
import hashlib
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
from contextlib import contextmanager

from zcron.testing.fixtures import free_port
from zcron.testing.servers import ZEOServer

REPO = pathlib.Path(__file__).resolve().parent.parent
ENVS = REPO / "tests" / "envs"
STAMP = ".zcron-requirements"


def requirements_key(name, editable):
    text = (ENVS / f"{name}.txt").read_bytes() + sys.version.encode()
    if editable:    # zcron's own entry points, from this tree's packaging files
        text += str(REPO).encode() + b"".join(
            path.read_bytes() for path in (REPO / "setup.py", REPO / "pyproject.toml")
            if path.is_file())
    return hashlib.sha256(text).hexdigest()[:16]


BUILDS = {}      # name -> the thread building it ahead (see build_ahead)


def build_ahead(name, editable=False):
    """Start building .venv-NAME in a thread, while other tests run: its
    install waits on the network and the disk more than on a core."""
    if name not in BUILDS:
        BUILDS[name] = thread = threading.Thread(
            target=_build, args=(name, editable), name=f"build-{name}", daemon=True)
        thread.result = None
        thread.start()


def _build(name, editable):
    try:
        threading.current_thread().result = _environment(name, editable)
    except Exception as e:            # said by environment(), in the test that needs it
        threading.current_thread().result = e


def environment(name, editable=False):
    """.venv-NAME, built when missing or when tests/envs/NAME.txt changed
    (with ``editable``, zcron installed from this tree too, for its entry
    points); returns (its directory, the seconds its build took: 0 when reused)."""
    thread = BUILDS.pop(name, None)
    if thread is not None:
        thread.join()
        if not isinstance(thread.result, Exception):
            return thread.result
    return _environment(name, editable)


def _environment(name, editable):
    """Under a lock on tests/envs/NAME.txt: each pytest-xdist worker may
    ask for the environment, and only the first builds it."""
    with open(ENVS / f"{name}.txt", "rb") as requirements:
        fcntl.flock(requirements, fcntl.LOCK_EX)
        return _locked_environment(name, editable)


def _locked_environment(name, editable):
    venv, key = REPO / f".venv-{name}", requirements_key(name, editable)
    stamp = venv / STAMP
    if stamp.is_file() and stamp.read_text() == key:
        return venv, 0.0
    started = time.monotonic()
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip(venv, "-r", str(ENVS / f"{name}.txt"))
    if editable:
        pip(venv, "--no-deps", "--editable", str(REPO))
    stamp.write_text(key)
    return venv, time.monotonic() - started


def pip(venv, *args):
    """pip install, its chatter kept unless it fails."""
    done = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet",
                           "--disable-pip-version-check", *args], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"pip install {' '.join(args)} failed:\n{done.stderr[-3000:]}")


def wait_for_port(port, process, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited at start ({process.returncode})") from None
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


class ZopeInstance:
    """An instance made by mkwsgiinstance under ``directory``, its main
    database on the ZEO server at ``zeo_port``, zcron.zope and the ZCML
    of ``packages`` (directories of test packages) in its package-includes."""

    def __init__(self, venv, directory, zeo_port, packages=(), includes=()):
        self.venv, self.directory = pathlib.Path(venv), pathlib.Path(directory)
        self.zeo_port, self.port = zeo_port, free_port()
        self.path = [str(REPO / "src")] + [str(p) for p in packages]
        self.includes = ["zcron.zope"] + list(includes)
        self.server = None

    @property
    def conf(self):
        return str(self.directory / "etc" / "zope.conf")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def env(self):
        return dict(os.environ, PYTHONPATH=os.pathsep.join(self.path))

    def bin(self, name):
        return str(self.venv / "bin" / name)

    def make(self):
        subprocess.run([self.bin("mkwsgiinstance"), "-d", str(self.directory),
                        "-u", "admin:admin"], check=True, stdout=subprocess.DEVNULL,
                       env=self.env())
        etc = self.directory / "etc"
        conf = (etc / "zope.conf").read_text()
        start = conf.index("<zodb_db main>")
        end = conf.index("</zodb_db>") + len("</zodb_db>")
        (etc / "zope.conf").write_text("%import ZEO\n" + conf[:start] + textwrap.dedent(f"""\
            <zodb_db main>
                mount-point /
                <zeoclient>
                    server 127.0.0.1:{self.zeo_port}
                    storage 1
                </zeoclient>
            </zodb_db>""") + conf[end:])
        ini = (etc / "zope.ini").read_text().replace("port = 8080", f"port = {self.port}")
        (etc / "zope.ini").write_text(ini)
        includes = etc / "package-includes"
        includes.mkdir()
        lines = "".join(f'  <include package="{p}" />\n' for p in self.includes)
        (includes / "zcron-configure.zcml").write_text(
            f'<configure xmlns="http://namespaces.zope.org/zope">\n{lines}</configure>\n')
        return self

    def script(self, code):
        """Run ``code`` with ``app`` bound (zconsole run); its stdout."""
        path = self.directory / "script.py"
        path.write_text(textwrap.dedent(code))
        done = subprocess.run([self.bin("zconsole"), "run", self.conf, str(path)],
                              capture_output=True, text=True, env=self.env(), timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def zcron(self, *args, check=True):
        """The zcron command line in the instance's Python."""
        done = subprocess.run([self.bin("python"), "-c", "from zcron.cli import main; main()",
                               *args], capture_output=True, text=True, env=self.env(),
                              timeout=300, cwd=str(self.directory))
        if check:
            assert done.returncode == 0, done.stdout + done.stderr[-3000:]
        return done

    def serve(self):
        log = open(self.directory / "runwsgi.log", "wb")
        self.server = subprocess.Popen([self.bin("runwsgi"), str(self.directory / "etc" /
                                                                 "zope.ini")],
                                       stdout=log, stderr=subprocess.STDOUT, env=self.env())
        wait_for_port(self.port, self.server)
        return self

    def stop(self):
        """SIGTERM, as a service manager stops it; ``returncode`` tells how it ended."""
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(60)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        self.returncode = None if self.server is None else self.server.returncode
        self.server = None


@contextmanager
def served_instance(venv, directory, setup_script, **options):
    """A ZEO server and a ZopeInstance on it (``options``: its packages
    and includes), ``setup_script`` run in it, then served; stopped after.
    The instance's ``db`` is the ZEO URI and ``made`` the script's output."""
    zeo = ZEOServer(pathlib.Path(directory) / "zeo").start()
    zope = ZopeInstance(venv, pathlib.Path(directory) / "instance", zeo.port, **options).make()
    try:
        zope.made = zope.script(setup_script)
        zope.serve()
        zope.db = f"zeo://127.0.0.1:{zeo.port}"
        yield zope
    finally:
        zope.stop()
        zeo.stop()
