"""One zcron worker process of the zeo2 scenario:

    python bench/zeo_worker.py URI CONCURRENCY

Imports, configures and opens the database, prints "ready", waits for a
line on stdin (the start signal, given to every worker at once), runs
``Worker(db, concurrency).run(until_idle=True)`` and prints its figures as
one JSON line.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import quiet_logging  # noqa: E402


def main(uri, concurrency):
    quiet_logging()
    import zc_side
    from zcron.worker import Worker
    zc_side.setup()
    db = zc_side.open_db(uri)
    worker = Worker(db, concurrency=concurrency)
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.time()
    stats = worker.run(until_idle=True)
    end = time.time()
    db.close()
    starts = [r[0] for r in zc_side.RECORD]
    print(json.dumps({
        "worker_id": worker.id, "start": start, "end": end,
        "runs": len(starts), "by_status": dict(stats.by_status),
        "claim_conflicts": stats.claim_conflicts,
        "first_run": min(starts, default=None), "last_run": max(starts, default=None),
    }), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
