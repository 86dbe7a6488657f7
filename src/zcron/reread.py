"""A restart's re-read of one site's crontab (``zcron.sync`` decides
which sites, and from where): in chunks of CHUNK crons, each a step of
its own, so that its writes never hold a worker's claims long."""
from functools import partial
from itertools import islice

from zcron.components import crontab_manager, load_crontab, marker_for, queue_for

# Crons a restart re-reads in one step (one transaction when the event
# has a step): its writes never wait long, a conflict costs one chunk.
CHUNK = 1000


def reread_site(root, name, stamp, first, step):
    """The site's crons re-registered, CHUNK crons a ``step``: the jobs of
    removed crons first (the queue's index walked in uid order, CHUNK
    uids a step, no cron loaded); then the crons from the one numbered
    ``first`` on by insertion number, or (``first`` 0: a full re-read)
    every cron in uid order, the order of its tree and of the queue's
    index (each chunk reads a few of their buckets, not one per cron);
    every cursor holds across commits. Then the ``stamp``, once all are
    done. Nothing read in one step is trusted in the next."""
    after = ""
    while after is not None:
        after = step(partial(_removed_chunk, root, name, after))
    chunk, start = (_numbered_chunk, first) if first else (_ordered_chunk, "")
    while start is not None:
        start = step(partial(chunk, root, name, start))
    if stamp is not None:
        step(partial(_set_stamp, root, name, stamp))


def _removed_chunk(root, name, after):
    """The jobs gone of the removed crons among the CHUNK queued after
    uid ``after``; the last uid read, None after the last chunk (or once
    the site is gone)."""
    site = root.sites.get(name)
    if site is None:
        return None
    crontab = load_crontab(site)
    queued = queue_for(root).site_crons_after(name, after, CHUNK)
    removed = [uid for uid in queued if uid not in crontab]
    if removed:
        crontab_manager(site, crontab).synchronize(crons=removed)
    return queued[-1] if len(queued) == CHUNK else None


def _numbered_chunk(root, name, start):
    """The crons numbered from ``start`` on, CHUNK of them; the number to
    start the next chunk at, None after the last."""
    numbered = _sync_chunk(root, name, lambda crontab: crontab.numbered_uids(start))
    return numbered[-1][0] + 1 if len(numbered) == CHUNK else None


def _ordered_chunk(root, name, after):
    """The CHUNK crons of uids after ``after``; the last uid, None after
    the last chunk."""
    pairs = _sync_chunk(root, name,
                        lambda crontab: ((uid, uid) for uid in crontab.uids_after(after)))
    return pairs[-1][0] if len(pairs) == CHUNK else None


def _sync_chunk(root, name, cursor):
    """The crons of the first CHUNK (key, uid) pairs of ``cursor(crontab)``
    through the site's ICrontabManager; the pairs ([] when the site went
    away meanwhile)."""
    site = root.sites.get(name)
    if site is None:
        return []
    crontab = load_crontab(site)
    pairs = list(islice(cursor(crontab), CHUNK))
    crontab_manager(site, crontab).synchronize(crons=[uid for _, uid in pairs])
    jar = getattr(crontab, "_p_jar", None)
    if jar is not None:
        jar.cacheGC()          # a million crons need not all stay in memory
    return pairs


def _set_stamp(root, name, stamp):
    if name in root.sites:
        marker_for(root).set_stamp(name, stamp)
