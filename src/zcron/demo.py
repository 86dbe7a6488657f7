"""``python -m zcron.demo`` (``make demo``): zcron running a host's crons.

It sets up ``var/demo/Data.fs`` (in the current directory) with a site
``default`` whose crontab runs the job runners of the example host
``examples/hostapp`` -- one that succeeds, one that warns, one that fails
now and then, one slower than its period -- starts a worker in this
process and prints every run as it ends, and the dashboard too when
``zcron.web`` is installed. Ctrl-C (or ``--seconds N``) stops it cleanly
and prints a summary.

The database is kept between runs (``--reset`` starts afresh), so the
command line works on it afterwards (``var/demo/zcron.ini`` names the
database and the ZCML; the dashboard's user is in it too)::

    zcron --config var/demo/zcron.ini list
"""
import argparse
import os
import secrets
import signal
import sys
import threading
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

import zcron
from zcron.components import load_crontab
from zcron.db import get_root
from zcron.exceptions import ZcronError
from zcron.interfaces import FAILURE, IFinishedCronJobEvent, NOTRUN, OK, STATUSES, WARN
from zcron.periodicity.zone import load_zone

SITE = "default"
TIMEZONE = "Europe/Zurich"
# (name, expression, environ, what it shows). Seconds-first expressions,
# so that every cron runs within seconds of the start.
CRONS = [
    ("heartbeat", "*/2 * * * * *", {}, "succeeds (OK)"),
    ("disk-check", "*/5 * * * * *", {"path": "/", "warn_above": 1},
     "warns (WARN; threshold set low on purpose)"),
    ("flaky", "*/3 * * * * *", {"every": 3}, "fails every 3rd run (FAILURE)"),
    ("slow-report", "*/2 * * * * *", {"seconds": 3},
     "takes 3 s every 2 s (NOTRUN: overlap)"),
]
NAME_WIDTH = max(len(c[0]) for c in CRONS)
STATUS_WIDTH = max(len(s) for s in STATUSES)
DEFAULT_PORT = 8080
WEB_USER = "admin"

SITE_ZCML = """\
<configure xmlns="http://namespaces.zope.org/zope">
  <!-- Written by python -m zcron.demo: zcron and the example host. -->
  <include package="zcron" />
  <include package="hostapp" />
</configure>
"""


class DemoError(ZcronError):
    pass


# -- the example host ---------------------------------------------------------

def hostapp_source():
    """``examples/hostapp/src`` of the checkout zcron runs from, or None."""
    src = Path(__file__).resolve().parents[2] / "examples" / "hostapp" / "src"
    return src if (src / "hostapp" / "configure.zcml").is_file() else None


def import_hostapp():
    """Make ``hostapp`` importable: installed (pip install -e
    examples/hostapp), or else straight from the checkout. Returns True
    when it is installed (other programs, the CLI, can import it too)."""
    try:
        import hostapp  # noqa: F401
        return True
    except ImportError:
        pass
    src = hostapp_source()
    if src is None:
        raise DemoError(
            "the example host 'hostapp' is neither installed nor next to zcron "
            "(examples/hostapp): run the demo from a zcron checkout, or "
            "pip install -e examples/hostapp")
    sys.path.insert(0, str(src))
    import hostapp  # noqa: F401
    return False


# -- the database ---------------------------------------------------------------

def remove_database(path):
    for suffix in ("", ".index", ".lock", ".tmp", ".old"):
        try:
            os.remove(str(path) + suffix)
        except FileNotFoundError:
            pass


def demo_timezone():
    """Europe/Zurich (the crons show their zone), or UTC on a system
    without the time zone database."""
    try:
        load_zone(TIMEZONE)
        return TIMEZONE
    except ZcronError:
        return "UTC"


def set_up_crontab(db):
    """The demo site and crons; crons already there (by name) are kept as
    they are, so changes made from the CLI or the dashboard stay."""
    added = []
    with db.transaction("zcron demo: set up") as conn:
        root = get_root(conn)
        site = root.sites.get(SITE) or root.add_site(zcron.CronSite(SITE))
        crontab = load_crontab(site)
        tz = demo_timezone()
        for name, expression, environ, _ in CRONS:
            if not crontab.find(name=name):
                crontab.add_cron(zcron.Cron(name, expression, timezone=tz,
                                            environ=environ))
                added.append(name)
        if added or site.crontab is None:
            crontab.save()
        crons = [(c.name, c.periodicity, c.get_periodicity().describe(), c.activated)
                 for c in crontab]
    return crons, added


# -- live output ------------------------------------------------------------------

def zone(name):
    try:
        return load_zone(name)
    except ZcronError:
        return timezone.utc


class Reporter:
    """Subscriber of IFinishedCronJobEvent: one line per run, and counts."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.lock = threading.Lock()
        self.counts = {}
        self.started = None         # monotonic time the worker started
        self.first = None           # seconds from start to the first line

    def __call__(self, event):
        cron, log = event.object, event.log
        with self.lock:
            if self.first is None and self.started is not None:
                self.first = time.monotonic() - self.started
            by_status = self.counts.setdefault(cron.name, {})
            by_status[log.status] = by_status.get(log.status, 0) + 1
            self.print(self.line(cron, log))

    @staticmethod
    def line(cron, log):
        """``21:04:06 CET  heartbeat  OK  0.00 s  message``, in the cron's
        time zone (as ``zcron list`` and the dashboard show it)."""
        when = log.date.astimezone(zone(cron.timezone)).strftime("%H:%M:%S %Z")
        name = cron.name
        duration = "-" if log.duration is None else f"{log.duration:.2f} s"
        message = " ".join("; ".join(log.messages).split())
        return (f"{when}  {name:<{NAME_WIDTH}}  {log.status:<{STATUS_WIDTH}}  "
                f"{duration:>7}  {message}").rstrip()

    def print(self, text=""):
        print(text, file=self.out, flush=True)

    def summary(self):
        names = [c[0] for c in CRONS] + sorted(set(self.counts) - {c[0] for c in CRONS})
        columns = (OK, WARN, FAILURE, NOTRUN)
        lines = [f"{'cron':<{NAME_WIDTH}}  " + "  ".join(f"{s:>7}" for s in columns)]
        for name in names:
            counts = self.counts.get(name, {})
            lines.append(f"{name:<{NAME_WIDTH}}  "
                         + "  ".join(f"{counts.get(s, 0):>7}" for s in columns))
        return "\n".join(lines)


# -- the dashboard --------------------------------------------------------------------

def web_available():
    """True when the dashboard (``zcron.web``, the ``web`` extra) imports."""
    # pyramid still imports pkg_resources, which warns about itself
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated",
                            category=UserWarning)
    try:
        import zcron.web  # noqa: F401
        import waitress  # noqa: F401
    except ImportError:
        return False
    return True


def write_config(directory):
    """``zcron.ini`` next to the database, for the command line ([zcron])
    and the dashboard ([users]); kept when it exists."""
    path = Path(directory) / "zcron.ini"
    if not path.exists():
        path.write_text(
            "# Written by python -m zcron.demo; paths are relative to this file.\n"
            "[zcron]\ndb = Data.fs\nzcml = site.zcml\n\n", encoding="utf-8")
    return path


def add_demo_user(config):
    """The dashboard user ``admin`` (a manager), with a new password at
    every start, kept hashed in ``config``. Returns the password."""
    from zcron.users import add_user

    password = secrets.token_urlsafe(9)
    add_user(str(config), WEB_USER, "manager", password)
    return password


# -- main ----------------------------------------------------------------------------------

def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m zcron.demo",
        description="Run the example host's crons with zcron and show each run.")
    parser.add_argument("--seconds", type=float, metavar="N",
                        help="stop after N seconds (default: run until Ctrl-C)")
    parser.add_argument("--no-web", action="store_true",
                        help="do not start the dashboard")
    parser.add_argument("--host", default="127.0.0.1", help="dashboard address")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="dashboard port")
    parser.add_argument("--dir", default=os.path.join("var", "demo"),
                        help="where the demo keeps its files (default var/demo)")
    parser.add_argument("--reset", action="store_true",
                        help="start from an empty database")
    parser.add_argument("--concurrency", type=int, default=4,
                        help="worker threads (default 4)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        return run(args)
    except ZcronError as e:
        print(f"zcron demo: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:       # before the worker started
        print("zcron demo: interrupted", file=sys.stderr)
        return 130


def shown_path(path):
    """A path relative to the working directory when it is below it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def run(args):
    directory = Path(args.dir).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    data_fs = directory / "Data.fs"
    if args.reset:
        remove_database(data_fs)

    installed = import_hostapp()
    zcml = directory / "site.zcml"
    zcml.write_text(SITE_ZCML, encoding="utf-8")
    config = write_config(directory)
    zcron.configure(str(zcml))
    reporter = Reporter()
    zcron.add_subscriber(reporter, IFinishedCronJobEvent)
    out = reporter.print

    db = zcron.open_db(f"file://{data_fs}")
    dashboard = None
    try:
        crons, added = set_up_crontab(db)
        out("zcron demo")
        out(f"  database   {shown_path(data_fs)} (site {SITE!r}"
            + (", new" if len(added) == len(CRONS) else "") + ")")
        out("  host       hostapp, its runners and subscriber registered in "
            + shown_path(Path(sys.modules["hostapp"].__file__).parent / "configure.zcml"))
        for name, expression, described, activated in crons:
            what = next((c[3] for c in CRONS if c[0] == name), "")
            state = "" if activated else "  [disabled]"
            out(f"  cron       {name:<{NAME_WIDTH}}  {expression:<14} "
                f"{described}: {what}{state}")
        if args.no_web:
            out("  dashboard  off (--no-web)")
        elif not web_available():
            out("  dashboard  not available (zcron.web is not installed: "
                "pip install -e '.[web]')")
        else:
            password = add_demo_user(config)
            from zcron.web.thread import DashboardThread, PortInUse
            try:
                dashboard = DashboardThread(db, zcml, config, args.host, args.port).start()
            except PortInUse as e:
                out(f"  dashboard  did not start: {args.host}:{args.port} is not "
                    f"free ({e}); choose another port with --port")
            except Exception as e:        # the demo goes on without it
                out(f"  dashboard  did not start: {type(e).__name__}: {e}")
            else:
                out(f"  dashboard  {dashboard.url}  user {WEB_USER}, "
                    f"password {password}")
        stats, ran = run_worker(db, args, reporter)
        if dashboard is not None:
            dashboard.stop()
            dashboard = None
        out("")
        first = (f"; the first ended {reporter.first:.1f} s after the worker started"
                 if reporter.first is not None else "")
        out(f"Stopped after {ran:.1f} s: {stats.runs} log entries{first}.")
        out(reporter.summary())
        with db.transaction() as conn:
            beats = getattr(get_root(conn).sites[SITE], "hostapp_heartbeats", 0)
        out(f"Heartbeats counted on the site so far: {beats}.")
        out(f"The database stays in {shown_path(data_fs)}; see it with:")
        if installed:
            out(f"  zcron --config {shown_path(config)} list")
        else:
            out(f"  zcron --db {shown_path(data_fs)} list")
            out("(pip install -e examples/hostapp, and the command line loads "
                f"the host's runners too: zcron --config {shown_path(config)} ...)")
    finally:
        if dashboard is not None:
            dashboard.stop()
        db.close()
    return 0


def run_worker(db, args, reporter):
    """Run a worker in this thread until Ctrl-C, SIGTERM or --seconds.
    Returns (its stats, seconds it ran)."""
    from zcron.worker import Worker

    out = reporter.print
    worker = Worker(db, concurrency=args.concurrency)
    asked = []

    def on_signal(signum, frame):
        if asked:                       # a second Ctrl-C: quit at once
            os._exit(130)
        asked.append(signum)
        out("Stopping: runs in progress finish first (Ctrl-C again to quit now).")
        worker.stop()
    previous = {sig: signal.signal(sig, on_signal)
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        until = (f"for {args.seconds:g} s" if args.seconds is not None
                 else "until Ctrl-C")
        out("")
        now = datetime.now(zone(demo_timezone()))
        out(f"Worker started at {now:%H:%M:%S %Z} with {worker.concurrency} threads; "
            f"runs show below as they end, {until}.")
        out("")
        reporter.started = time.monotonic()
        stats = worker.run(max_seconds=args.seconds)
        return stats, time.monotonic() - reporter.started
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    sys.exit(main())
