"""A read-only registry manager reading a crontab from a JSON file, for
crontabs kept in version control. Register a site with
``registry='json'`` and ``registry_options={'path': '/etc/crontab.json'}``.

The crontab itself is never written; each cron's log is kept in the site
(``site.registry_options`` stays as given), so runs are still recorded.
"""
import os
import threading

from BTrees.OOBTree import OOBTree
from zope.component import adapter
from zope.interface import implementer

from zcron.exceptions import InvalidInput
from zcron.interfaces import ICronSite, IRegistryManager
from zcron.model.crontab import Crontab
from zcron.model.jsonio import parse_json
from zcron.model.logs import CronLogs

_cache = {}            # path -> (mtime, size, parsed JSON)
_cache_lock = threading.Lock()


def _read(path):
    try:
        stat = os.stat(path)
    except OSError as e:
        raise InvalidInput("crontab file", path, e.strerror) from None
    key = (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
    with open(path, encoding="utf-8") as f:
        data = parse_json(f.read())
    Crontab.load(data)            # validate once, before caching
    with _cache_lock:
        _cache[path] = (key, data)
    return data


@adapter(ICronSite)
@implementer(IRegistryManager)
class JSONFileRegistryManager:
    read_only = True

    def __init__(self, site):
        self.site = site

    @property
    def path(self):
        path = self.site.registry_options.get("path")
        if not path:
            raise InvalidInput("registry_options", dict(self.site.registry_options),
                               "the json registry needs a 'path'")
        return path

    def load(self):
        crontab = Crontab.load(_read(self.path), site=self.site.name)
        crontab.__parent__ = self.site
        crontab.read_only = True
        logs = self._logs()
        for cron in crontab:
            record = logs.get(cron.uid)
            if record is None:
                record = logs[cron.uid] = CronLogs()
                record.entries = tuple(cron.logs)
            cron._logs = record
        return crontab

    def _logs(self):
        logs = getattr(self.site, "json_logs", None)
        if logs is None:
            logs = self.site.json_logs = OOBTree()
        return logs

    def save(self, crontab, crons=None):
        """Nothing to write: the file is the source of truth."""
