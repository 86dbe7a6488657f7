"""zcron.worker.heap: the collector tuned and one C arena while workers run,
as they were after; the C allocator's free pages given back."""
import gc
import os
import subprocess
import sys
import textwrap
import threading

import pytest

from zcron.worker import heap
from zcron.worker.heap import RARER, tuned_memory


def test_tuned_while_any_worker_runs_and_restored_after_the_last():
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    with tuned_memory():
        tuned = gc.get_threshold()
        assert tuned == (before[0], before[1], before[2] * RARER)
        assert gc.get_freeze_count() > frozen
        with tuned_memory():            # a second worker in the process
            assert gc.get_threshold() == tuned
        assert gc.get_threshold() == tuned      # the first still runs
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_workers_in_threads_leave_it_as_it_was():
    before = gc.get_threshold()
    started, release = threading.Barrier(3), threading.Event()

    def worker():
        with tuned_memory():
            started.wait(10)
            release.wait(10)
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    started.wait(10)
    assert gc.get_threshold()[2] == before[2] * RARER
    release.set()
    for thread in threads:
        thread.join(10)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def _rss_mb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


@pytest.mark.skipif(heap._trim is None or not os.path.exists("/proc/self/status"),
                    reason="glibc's malloc_trim and /proc only")
def test_free_pages_inside_the_heap_go_back_to_the_system():
    # 64 MB in 1,000-byte blocks (glibc's, not pymalloc's), one in 64 kept:
    # the freed ones are holes free() cannot give back, 63 KB each
    blocks = [bytes(1000) for _ in range(64 * 1024)]
    kept = blocks[::64]
    del blocks
    before = _rss_mb()
    heap.release_free_memory()
    assert before - _rss_mb() > 30
    assert len(kept) == 1024


# A child counts glibc's arenas (malloc_info's heaps) while four threads
# hold memory they allocated, inside a worker's tuning or not.
ARENAS = textwrap.dedent("""
    import ctypes, os, sys, tempfile, threading
    from zcron.worker import heap
    libc = ctypes.CDLL(None)
    libc.fopen.restype = ctypes.c_void_p
    libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
    held, ready, done = [], threading.Barrier(5), threading.Event()

    def hold():
        held.append([bytes(2000) for _ in range(500)])
        ready.wait(10)
        done.wait(10)

    def arenas():
        path = tempfile.mktemp()
        out = libc.fopen(path.encode(), b"w")
        libc.malloc_info(0, out)
        libc.fclose(out)
        with open(path) as f:
            text = f.read()
        os.remove(path)
        return text.count("<heap nr=")

    def count():
        threads = [threading.Thread(target=hold) for _ in range(4)]
        for thread in threads:
            thread.start()
        ready.wait(10)
        n = arenas()
        done.set()
        for thread in threads:
            thread.join(10)
        return n

    if sys.argv[1] == "tuned":
        with heap.tuned_memory():
            print(count())
    else:
        print(count())
""")


def _arenas(mode):
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    out = subprocess.run([sys.executable, "-c", ARENAS, mode], env=env, check=True,
                         capture_output=True, text=True, timeout=60).stdout
    return int(out)


@pytest.mark.skipif(heap._mallopt is None, reason="glibc's mallopt only")
def test_threads_started_while_a_worker_runs_share_one_arena():
    assert _arenas("plain") >= 3      # glibc's own way: an arena per new thread
    assert _arenas("tuned") == 1
