"""Which live worker owns which queue shard at a moment: ownership turns
with the due time of the shard's soonest job, so that over a minute every
worker owns every shard as often, whatever the crons' periods. A worker
claims its own shards' jobs first, others' only once they are late."""
from zcron.queue.keys import due_of_pending


def owner_turn(due):
    """Shifts shard ownership: every second, and every minute, hour and
    day too, so that crons firing at :00 of a minute (or an hour, or a
    day) also find their shard owned by each worker in turn."""
    seconds = int(due.timestamp())
    return seconds + seconds // 60 + seconds // 3600 + seconds // 86400


def partition(shards, alive, worker):
    """(the shards ``worker`` owns now, the others) of the non-empty
    ``shards`` (pending BTrees, by shard number), among the sorted ids of
    the ``alive`` workers; a worker unknown there owns every shard."""
    if worker is None or worker not in alive:
        return [s for _, s in shards], []
    rank, count = alive.index(worker), len(alive)
    own, other = [], []
    for i, shard in shards:
        turn = owner_turn(due_of_pending(shard.pending.minKey()))
        (own if (i + turn) % count == rank else other).append(shard)
    return own, other
