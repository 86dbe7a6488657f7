"""The host's job runners, and a subscriber to zcron's events.

Each runner is registered in ``configure.zcml`` under the name a cron
gives in its ``name`` field. ``run()`` returns None for OK, a text for
WARN, and raises for FAILURE; zcron writes the log entry.
"""
import logging
import os
import shutil
import threading
import time

import zcron

logger = logging.getLogger("hostapp")


class Heartbeat(zcron.Runner):
    """Always OK. Counts its beats on the site, in the run's transaction:
    the count and the log entry are committed together."""

    def run(self):
        self.site.hostapp_heartbeats = getattr(self.site, "hostapp_heartbeats", 0) + 1


class DiskCheck(zcron.Runner):
    """WARN when the disk holding ``path`` is fuller than ``warn_above``
    percent (environ: ``{"path": "/", "warn_above": 90}``)."""

    def run(self):
        path = self.environ.get("path", "/")
        warn_above = float(self.environ.get("warn_above", 90))
        usage = shutil.disk_usage(path)
        used = 100.0 * usage.used / usage.total
        if used > warn_above:
            return (f"{path}: {used:.0f}% used, {usage.free / 2**30:.1f} GiB free "
                    f"(warning above {warn_above:g}%)")
        return None


class Flaky(zcron.Runner):
    """Fails on every ``every``-th run (default 3), starting with the 2nd:
    deterministic, so that the demo shows a FAILURE early."""

    def run(self):
        every = int(self.environ.get("every", 3))
        # log_counts counts every entry ever logged for this cron (the log
        # itself only keeps the newest few).
        number = sum(self.cron.log_counts.values()) + 1
        if number % every == 2 % every:
            raise RuntimeError(f"run {number}: the upstream service did not answer")
        return None


class SlowReport(zcron.Runner):
    """Takes ``seconds`` (default 3): longer than an every-2-seconds
    period, so that the overlap policy shows (NOTRUN "overlap" with the
    default policy ``skip``)."""

    def run(self):
        time.sleep(float(self.environ.get("seconds", 3)))
        return None


_write_lock = threading.Lock()


def on_finished(event):
    """Subscriber of IFinishedCronJobEvent: one line per run.

    Appended to the file named by ``$HOSTAPP_EVENT_LOG`` when set (the
    buildout sets it), else logged on the ``hostapp`` logger.
    """
    cron, log = event.object, event.log
    site = getattr(event.site, "name", "?")
    line = " ".join([
        log.date.isoformat(timespec="seconds"), site, cron.name, log.status,
        "; ".join(log.messages)]).rstrip()
    path = os.environ.get("HOSTAPP_EVENT_LOG")
    if path:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with _write_lock, open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
    else:
        logger.info("%s", line)
