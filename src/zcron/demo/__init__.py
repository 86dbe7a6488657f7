"""``python -m zcron.demo`` (``make demo``): zcron running a host's crons.

It sets up ``var/demo/Data.fs`` (in the current directory) with a site
``default`` whose crontab runs the job runners of the example host
``examples/hostapp`` -- one that succeeds, one that warns, one that fails
now and then, one slower than its period -- and the jobs the host
declares (its plugin, its ``@zcron.cronjob``, its ``<zcron:cron>``, its
scheduler.ini), put on the site by the worker's start-up sync; starts a worker in this
process and prints every run as it ends, and the dashboard too when
``zcron.web`` is installed. Ctrl-C (or ``--seconds N``) stops it cleanly
and prints a summary.

The database is kept between runs (``--reset`` starts afresh), so the
command line works on it afterwards (``var/demo/zcron.ini`` names the
database and the ZCML; the dashboard's user is in it too)::

    .venv/bin/zcron --config var/demo/zcron.ini list
"""
import argparse
import os
import signal
import sys
import time
from datetime import datetime
from pathlib import Path

import zcron
from zcron.cli.output import zone
from zcron.demo.host import (SITE_ZCML, WEB_USER, add_demo_user, demo_timezone,
                             heartbeats, import_hostapp, remove_database,
                             set_up_crontab, web_available, write_config)
from zcron.declared import declarations
from zcron.declared.settings import use_config
from zcron.demo.report import (Reporter, print_declared, print_setup,
                               print_summary, print_what_stays)
from zcron.exceptions import ZcronError
from zcron.interfaces import IFinishedCronJobEvent

DEFAULT_PORT = 8080


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
    use_config(config)              # the declared sources read it
    zcron.configure(str(zcml))
    reporter = Reporter()
    zcron.add_subscriber(reporter, IFinishedCronJobEvent)
    out = reporter.print

    db = zcron.open_db(f"file://{data_fs}")
    dashboard = None
    try:
        crons, added = set_up_crontab(db)
        print_setup(out, data_fs, crons, added)
        print_declared(out, declarations())
        dashboard = start_dashboard(out, args, db, zcml, config)
        stats, ran = run_worker(db, args, reporter)
        if dashboard is not None:
            dashboard.stop()
            dashboard = None
        print_summary(reporter, stats, ran)
        print_what_stays(out, heartbeats(db), data_fs, config, installed)
    finally:
        if dashboard is not None:
            dashboard.stop()
        db.close()
    return 0


def start_dashboard(out, args, db, zcml, config):
    """The dashboard in a thread, and its line (with the login), or None
    and why not: the demo goes on without it."""
    if args.no_web:
        out("  dashboard  off (--no-web)")
        return None
    if not web_available():
        out("  dashboard  not available (zcron.web is not installed: "
            "pip install -e '.[web]')")
        return None
    password = add_demo_user(config)
    from zcron.web.thread import DashboardThread, PortInUse
    try:
        dashboard = DashboardThread(db, zcml, config, args.host, args.port).start()
    except PortInUse as e:
        out(f"  dashboard  did not start: {args.host}:{args.port} is not "
            f"free ({e}); choose another port: --port N (make demo DEMO_ARGS=\"--port N\")")
        return None
    except Exception as e:        # the demo goes on without it
        out(f"  dashboard  did not start: {type(e).__name__}: {e}")
        return None
    out(f"  dashboard  {dashboard.url}  user {WEB_USER}, password {password}")
    return dashboard


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
