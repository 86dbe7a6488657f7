"""The lane: quick computing runs go one pool thread at a time."""
import threading


class TestLane:
    def _makeOne(self, patience):
        from zcron.worker.lane import Lane
        return Lane(patience)

    def _thread(self, lane, entered, leave=None, errors=(), run=False):
        """A thread entering ``lane`` (and starting a run in it when
        ``run``), then leaving it once ``leave`` is set."""
        def body():
            lane.enter()
            if run:
                lane.started()
            entered.set()
            if leave is not None:
                leave.wait(10)
            try:
                lane.leave()
            except Exception as e:    # reported by the test
                errors.append(e)
        thread = threading.Thread(target=body)
        thread.start()
        return thread

    def _contended(self, patience, run):
        """A lane held by one thread until ``leave`` is set, and a second
        thread entering it: (holder, other, leave, entered, errors)."""
        lane, errors = self._makeOne(patience), []
        self._lane = lane
        held, leave, entered = threading.Event(), threading.Event(), threading.Event()
        holder = self._thread(lane, held, leave, errors, run=run)
        assert held.wait(5)
        other = self._thread(lane, entered, errors=errors)
        return holder, other, leave, entered, errors

    def test_one_thread_at_a_time(self):
        holder, other, leave, entered, errors = self._contended(patience=0.05, run=False)
        assert not entered.wait(0.3)        # the holder is not stuck in a run
        leave.set()
        assert entered.wait(5)
        holder.join(), other.join()
        assert errors == []

    def test_others_wait_for_a_run_patience_at_most(self):
        holder, other, leave, entered, errors = self._contended(patience=0.05, run=True)
        assert entered.wait(5)              # while the holder still holds it
        other.join()                        # its leave() released nothing
        leave.set()
        holder.join()
        assert errors == []

    def test_patience_counts_from_the_start_of_the_holders_run(self):
        lane, entered = self._makeOne(patience=0.05), threading.Event()
        lane.enter()
        other = self._thread(lane, entered, run=True)
        assert not entered.wait(0.3)
        lane.started()
        assert entered.wait(5)
        lane.leave()
        other.join()

    def test_a_wait_gives_up_after_its_timeout(self):
        holder, other, leave, entered, errors = self._contended(patience=0.05, run=False)
        lane = self._lane
        assert lane.enter(timeout=0.1) is False    # the holder is not in a run
        leave.set()
        holder.join(), other.join()
        assert lane.enter(timeout=0.1) is True
        lane.leave()
        assert errors == []
