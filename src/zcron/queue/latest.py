"""The ZODB queue's read of one site's crons by the due time of their
soonest job, latest first: the shards' due orders read back from their
end a due time at a time (the crontab page's reversed next-run sort)."""
from zcron.queue.keys import (DUE_WIDTH, cron_range, latest_due, repeated, site_due_range,
                              soonest_due_by_uid, uids_at, us_of_due)


def site_uids(shard, site):
    """The uid of each of the site's index keys in ``shard`` (a cron's
    repeated, adjacent), as ``uids_at`` reads them."""
    return uids_at(shard.by_cron.keys(**cron_range(site)), len(site) + 1)


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
        site = self.site
        heads = [latest_due(shard.pending, site) for shard in self.shards]
        while any(heads):
            due = max(filter(None, heads))
            found = set()
            for i, shard in enumerate(self.shards):
                if heads[i] == due:
                    found.update(uids_at(shard.pending.keys(**site_due_range(due, site)),
                                         DUE_WIDTH + len(site) + 2))
                    heads[i] = latest_due(shard.pending, site, due)
            yield from self._soonest_at(us_of_due(due), found)

    def _soonest_at(self, due_us, found):
        """The group of ``found`` whose soonest job is due then."""
        if self.several:
            found = {uid for uid in found if self.several.get(uid, due_us) == due_us}
        return [(due_us, found)] if found else []
