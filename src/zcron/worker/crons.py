"""The crons of jobs within one transaction: each site's crontab loaded
once, and over a network (ZEO, RelStorage) a group's crons and their logs
asked for in bulk."""
from zcron.components import load_crontab
from zcron.exceptions import NotFound


class Crons:
    def __init__(self, root):
        self.root = root
        self._crontabs = {}

    def of(self, job):
        """The cron of ``job``; None when it or its site is gone."""
        site = self.root.sites.get(job.site)
        if site is None:
            return None
        crontab = self._crontabs.get(job.site)
        if crontab is None:
            crontab = self._crontabs[job.site] = load_crontab(site)
        try:
            return crontab.get(job.uid)
        except NotFound:
            return None

    def site(self, job):
        return self.root.sites[job.site]

    def prefetch(self, conn, jobs):
        """Ask for the crons of ``jobs``, then for their logs, in bulk:
        over a network, two round trips instead of two per run."""
        crons = [cron for cron in map(self.of, jobs) if cron is not None]
        conn.prefetch(crons)
        conn.prefetch([cron.log_record() for cron in crons if cron.has_log_record])
