"""The crontab's indexes over its crons, kept in one place as crons are
added, edited and removed, so that a listing or a check can read an index
instead of loading every cron. Each index is a BTree on the crontab;
``added``/``edited``/``removed`` are the only writers."""
from BTrees.OOBTree import OOTreeSet

from zcron.model import digest


def added(crontab, cron):
    _index_name(crontab, cron.name, cron.uid)
    digest.noted(crontab, cron, crontab._number[cron.uid])


def edited(crontab, cron, before):
    """``before``: {field: value before the edit} of the fields it set."""
    if "name" in before and before["name"] != cron.name:
        _unindex_name(crontab, before["name"], cron.uid)
        _index_name(crontab, cron.name, cron.uid)
    digest.noted(crontab, cron)


def removed(crontab, cron):
    _unindex_name(crontab, cron.name, cron.uid)
    digest.dropped(crontab, cron.uid)


def _index_name(crontab, name, uid):
    uids = crontab._names.get(name)
    if uids is None:
        uids = crontab._names[name] = OOTreeSet()
    uids.add(uid)


def _unindex_name(crontab, name, uid):
    uids = crontab._names[name]
    uids.remove(uid)
    if not uids:
        del crontab._names[name]
