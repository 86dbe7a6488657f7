"""The worker as a supervisord program: a ``[program:NAME]`` section that
calls a small shell script (the superdjango seed's ``scheduler.sh``), which
sets the environment and ``exec``s ``zcron worker``, so that supervisord's
TERM reaches the worker itself and stops it cleanly."""
import os
import shlex


def value(text):
    """A supervisord value: its own ``%(...)s`` expansion left untouched."""
    return text.replace("%", "%%")


def program_section(service, script, log_dir):
    """The ``[program:NAME]`` section running ``script``, logging to ``log_dir``."""
    log = os.path.join(log_dir, service.name)
    return "\n".join([
        f"; zcron worker {service.name} (zcron export supervisord): stopped with TERM,",
        f"; runs in progress finish; killed after {service.stop_wait}s",
        f"[program:{service.name}]",
        f"command = {value(shlex.quote(script))}",
        f"directory = {value(service.directory)}",
        "autostart = true",
        "autorestart = true",
        "stopsignal = TERM",
        f"stopwaitsecs = {service.stop_wait}",
        f"stdout_logfile = {value(log)}.log",
        f"stderr_logfile = {value(log)}.err.log",
    ]) + "\n"


def worker_script(service):
    """The script: the environment, then ``exec zcron ... worker "$@"``
    (arguments given to it go to the worker, e.g. ``--concurrency 8``)."""
    lines = ["#!/bin/sh",
             f"# zcron worker {service.name}, run by supervisord (zcron export supervisord)",
             "set -e",
             f"cd {shlex.quote(service.directory)}"]
    lines += [f"export {name}={shlex.quote(text)}" for name, text in service.environment.items()]
    lines.append(f'exec {shlex.join(service.argv)} "$@"')
    return "\n".join(lines) + "\n"
