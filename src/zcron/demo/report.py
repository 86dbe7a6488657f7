"""What the demo prints: the set-up, a line per run as it ends, and the
counts and next steps once the worker stopped."""
import os
import shutil
import sys
import threading
import time

from zcron.cli.output import zone
from zcron.demo.host import CRONS, SITE, hostapp_zcml
from zcron.interfaces import FAILURE, NOTRUN, OK, STATUSES, WARN

NAME_WIDTH = max(len(c[0]) for c in CRONS)
STATUS_WIDTH = max(len(s) for s in STATUSES)


def shown_path(path):
    """A path relative to the working directory when it is below it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


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
        if cron.declared:
            message = f"[declared {cron.declared}] {message}"
        return (f"{when}  {name:<{NAME_WIDTH}}  {log.status:<{STATUS_WIDTH}}  "
                f"{duration:>7}  {message}").rstrip()

    def print(self, text=""):
        print(text, file=self.out, flush=True)

    def summary(self):
        names = [c[0] for c in CRONS] + sorted(set(self.counts) - {c[0] for c in CRONS})
        columns = (OK, WARN, FAILURE, NOTRUN)
        width = max(len(name) for name in names)
        lines = [f"{'cron':<{width}}  " + "  ".join(f"{s:>7}" for s in columns)]
        for name in names:
            counts = self.counts.get(name, {})
            lines.append(f"{name:<{width}}  "
                         + "  ".join(f"{counts.get(s, 0):>7}" for s in columns))
        return "\n".join(lines)


def print_setup(out, data_fs, crons, added):
    """The database, the host and each cron, before the dashboard's line."""
    out("zcron demo")
    out(f"  database   {shown_path(data_fs)} (site {SITE!r}"
        + (", new" if len(added) == len(CRONS) else "") + ")")
    out("  host       hostapp, its runners and subscriber registered in "
        + shown_path(hostapp_zcml()))
    for name, expression, described, activated in crons:
        what = next((c[3] for c in CRONS if c[0] == name), "")
        state = "" if activated else "  [disabled]"
        out(f"  cron       {name:<{NAME_WIDTH}}  {expression:<14} "
            f"{described}: {what}{state}")


def print_declared(out, found):
    """The host's declared jobs: the worker's start-up sync puts their
    crons on the site."""
    for declaration in found:
        out(f"  declared   {declaration.origin}:{declaration.name}  "
            f"{declaration.schedule}  (at {declaration.source})")
    if found:
        out("             (kept on the site by the sync at worker start)")


def print_summary(reporter, stats, ran):
    """How long the worker ran, what it logged per cron and status."""
    out = reporter.print
    out("")
    first = (f"; the first ended {reporter.first:.1f} s after the worker started"
             if reporter.first is not None else "")
    out(f"Stopped after {ran:.1f} s: {stats.runs} log entries{first}.")
    out(reporter.summary())


def zcron_command():
    """The zcron script of this Python (``.venv/bin/zcron`` after ``make
    demo``), or ``zcron`` when that is the one the shell finds."""
    script = os.path.join(os.path.dirname(sys.executable), "zcron")
    if not os.path.exists(script) or shutil.which("zcron") == script:
        return "zcron"
    return shown_path(script)


def print_what_stays(out, beats, data_fs, config, installed):
    """What the runs left on the site, and the command that shows the kept
    database (with the host's runners when the host is installed)."""
    out(f"Heartbeats counted on the site so far: {beats}.")
    out(f"The database stays in {shown_path(data_fs)}; see it with:")
    if installed:
        out(f"  {zcron_command()} --config {shown_path(config)} list")
    else:
        out(f"  {zcron_command()} --db {shown_path(data_fs)} list")
        out("(pip install -e examples/hostapp, and the command line loads "
            f"the host's runners too: zcron --config {shown_path(config)} ...)")
