"""The ZODB queue's reads of one site's crons by the due time of their
soonest job, a due time at a time from either end of the shards' due
orders: latest first (the crontab page's reversed next-run sort) and
soonest first (its filtered next-run sort: a page reads its own groups)."""
from heapq import merge
from itertools import groupby, islice
from operator import itemgetter

from zcron.queue.keys import (DUE_WIDTH, UID_WIDTH, cron_range, earliest_due, latest_due,
                              repeated, site_due_range, soonest_due_by_uid, uids_at, us_of_due)


def site_uids(shard, site):
    """The uid of each of the site's index keys in ``shard`` (a cron's
    repeated, adjacent), as ``uids_at`` reads them."""
    return uids_at(shard.by_cron.keys(**cron_range(site)), len(site) + 1)


def site_uids_after(shards, site, after, count):
    """Up to ``count`` uids of the site's index keys, each once, in uid
    order after ``after``: the shards' key ranges merged, read lazily."""
    start, bounds = len(site) + 1, cron_range(site)
    if after:
        bounds["min"] = f"{site}\x00{after}\x00\uffff"     # past every key of ``after``
    uid_of = itemgetter(slice(start, start + UID_WIDTH))
    streams = [map(uid_of, shard.by_cron.keys(**bounds)) for shard in shards]
    return [uid for uid, _ in islice(groupby(merge(*streams)), count)]


def due_groups(shards, site, latest):
    """(due key, set of uids of the site's jobs due then) of every due
    time, the latest first (``latest``) or the soonest, read lazily."""
    step = latest_due if latest else earliest_due
    pick = max if latest else min
    heads = [step(shard.pending, site) for shard in shards]
    while any(heads):
        due = pick(filter(None, heads))
        found = set()
        for i, shard in enumerate(shards):
            if heads[i] == due:
                found.update(uids_at(shard.pending.keys(**site_due_range(due, site)),
                                     DUE_WIDTH + len(site) + 2))
                heads[i] = step(shard.pending, site, due)
        yield due, found


class Latest:
    """Groups (due µs, set of uids) latest first, each cron in one, at its
    soonest job; ``crons``: every uid they give, known before the first.
    A cron having several jobs (its index keys repeat its uid) is found up
    front; the one job of any other is its soonest."""

    def __init__(self, shards, site):
        self.shards, self.site = shards, site
        self.crons, self.several = set(), {}
        for shard in shards:
            uids, known = site_uids(shard, site), len(self.crons)
            self.crons.update(uids)
            if len(self.crons) - known < len(uids):
                for several in repeated(uids):
                    self.several.update(soonest_due_by_uid(
                        shard.by_cron.keys(**cron_range(site, several))))

    def __iter__(self):
        for due, found in due_groups(self.shards, self.site, latest=True):
            yield from self._soonest_at(us_of_due(due), found)

    def _soonest_at(self, due_us, found):
        """The group of ``found`` whose soonest job is due then."""
        if self.several:
            found = {uid for uid in found if self.several.get(uid, due_us) == due_us}
        return [(due_us, found)] if found else []


def soonest_groups(shards, site):
    """Groups (due µs, set of uids) soonest first, each cron in one, at its
    soonest job: the first group it is seen in (nothing read up front)."""
    seen = set()
    for due, found in due_groups(shards, site, latest=False):
        found -= seen
        if found:
            seen |= found
            yield us_of_due(due), found
