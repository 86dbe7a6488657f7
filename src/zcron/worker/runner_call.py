"""Calling a cron's runner: what it is told (fire time, data window,
execution id), its own thread when the cron has a timeout (or a child
process, see ``isolation``), and the outcome it comes to (status,
messages, output, duration)."""
import contextvars
import threading
import time
import traceback
from dataclasses import dataclass, field

from zcron.components import query_runner, run_environment
from zcron.interfaces import FAILURE, NOTRUN, OK, WARN
from zcron.policies import window_start
from zcron.result import Result
from zcron.worker.isolation import Task


@dataclass
class Outcome:
    status: str = OK
    messages: list = field(default_factory=list)
    duration: float = None
    cpu: float = 0.0            # CPU seconds of the calling thread during the run
    traceback: str = None
    output: str = None          # a zcron.Result's output
    abandoned: bool = False     # timed out: the runner's thread still holds the session


@dataclass
class _Ended:
    """What ``runner.run()`` came to."""
    result: object = None
    error: Exception = None
    traceback: str = None
    died: str = None            # how a runner's child process died
    missing: bool = False       # no runner is registered under the cron's name

    def picklable(self):
        """This, sent back by a child: the error as its text, the result
        as text unless a Result or a list."""
        result = self.result
        if result is not None and not isinstance(result, (Result, list)):
            result = str(result)
        error = None if self.error is None else RunnerError(_error_text(self.error))
        return _Ended(result, error, self.traceback)


class RunnerError(Exception):
    """A child's runner error, as text."""


def _error_text(error):
    if isinstance(error, RunnerError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def call_runner(session, site, cron, job, claim, children=None):
    """Run ``cron``'s runner for ``job`` in ``session``'s transaction (or
    in one of ``children``, a ChildPool, when it takes the cron); a
    failure rolls back the runner's writes (to a savepoint)."""
    if children is not None and children.takes(cron):
        return _call_in_child(children, site, cron, job, claim)
    savepoint = session.tm.savepoint()
    start, cpu_start = time.perf_counter(), time.thread_time()
    call = _RunnerCall(session, site, cron, job, claim)
    if cron.timeout:
        ended = _TimedCall(call, session).wait(cron.timeout)
        if ended is None:
            return Outcome(duration=time.perf_counter() - start, abandoned=True)
    else:
        ended = call()
    if ended.missing:
        return _no_runner(cron)
    outcome = Outcome(duration=time.perf_counter() - start,
                      cpu=time.thread_time() - cpu_start)   # ~0 when the runner had a thread
    _judge(outcome, ended, cron.warn_after)
    if outcome.status == FAILURE:
        savepoint.rollback()
    return outcome


class _RunnerCall:
    """The runner's run inside the host's run environment (see
    ``components.run_environment``), entered in the thread that runs it:
    a host's hooks (Zope's site, user, request) are per thread."""

    def __init__(self, session, site, cron, job, claim):
        self.session, self.site, self.cron = session, site, cron
        self.job, self.claim = job, claim

    def __call__(self):
        try:
            with run_environment(self.session, self.site, self.cron) as host_site:
                runner = query_runner(host_site, self.cron)
                if runner is None:
                    return _Ended(missing=True)
                runner.fire_time = fire_time = self.job.fire_time
                runner.window = (window_start(self.cron, fire_time), fire_time)
                runner.execution_id = self.claim.execution_id
                return run_runner(runner)
        except Exception as e:      # the environment failed: a FAILURE too
            return _Ended(error=e, traceback=traceback.format_exc())


def _call_in_child(children, site, cron, job, claim):
    """The outcome of a run in a child process, which writes nothing here."""
    if query_runner(site, cron) is None:
        return _no_runner(cron)
    task = Task(site, cron, job.fire_time, (window_start(cron, job.fire_time), job.fire_time),
                claim.execution_id)
    start = time.perf_counter()
    ended, died = children.run(task, cron.timeout)
    outcome = Outcome(duration=time.perf_counter() - start)
    _judge(outcome, ended or _Ended(died=died), cron.warn_after)
    return outcome


def _no_runner(cron):
    return Outcome(NOTRUN, [f"no job runner is registered under the name {cron.name!r}"],
                   duration=0.0)


def run_runner(runner):
    """What ``runner.run()`` came to (also in a child process)."""
    try:
        return _Ended(result=runner.run())
    except Exception as e:      # reported as FAILURE
        return _Ended(error=e, traceback=traceback.format_exc())


def _judge(outcome, ended, warn_after):
    """The status and messages of a run that ended as ``ended``."""
    if ended.died is not None:
        outcome.status = FAILURE
        outcome.messages = [ended.died]
    elif ended.error is not None:
        outcome.status = FAILURE
        outcome.messages = [_error_text(ended.error)]
        outcome.traceback = ended.traceback
    elif isinstance(ended.result, Result):
        result = ended.result
        outcome.status = result.status
        outcome.messages = [result.message] if result.message else []
        outcome.output = result.output or None
    elif ended.result is not None:
        outcome.status = WARN
        result = ended.result
        outcome.messages = result if isinstance(result, list) else [str(result)]
    if outcome.status == OK and warn_after and outcome.duration > warn_after:
        outcome.status = WARN
        outcome.messages.append(f"took {outcome.duration:.1f} s "
                                f"(warning threshold {warn_after} s)")


class _TimedCall:
    """A runner's run in a thread of its own, waited for until the
    timeout. Abandoned then, the thread keeps the session it runs in and
    closes it when the runner returns: nobody else uses it any more."""

    def __init__(self, call, session):
        self.call = call
        self.session = session
        self.ended = _Ended()
        self.abandoned = False
        self._done = threading.Event()
        self._lock = threading.Lock()

    def wait(self, timeout):
        """What the run came to; None when abandoned after ``timeout``."""
        threading.Thread(target=contextvars.copy_context().run, args=(self._target,),
                         daemon=True, name="zcron-runner").start()    # as its caller
        if not self._done.wait(timeout):
            with self._lock:
                self.abandoned = not self._done.is_set()
        return None if self.abandoned else self.ended

    def _target(self):
        try:
            self.ended = self.call()
        finally:
            with self._lock:
                self._done.set()
                abandoned = self.abandoned
            if abandoned:
                self.session.close()
