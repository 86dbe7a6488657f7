"""The crontab's indexes over its crons, kept in one place as crons are
added, edited and removed, so that a listing or a check can read an index
instead of loading every cron. Each index is a BTree on the crontab;
``added``/``edited``/``removed`` are the only writers (and
``build_alerting``, for crontabs made before their index)."""
from BTrees.OOBTree import OOTreeSet
from persistent import Persistent

from zcron.model import digest

# The fields that make a cron one the alert check reads (its own value set).
ALERTING = ("alert_no_success", "alert_running")


def created(crontab):
    crontab._alerting = AlertingIndex(building_from=None)


def added(crontab, cron):
    _index_name(crontab, cron.name, cron.uid)
    _index_alerting(crontab, cron)
    digest.noted(crontab, cron, crontab._number[cron.uid])


def edited(crontab, cron, before):
    """``before``: {field: value before the edit} of the fields it set."""
    if "name" in before and before["name"] != cron.name:
        _unindex_name(crontab, before["name"], cron.uid)
        _index_name(crontab, cron.name, cron.uid)
    if any(field in before for field in ALERTING):
        _index_alerting(crontab, cron)
    digest.noted(crontab, cron)


def removed(crontab, cron):
    _unindex_name(crontab, cron.name, cron.uid)
    index = getattr(crontab, "_alerting", None)
    if index is not None:
        index.uids.discard(cron.uid)
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


class AlertingIndex(Persistent):
    """The uids of the crons with an alert field of their own. Built from
    an older crontab, it holds the crons added or edited since, and those
    the build has read, in uid order up to ``building_from`` (None: all of
    them). At worst a superset (a build reading a cron just edited)."""

    def __init__(self, building_from=""):
        self.uids = OOTreeSet()
        self.building_from = building_from


def alerting_uids(crontab):
    """The uids of the crons that can alert, None until its index is built."""
    index = getattr(crontab, "_alerting", None)
    return None if index is None or index.building_from is not None else index.uids


def build_alerting(crontab, chunk):
    """Read up to ``chunk`` more crons into the index of a crontab made
    before it; True once it is complete. Read in uid order, a chunk's
    crons share the buckets of the crontab's BTree."""
    index = getattr(crontab, "_alerting", None)
    if index is None:
        index = crontab._alerting = AlertingIndex()
    if index.building_from is None:
        return True
    for count, (uid, cron) in enumerate(crontab._crons.items(min=index.building_from)):
        if count == chunk:
            index.building_from = uid
            return False
        _index_alerting(crontab, cron)
    index.building_from = None
    return True


def _index_alerting(crontab, cron):
    index = getattr(crontab, "_alerting", None)
    if index is None:
        return              # built from the crons when first asked
    if any(getattr(cron, field) is not None for field in ALERTING):
        index.uids.add(cron.uid)
    else:
        index.uids.discard(cron.uid)
