"""Running a cron now: ``zcron run`` queues a run for a worker, waits for
its log entry (``--wait``), or runs it in this process (``--here``)."""
import time

import click

from zcron import clock
from zcron.cli.app import cli, get_cron, pass_app
from zcron.cli.crons import label
from zcron.cli.output import (echo_json, echo_result, format_iso, iso_time, note,
                              stderr_is_tty)
from zcron.cli.params import SECONDS, cron_argument, json_option, site_option
from zcron.exceptions import InvalidInput

# Exit statuses of ``zcron run --wait`` / ``--here``, by the run's status;
# EXIT_NOT_ENDED when the command returns before the run ended.
RUN_EXIT = {"OK": 0, "WARN": 3, "FAILURE": 1, "NOTRUN": 1}
EXIT_NOT_ENDED = 4
# Seconds between two looks at the cron's log while waiting.
WAIT_POLL = 0.25


@cli.command(epilog="""\b
Examples:
  zcron run cleanup
  zcron run cleanup --wait --timeout 10m     (exit 0 OK, 3 WARN, 1 FAILURE or NOTRUN,
                                             4 still running when the timeout passed)
  zcron --zcml myhost/configure.zcml run cleanup --here
""")
@cron_argument
@click.option("--wait", is_flag=True,
              help="Wait for a worker to run it; print its log entry, and exit with "
                   "its status.")
@click.option("--timeout", type=SECONDS, metavar="SECONDS",
              help="With --wait: stop waiting after this long (exit 4; the run goes "
                   "on). Default: wait until it ends.")
@click.option("--here", is_flag=True,
              help="Run it in this process, as a worker would (events, log, overlap "
                   "policy); needs the host's runners (--zcml). Exits as --wait does.")
@site_option
@json_option
@pass_app
def run(app, ref, wait, timeout, here, site, as_json):
    """Queue a run of a cron due now; a worker runs it (its overlap policy
    applies there). Refused for a cron that is off or paused."""
    if timeout is not None and not wait:
        raise InvalidInput("--timeout", timeout, "only goes with --wait")
    if here and wait:
        raise InvalidInput("--here", "--wait", "--here runs it to its end in this "
                           "process; --wait is for a worker's run")
    if here:
        data, entry = _run_here(app, site, ref)
    else:
        found = {}
        data = app.transact(lambda root: _queue_run(root, site, ref, found),
                            note=f"zcron run {ref} --site {site}")
        if not wait:
            due = format_iso(data["due"], data["timezone"])
            return echo_result(data, as_json, f"queued a run of {label(data)} due now "
                               f"({due}); a worker will run it")
        entry = _wait_for_entry(app, data, found["job"], timeout)
    _echo_run_entry(data, entry, as_json)


def _queue_run(root, site, ref, found, here=False, now=None):
    """Queue the run (the cron's ``ICronManager.run_now``) due ``now``;
    returns what ``run`` prints; ``found['job']`` is the job queued."""
    from zcron.components import cron_manager, query_runner
    site_obj, crontab, cron = get_cron(root, site, ref)
    now = now or clock.now()
    if not crontab.activated:
        raise InvalidInput("cron", ref, f"the crontab of site {site!r} is "
                           "disabled (zcron crontab enable); a worker would not run it")
    if not cron.runnable(now):
        why = {"off": "it is disabled (zcron enable)",
               "done": "it is done (no fire time left, or max_runs reached)"}.get(
                   cron.state(now), "it is paused (zcron resume)")
        raise InvalidInput("cron", ref, f"{why}; a worker would not run it")
    if here and query_runner(site_obj, cron) is None:
        raise InvalidInput("cron", ref, f"no job runner named {cron.name!r} is "
                           "registered here; give the host's ZCML (--zcml) for --here")
    job = found["job"] = cron_manager(site_obj, cron).run_now(now)
    return {"site": site, "uid": cron.uid, "name": cron.name, "kind": job.kind,
            "due": iso_time(job.due, cron.timezone), "timezone": cron.timezone}


def _run_here(app, site, ref):
    """Queue and run it in this process (zcron.worker.here); the
    outcome's log entry is read back afterwards."""
    from zcron.worker.here import HereRun
    found, data = {}, {}

    def queue(tx):         # due at the claim's time: claimed now, not ahead
        data.update(_queue_run(tx.root, site, ref, found, here=True, now=tx.now))
        return found["job"]
    job, claimed = HereRun(app.open_db()).run(queue)
    entry = app.transact(lambda root: _run_entry(root, data, job), write=False)
    if not claimed and entry is None:
        note(f"the run of {label(data)} is queued behind the one running (policy "
             "queue-one); a worker will run it")
    return data, entry


def _run_entry(root, data, job):
    """The dump of the log entry of ``job`` (the first one with its fire
    time: a retry logs the same), or None before it ended."""
    _, _, cron = get_cron(root, data["site"], data["uid"])
    entries = [log for log in cron.logs if log.fire_time == job.fire_time]
    return entries[-1].dump() if entries else None


def _wait_for_entry(app, data, job, timeout):
    """Look at the cron's log (read-only) until the run's entry is there,
    or ``timeout`` seconds passed (None then)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    if stderr_is_tty():
        note(f"waiting for a worker to run {label(data)} (Ctrl-C stops waiting; "
             "the run goes on)")
    while True:
        entry = app.transact(lambda root: _run_entry(root, data, job), write=False)
        if entry is not None or (deadline is not None and time.monotonic() >= deadline):
            return entry
        pause = WAIT_POLL if deadline is None else min(WAIT_POLL, deadline - time.monotonic())
        time.sleep(max(0.0, pause))


def _echo_run_entry(data, entry, as_json):
    """The run's log entry as ``zcron logs --traceback`` prints it (or its
    dump); the exit status says its status, or that it has not ended."""
    from zcron.cli.logs import echo_with_tracebacks, log_row
    if entry is None:
        click.echo(f"zcron: the run of {label(data)} has not ended yet; it goes on "
                   f"(see zcron logs {data['uid']})", err=True)
        click.get_current_context().exit(EXIT_NOT_ENDED)
    if as_json:
        echo_json(entry)
    else:
        echo_with_tracebacks([log_row(entry, data["timezone"], False, clock.now())], [entry])
    click.get_current_context().exit(RUN_EXIT[entry["status"]])
