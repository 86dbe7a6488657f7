"""zcron.worker.heap: the collector tuned while workers run, as it was after;
the C allocator's free pages given back."""
import gc
import os
import threading

import pytest

from zcron.worker import heap
from zcron.worker.heap import RARER, tuned_collector


def test_tuned_while_any_worker_runs_and_restored_after_the_last():
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    with tuned_collector():
        tuned = gc.get_threshold()
        assert tuned == (before[0], before[1], before[2] * RARER)
        assert gc.get_freeze_count() > frozen
        with tuned_collector():         # a second worker in the process
            assert gc.get_threshold() == tuned
        assert gc.get_threshold() == tuned      # the first still runs
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_workers_in_threads_leave_it_as_it_was():
    before = gc.get_threshold()
    started, release = threading.Barrier(3), threading.Event()

    def worker():
        with tuned_collector():
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
