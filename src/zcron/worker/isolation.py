"""Process isolation: a pool of forked children, each running one runner
at a time, killed at the cron's timeout; a child's death is the run's
FAILURE, never the worker's. A child has no database: its runner gets a
``SiteStub`` and a detached copy of the cron (a ``Cron`` of its fields)."""
import multiprocessing
import os
import resource
import signal
import threading

from zope.interface import implementer

from zcron.components import query_runner
from zcron.interfaces import ICronSite
from zcron.model.cron import Cron
from zcron.model.fields import FIELDS

THREAD, PROCESS = "thread", "process"
ISOLATIONS = (THREAD, PROCESS)
_FORK = multiprocessing.get_context("fork")
_FORKING = threading.Lock()


@implementer(ICronSite)
class SiteStub:
    """The site as a child knows it: its name only."""

    def __init__(self, name):
        self.name = name


class Task:
    """What a child needs to run a cron's runner once (picklable)."""

    def __init__(self, site, cron, fire_time, window, execution_id):
        self.site_name = site.name
        self.fields = {f: getattr(cron, f, None) for f in FIELDS}
        self.fire_time, self.window, self.execution_id = fire_time, window, execution_id


MEMORY_EXIT = 87        # a child's exit status: MemoryError under its limit


def _limit_memory(megabytes):
    """The address space of this child, in MB (None: the hard limit)."""
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    soft = hard if megabytes is None else int(megabytes) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _child_loop(conn, call):
    """Run tasks until the pipe closes; ``call(runner)`` gives the ended run."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        limit = task.fields.get("max_memory")
        runner = query_runner(SiteStub(task.site_name), Cron(**task.fields))
        runner.fire_time, runner.window = task.fire_time, task.window
        runner.execution_id = task.execution_id
        _limit_memory(limit)
        ended = call(runner)
        if limit and isinstance(ended.error, MemoryError):
            os._exit(MEMORY_EXIT)        # a child past its limit is not reused
        _limit_memory(None)
        conn.send(ended.picklable())


class Child:
    """One forked child and the parent's end of its pipe."""

    def __init__(self, call):
        self.conn, child_end = _FORK.Pipe()
        self.process = _FORK.Process(target=_child_loop, args=(child_end, call),
                                     daemon=True, name="zcron-child")
        with _FORKING:      # no other child may inherit this one's end: its death is our EOF
            self.process.start()
            child_end.close()

    def run(self, task, timeout):
        """The ended run, or the sentence saying how the child died."""
        try:
            self.conn.send(task)
            if self.conn.poll(timeout):
                return self.conn.recv(), None
        except (EOFError, OSError):
            pass
        else:
            if self.process.is_alive():
                self.kill()
                return None, f"timed out after {timeout:.1f} s; the process was killed"
        self.process.join()
        return None, death(self.process.exitcode, task.fields.get("max_memory"))

    def kill(self):
        self.process.kill()
        self.process.join()

    def stop(self):
        """An idle child ended at once (later children hold our end of
        its pipe, so closing it is no EOF to the child)."""
        self.conn.close()
        self.process.terminate()
        self.process.join()


def death(exitcode, max_memory):
    """The sentence for a child that ended with ``exitcode``."""
    if exitcode == MEMORY_EXIT and max_memory:
        return f"over its memory limit of {max_memory} MB"
    if exitcode is not None and exitcode < 0:
        return f"killed by signal {-exitcode} ({signal.Signals(-exitcode).name})"
    return f"exited with status {exitcode}"


class ChildPool:
    """Idle children, forked ahead so that a quick run stays quick; a
    child that died or was killed is replaced by a new one."""

    def __init__(self, call, default=THREAD, size=1):
        self.call = call
        self.default = default
        self.size = size
        self._idle = []
        self._lock = threading.Lock()

    def takes(self, cron):
        """True when ``cron`` runs in a child."""
        return (getattr(cron, "isolation", None) or self.default) == PROCESS

    def start(self):
        """Fork ``size`` children ahead (the worker-wide default is process)."""
        with self._lock:
            while len(self._idle) < self.size:
                self._idle.append(Child(self.call))

    def run(self, task, timeout):
        """(ended, death): ``task`` run in an idle child."""
        with self._lock:
            child = self._idle.pop() if self._idle else None
        child = child or Child(self.call)
        ended, died = child.run(task, timeout)
        if died is None:
            with self._lock:
                self._idle.append(child)
        return ended, died

    def close(self):
        with self._lock:
            idle, self._idle = self._idle, []
        for child in idle:
            child.stop()
