"""zcron.worker.heap: the collector tuned while workers run, as it was after."""
import gc
import threading

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
