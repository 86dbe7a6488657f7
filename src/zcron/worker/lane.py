"""The lane: quick runs that mostly compute go one pool thread at a time
(threads taking turns under the GIL only add switches and commits)."""
import threading
import time

# The others go ahead once one run in the lane has lasted this long (a run
# that turns out slow holds them back no longer); longer than a group and
# its commit, so that they do not give up on a holder merely committing.
LANE_PATIENCE = 0.2


class Lane:
    """Lets one pool thread at a time take and run groups of quick runs that
    mostly compute (runs that mostly wait on I/O overlap instead). The
    others go ahead without the lane only once the holder has been in one
    run ``patience`` seconds: a run turning out slow holds them back no
    longer, and quick runs keep them waiting however long the holder keeps
    the lane (waiting for a deadline of their own, they would leak in)."""

    def __init__(self, patience=LANE_PATIENCE):
        self.patience = patience
        self._cond = threading.Condition()
        self._holder = None
        self._run_since = None      # when the holder's current run started

    def enter(self, timeout=None):
        """Take the lane, or go ahead without it past a slow run; False
        after ``timeout`` seconds of waiting (neither happened)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._holder is not None:
                wait = self.patience
                if self._run_since is not None:
                    wait -= time.monotonic() - self._run_since
                    if wait <= 0:
                        return True     # the holder is stuck in a slow run
                if deadline is not None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    wait = min(wait, left)
                self._cond.wait(wait)
            self._holder = threading.get_ident()
            self._run_since = None
            return True

    def started(self):
        """The calling thread starts a run."""
        if self._holder == threading.get_ident():
            self._run_since = time.monotonic()

    def leave(self):
        with self._cond:
            if self._holder == threading.get_ident():
                self._holder = None
                self._cond.notify()
