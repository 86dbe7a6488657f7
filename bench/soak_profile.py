"""The soak's opt-in memory profile of its worker child (bench/soak.py):
what grows in the worker's RSS over a soak.

ZCRON_SOAK_PROFILE=DIR (with ZCRON_SOAK_PROFILE_AT=2,8, the minutes, by
default those) writes, at the first sample at or after each of those
minutes, DIR/at-<t>s.json: RSS, the FileStorage index's length (the oids
ever made), the connections' cache sizes and their non-ghost objects by
type (with the empty buckets), the live objects per type, the ten
largest dicts, lists and sets (a container growing hides in one count),
the memory the collector does not track (strings, bytes, numbers,
tuples and dicts of those) by the type holding it, with the largest such
containers, the pymalloc summary of sys._debugmallocstats() and its
blocks in use per size class, glibc's heap (mallinfo2).
ZCRON_SOAK_TRACE=FRAMES also traces allocations with tracemalloc from
the first point on (it slows the worker many times) and snapshots
DIR/at-<t>s.snapshot. After the last point, DIR/compare.txt: the types
that grew, and the top 15 tracebacks of what was allocated after the
first point and is still held at the last.
ZCRON_SOAK_CACHE=N (read by soak.py) sets the connections' cache size
(zcron's default: 20,000 objects). For instance:

    ZCRON_SOAK_PROFILE=/tmp/prof .venv/bin/python bench/run.py --only soak \\
        --soak-minutes 8 --soak-sample 30
"""
import ctypes
import gc
import json
import os
import sys
import tempfile
import tracemalloc
from collections import Counter

from common import rss_mb


class Profiler:
    """The opt-in memory profile of the worker (see the module's docstring)."""

    def __init__(self, directory, minutes, db):
        self.directory, self.db, self.points = directory, db, []
        self.due = sorted(float(m) * 60 for m in minutes.split(","))
        self.frames = int(os.environ.get("ZCRON_SOAK_TRACE", "0"))
        os.makedirs(directory, exist_ok=True)

    @classmethod
    def from_environ(cls, db):
        directory = os.environ.get("ZCRON_SOAK_PROFILE")
        return directory and cls(directory, os.environ.get("ZCRON_SOAK_PROFILE_AT", "2,8"),
                                 db)

    def maybe_take(self, t):
        if self.due and t >= self.due[0]:
            self.due.pop(0)
            self.take(t)
            if not self.due:
                self.compare()

    def take(self, t):
        gc.collect()
        objects = gc.get_objects()
        types = Counter(type(o).__qualname__ for o in objects)
        largest = sorted(((len(o), type(o).__qualname__) for o in objects
                          if type(o) in (dict, list, set)), reverse=True)[:10]
        pymalloc = _debugmallocstats()
        facts = {"t_s": t, "rss_mb": rss_mb(),
                 "traced_mb": tracemalloc.get_traced_memory()[0] / 2 ** 20,
                 "fs_index_len": len(self.db.storage._index),
                 "cache_size": self.db.cacheSize(),
                 "cache_detail_size": self.db.cacheDetailSize(),
                 "caches": [_cached(conn) for conn in self.db.pool.all],
                 "pymalloc": _mallocstats_summary(pymalloc), "glibc": _mallinfo(),
                 "largest_containers": largest,
                 "untracked": _untracked(objects),
                 "pymalloc_classes": _mallocstats_classes(pymalloc),
                 "types": dict(types.most_common(60))}
        name = os.path.join(self.directory, f"at-{t:g}s")
        with open(name + ".json", "w") as f:
            json.dump(facts, f, indent=1, default=str)
        if tracemalloc.is_tracing():
            tracemalloc.take_snapshot().dump(name + ".snapshot")
        elif self.frames:
            tracemalloc.start(self.frames)
        self.points.append((name, facts))

    def compare(self):
        (first, a), (last, b) = self.points[0], self.points[-1]
        grown = {k: v - a["types"].get(k, 0) for k, v in b["types"].items()}
        lines = [f"{first} -> {last}: RSS {a['rss_mb']:.1f} -> {b['rss_mb']:.1f} MB, "
                 f"traced {a['traced_mb']:.1f} -> {b['traced_mb']:.1f} MB, fsIndex "
                 f"{a['fs_index_len']} -> {b['fs_index_len']}",
                 "types: " + ", ".join(f"{k} {d:+d}" for k, d in sorted(
                     grown.items(), key=lambda kv: -kv[1])[:20])]
        if tracemalloc.is_tracing():      # since the first point: what it holds grew
            tracemalloc.stop()
            new = tracemalloc.Snapshot.load(last + ".snapshot")
            for stat in new.statistics("traceback")[:15]:
                lines.append(f"{stat.size / 1024:+.1f} KiB {stat.count:+d} blocks")
                lines.extend("    " + x for x in stat.traceback.format()[-8:])
        with open(os.path.join(self.directory, "compare.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")


def _cached(conn):
    """A connection's non-ghost objects by type; the BTree buckets and sets
    among them that are empty (a dead one, unlinked by a delete, stays
    cached until the cache's LRU drops it)."""
    objects = [obj for _, obj in conn._cache.lru_items()]
    empty = sum(1 for obj in objects if type(obj).__name__ in ("OOBucket", "OOSet")
                and not len(obj))
    return {"empty_buckets": empty,
            "types": dict(Counter(type(obj).__name__ for obj in objects).most_common(6))}


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
        "uordblks", "fordblks", "keepcost")]


def _mallinfo():
    """glibc's heap in MB: its arenas' bytes (``arena``), in use
    (``uordblks``), free inside them (``fordblks``: fragmentation, or
    room kept), and mmapped blocks (``hblkhd``); {} where there is none."""
    try:
        call = ctypes.CDLL("libc.so.6").mallinfo2
    except (OSError, AttributeError):
        return {}
    call.restype = _Mallinfo2
    info = call()
    return {name: getattr(info, name) / 2 ** 20
            for name in ("arena", "uordblks", "fordblks", "hblkhd")}


def _debugmallocstats():
    """The lines of sys._debugmallocstats() (it writes to fd 2)."""
    with tempfile.TemporaryFile("w+") as tmp:
        saved = os.dup(2)
        sys.stderr.flush()
        os.dup2(tmp.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        return tmp.read().splitlines()


def _mallocstats_summary(lines):
    return [x.strip() for x in lines if x.startswith(("#", "Total"))]


def _mallocstats_classes(lines):
    """pymalloc's blocks in use per size class: which sizes of object grow."""
    classes = {}
    for line in lines:
        fields = line.split()
        if len(fields) == 5 and all(f.isdigit() for f in fields):
            classes[int(fields[1])] = int(fields[3])
        elif line.startswith("#"):
            break
    return classes


def _untracked(objects):
    """Bytes of the objects the collector does not track, reached from
    those it does, by (holder type, their type); the 25 largest groups and
    the 10 largest untracked dicts and tuples with their holders."""
    groups, seen, largest = Counter(), set(), []
    owners = {}               # an instance's __dict__ is named by the instance's type
    for obj in objects:
        attributes = getattr(obj, "__dict__", None) if not isinstance(obj, type) else None
        if type(attributes) is dict:
            owners[id(attributes)] = type(obj).__qualname__
    for holder in objects:
        name = owners.get(id(holder)) or type(holder).__qualname__
        for obj in gc.get_referents(holder):
            if gc.is_tracked(obj) or id(obj) in seen:
                continue
            seen.add(id(obj))
            key = f"{name} > {type(obj).__qualname__}"
            groups[key] += sys.getsizeof(obj)
            if type(obj) in (dict, tuple) and len(obj) > 100:
                largest.append((len(obj), key))
    return {"groups": dict(groups.most_common(25)),
            "largest": sorted(largest, reverse=True)[:10]}
