"""A cron's older log entries, in a record of their own pickled in one
value (see ``CronLogs``); the index of their execution ids the run path
searches; and the merge of entries that two transactions changed."""
import pickle
from hashlib import blake2b

from persistent import Persistent
from ZODB.POSException import ConflictError

ID_BYTES = 16
PROTOCOL = 5     # of the older entries' own pickle (Python 3.8 on)


class OlderLogs(Persistent):
    """A cron's older entries, newest first (see CronLogs), kept pickled in
    one bytes value: a connection's cache then holds one object per cron,
    not fifty for the garbage collector to walk at each full collection,
    and a spill pickles them at C speed."""

    packed = b""

    @property
    def entries(self):
        return _unpacked(self.packed)

    @entries.setter
    def entries(self, entries):
        self.packed = pickle.dumps(tuple(entries), PROTOCOL) if entries else b""

    def _p_resolveConflict(self, old, committed, new):
        """Two spills at once merge; a clear against a spill is tried again."""
        old, committed, new = (_unpacked(dict(s or {}).get("packed", b""))
                               for s in (old, committed, new))
        if old and (not committed or not new):
            raise ConflictError("a cron's older log entries cleared meanwhile")
        merged = merge_entries(old, committed, new)
        return {"packed": pickle.dumps(merged, PROTOCOL)} if merged else {}


def _unpacked(packed):
    return pickle.loads(packed) if packed else ()


def _id_bytes(execution_id):
    """16 bytes per id: a uuid4-length hex id as is, any other by its hash."""
    try:
        raw = bytes.fromhex(execution_id)
    except ValueError:
        raw = b""
    return raw if len(raw) == ID_BYTES else blake2b(execution_id.encode(),
                                                    digest_size=ID_BYTES).digest()


def ids_of(entries):
    """The ids of ``entries`` as one bytes object: pickled and searched at C speed."""
    return b"".join(_id_bytes(e.execution_id) for e in entries if e.execution_id)


def has_id(ids, execution_id):
    if not execution_id or not ids:
        return False
    key, at = _id_bytes(execution_id), -1
    while True:
        at = ids.find(key, at + 1)
        if at < 0 or at % ID_BYTES == 0:
            return at >= 0


def _key(entry):
    """What identifies an entry across the unpickled copies of one state."""
    return (entry.execution_id, entry.date, entry.status)


def merge_entries(old, committed, new):
    """Both sides' entries, newest first: an entry of ``old`` only if
    neither side dropped it."""
    old_keys = {_key(e) for e in old}
    committed_keys = {_key(e) for e in committed}
    new_keys = {_key(e) for e in new}
    merged = {}
    for entry in committed + new:
        key = _key(entry)
        if key in old_keys and not (key in committed_keys and key in new_keys):
            continue
        merged.setdefault(key, entry)
    return tuple(sorted(merged.values(), key=lambda e: e.date, reverse=True))
