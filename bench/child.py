"""Entry point of the bench's child processes:

    python bench/child.py TASK PARAMS_JSON RESULT_PATH

TASK is "zcron.<function>" (zc_side), "aps.<function>" (aps_side),
"kinds.<function>" (kinds_side: the schedule kinds' scenarios),
"web.<function>" (web_side: the dashboard's pages), or
"huey.<function>" / "procrastinate.<function>" (the peers' sides). The
function's result dict is written to RESULT_PATH as JSON. Each measurement
runs in a fresh interpreter so that memory figures are the process's own
and no scenario warms caches for the next.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import peak_rss_mb, quiet_logging, write_result  # noqa: E402


def main(argv):
    task, params, result_path = argv[1], json.loads(argv[2]), argv[3]
    side, _, name = task.partition(".")
    quiet_logging()
    if side == "zcron":
        import zc_side as module
    elif side == "aps":
        import aps_side as module
    elif side == "kinds":
        import kinds_side as module
    elif side == "web":
        import web_side as module
    elif side == "huey":
        import huey_side as module
    elif side == "procrastinate":
        import procrastinate_side as module
    else:
        raise SystemExit(f"unknown task {task!r}")
    started = time.perf_counter()
    result = getattr(module, name)(params)
    result["_task_s"] = time.perf_counter() - started
    result["_peak_rss_mb"] = peak_rss_mb()
    write_result(result_path, result)
    sys.stdout.flush()
    sys.stderr.flush()
    # don't wait for what the measured library still has running (a
    # scheduler thread stopped by a time cap, the worker's pool threads)
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv)
