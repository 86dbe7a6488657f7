"""A read-only registry manager reading a crontab from a JSON file, for
crontabs kept in version control. Register a site with
``registry='json'`` and ``registry_options={'path': '/etc/crontab.json'}``.

The crontab itself is never written; each cron's log is kept in the site
(``site.json_logs``, by cron uid), so runs are still recorded. A cron
without a uid in the file gets one derived from its name (and its rank
among the crons of that name), so that its log survives reloads and
edits of its other fields.
"""
import hashlib
import os
import threading

from BTrees.OOBTree import OOBTree
from zope.component import adapter
from zope.interface import implementer

from zcron.exceptions import InvalidDump, InvalidInput
from zcron.interfaces import ICronSite, IRegistryManager
from zcron.model.crontab import Crontab
from zcron.model.jsonio import parse_json

_cache = {}            # path -> ((mtime, size), parsed JSON)
_cache_lock = threading.Lock()


def stable_uid(name, rank):
    return hashlib.sha256(f"{name}\x00{rank}".encode()).hexdigest()[:32]


def _with_uids(data):
    """The parsed file with each cron as a dict carrying a uid."""
    if isinstance(data, list):
        data = {"crons": data}
    if not isinstance(data, dict) or not isinstance(data.get("crons", []), list):
        raise InvalidDump(str(data)[:80], "a crontab must be an object with a 'crons' list")
    crons, ranks = [], {}
    for item in data.get("crons", []):
        item = parse_json(item)
        if isinstance(item, dict) and not item.get("uid") \
                and isinstance(item.get("name"), str):
            name = item["name"]
            rank = ranks[name] = ranks.get(name, -1) + 1
            item = dict(item, uid=stable_uid(name, rank))
        crons.append(item)
    return dict(data, crons=crons)


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
        data = _with_uids(parse_json(f.read()))
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
                # the file's own log entries, if any, start the record
                record = logs[cron.uid] = cron.log_record()
            cron._logs = record
        return crontab

    def _logs(self):
        logs = getattr(self.site, "json_logs", None)
        if logs is None:
            logs = self.site.json_logs = OOBTree()
        return logs

    def save(self, crontab, crons=None):
        """Nothing to write: the file is the source of truth."""
