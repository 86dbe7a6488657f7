"""The workers' say in the process's memory management. While any worker
runs, what the start loaded (code, modules, components) is frozen out of
full collections, and those come ten times more rarely. At 1,000 runs/s a
full collection came every 3-4 s and walked the whole heap for 50-100 ms,
every thread stopped meanwhile; the cyclic garbage runs leave is small, so
waiting longer for it costs little memory. The threads started meanwhile
share the C allocator's main arena (``one_arena``). Once the last worker
of the process stops, both are as they were. And now and then the C
allocator's free pages go back to the system (``release_free_memory``)."""
import ctypes
import gc
import os
import threading
from contextlib import contextmanager

# How many more younger collections a full one waits for.
RARER = 10

_lock = threading.Lock()
_workers = [0, None]      # workers running, the thresholds before the first


@contextmanager
def tuned_memory():
    with _lock:
        if not _workers[0]:
            _workers[1] = thresholds = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(thresholds[0], thresholds[1], thresholds[2] * RARER)
            one_arena(True)
        _workers[0] += 1
    try:
        yield
    finally:
        with _lock:
            _workers[0] -= 1
            if not _workers[0]:
                gc.set_threshold(*_workers[1])
                gc.unfreeze()
                one_arena(False)


def _libc(name):
    """A function of glibc, None where the C library has none."""
    try:
        return getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):
        return None


_mallopt = _libc("mallopt")
M_ARENA_MAX = -8


def one_arena(on):
    """Threads started while ``on`` allocate from glibc's main arena. glibc
    gives each new thread an arena of its own, for threads that allocate
    at once; Python's threads allocate under the GIL, one at a time, and
    each arena keeps its own free chunks. In 7-minute soaks at 1,000
    runs/s the worker's RSS read 79.7-82.5 MB with one arena, 80.8-85.5 MB
    with glibc's. An operator's MALLOC_ARENA_MAX is left as it is."""
    if _mallopt is not None and "MALLOC_ARENA_MAX" not in os.environ:
        _mallopt(M_ARENA_MAX, 1 if on else 0)


_trim = _libc("malloc_trim")


def release_free_memory():
    """Give the C allocator's free pages back to the system: freed chunks
    otherwise stay resident. In the 1,000 runs/s soak, when the pool's
    threads still had arenas of their own, 11 of 25 MB of glibc's heap
    were free, and the worker's RSS was 8 MB (9 %) higher without this."""
    if _trim is not None:
        _trim(0)
