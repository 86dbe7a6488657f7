"""``zcron worker``: run due jobs, one line per run, until stopped."""
import json
import signal
import threading
import time

import click

from zcron.cli.app import cli, pass_app
from zcron.cli.output import first_line, format_duration, in_zone, plural
from zcron.cli.params import SECONDS, json_option
from zcron.cli.terminal import colour_on, paint
from zcron.cli.zope import use_zope_conf, zope_conf_option
from zcron.interfaces import STATUSES

NAME_WIDTH = 16        # the runs' names are padded to this, or to the longest seen
TIME_WIDTH = 14        # HH:MM:SS and a zone's abbreviation (CET, NZDT, +0530)


class RunPrinter:
    """A FinishedCronJobEvent subscriber printing a line per run, from
    whichever worker thread finished it."""

    def __init__(self, as_json=False, utc=False):
        self.as_json = as_json
        self.utc = utc
        self.lock = threading.Lock()
        self.name_width = NAME_WIDTH       # grows with the longest name seen
        self.colour = colour_on()

    def __call__(self, event):
        cron, log, site = event.object, event.log, event.site
        site_name = getattr(site, "name", None)
        with self.lock:
            if self.as_json:
                line = json.dumps({
                    "event": "run", "date": log.date.isoformat(), "site": site_name,
                    "uid": cron.uid, "name": cron.name, "status": log.status,
                    "duration": log.duration, "messages": list(log.messages),
                    "fire_time": None if log.fire_time is None else log.fire_time.isoformat(),
                    "execution_id": log.execution_id,
                }, ensure_ascii=False)
            else:
                line = self.text_line(cron, log, site_name)
            click.echo(line.rstrip())

    def text_line(self, cron, log, site_name):
        """``21:04:06 CET    heartbeat  OK       0.00s  message``: the time
        in the cron's zone (or UTC), the columns aligned as the demo's."""
        name = cron.name if site_name in (None, "default") else f"{site_name}/{cron.name}"
        self.name_width = max(self.name_width, len(name))
        when = in_zone(log.date, cron.timezone, self.utc).strftime("%H:%M:%S %Z")
        status = f"{log.status:<7}"
        if self.colour:
            status = paint(status, log.status)
        return (f"{when:<{TIME_WIDTH}}  {name:<{self.name_width}}  {status}  "
                f"{format_duration(log.duration):>7}  {first_line(log.messages)}")


class Signals:
    """SIGTERM and SIGINT stop the worker cleanly; the same signal again
    does what it does by default (Ctrl-C twice: KeyboardInterrupt)."""

    NAMES = {signal.SIGTERM: "SIGTERM", signal.SIGINT: "SIGINT"}

    def __init__(self, worker):
        self.worker = worker
        self.previous = {}

    def handle(self, signum, frame):
        click.echo(f"zcron: {self.NAMES[signum]}: stopping; runs in progress finish "
                   "(send it again to stop at once)", err=True)
        self.worker.stop()
        signal.signal(signum, self.previous[signum])

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for signum in self.NAMES:
                self.previous[signum] = signal.signal(signum, self.handle)
        return self

    def __exit__(self, *exc):
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)


def start_dashboard(app, db, address):
    """The dashboard in a thread of this process, on its open database."""
    from zcron.cli.web import check_users, web_module
    from zcron.exceptions import InvalidInput
    web_module()
    from zcron.web.thread import DashboardThread
    host, _, port = address.rpartition(":")
    if not port.isdigit():
        raise InvalidInput("--web", address, "expected [HOST:]PORT, e.g. 127.0.0.1:8080")
    config = check_users(app)
    dashboard = DashboardThread(db, list(app.zcml_files), config, host or "127.0.0.1",
                                int(port)).start()
    click.echo(f"zcron: dashboard on {dashboard.url}", err=True)
    return dashboard


def start_alerts(app):
    """The subscriber sending alerts where the config file's [alerts] says."""
    from zcron.alerts.config import Alerts, read_channels
    channels = read_channels(app.config_path) if app.config_path else []
    return Alerts(channels).install() if channels else None


def summary_text(by_status, seconds):
    runs = sum(by_status.values())
    counts = ", ".join(f"{s} {by_status[s]}" for s in STATUSES if by_status.get(s))
    text = f"worker stopped after {seconds:.1f}s: {plural(runs, 'run')}"
    return text + (f" ({counts})" if counts else "")


@cli.command(epilog="""\b
Examples:
  zcron --zcml myhost/configure.zcml worker --concurrency 4
  zcron --zcml myhost/configure.zcml worker --until-idle      (cron jobs, then exit)
  zcron --db zeo://db:8100 --zcml myhost/configure.zcml worker --json

\b
A FileStorage (file://) opens in one process only: run several workers on
zeo:// or postgres://.
""")
@click.option("--concurrency", type=click.IntRange(1, 1024), default=4, show_default=True,
              help="Runs at the same time (threads).")
@click.option("--max-seconds", type=SECONDS, metavar="SECONDS",
              help="Stop after this long (e.g. 600, 10m).")
@click.option("--until-idle", is_flag=True,
              help="Stop once nothing is due and nothing runs.")
@click.option("--lease", type=SECONDS, default=30, show_default=True, metavar="SECONDS",
              help="A worker silent this long is taken for lost by the others, "
                   "which account for its runs.")
@click.option("--isolation", type=click.Choice(["thread", "process"]), default="thread",
              show_default=True, help="Where runs of crons without an isolation of "
              "their own happen: a thread, or a child process killed at the timeout.")
@click.option("--alert-interval", type=SECONDS, default=30, show_default=True,
              metavar="SECONDS", help="How often it checks for overdue crons and runs "
              "running long ('0': never); alerts go where [alerts] in the config says.")
@click.option("--quiet", "-q", is_flag=True, help="No line per run; only the summary.")
@click.option("--utc", is_flag=True, help="Times of the run lines in UTC instead of "
              "each cron's own time zone.")
@click.option("--web", metavar="[HOST:]PORT",
              help="Serve the dashboard from this process too (its users are in "
                   "the config file); the way to have it on a FileStorage.")
@zope_conf_option
@json_option
@pass_app
def worker(app, concurrency, max_seconds, until_idle, lease, isolation, alert_interval,
           quiet, utc, web, zope_conf, as_json):
    """Run due jobs until stopped (SIGTERM, Ctrl-C), printing a line per
    run: time, cron, status, duration, message. Runs in progress finish
    when it stops; claimed runs not yet started go back to the queue.
    Creates the database if there is none yet."""
    from zope.component import getGlobalSiteManager

    from zcron.config import add_subscriber
    from zcron.interfaces import IFinishedCronJobEvent
    from zcron.worker import Worker
    if zope_conf:
        use_zope_conf(app, zope_conf)
    db = app.open_db(create=True)
    runner = Worker(db, concurrency=concurrency, lease=lease, isolation=isolation,
                    alert_interval=alert_interval)
    alerts = start_alerts(app)
    printer = RunPrinter(as_json, utc)
    if not quiet:
        add_subscriber(printer, IFinishedCronJobEvent)
    dashboard = start_dashboard(app, db, web) if web else None
    started = time.monotonic()
    try:
        with Signals(runner):     # it says it runs once SIGTERM stops it cleanly
            click.echo(f"zcron: worker {runner.id} on {app.uri}: {concurrency} threads; "
                       "Ctrl-C or SIGTERM stops it", err=True)
            stats = runner.run(max_seconds=max_seconds, until_idle=until_idle)
    finally:
        if dashboard is not None:
            dashboard.stop()
        if alerts is not None:
            alerts.uninstall()
        if not quiet:
            getGlobalSiteManager().unregisterHandler(printer, (IFinishedCronJobEvent,))
    print_summary(dict(stats.by_status), time.monotonic() - started, runner.id, as_json)


def print_summary(by_status, seconds, worker_id, as_json):
    if as_json:
        click.echo(json.dumps({"event": "summary", "runs": sum(by_status.values()),
                               "by_status": by_status, "seconds": round(seconds, 3),
                               "worker": worker_id}))
    else:
        click.echo(summary_text(by_status, seconds))
