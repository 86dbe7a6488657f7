"""What a cron's kept log costs: records, bytes of Data.fs and save time
per run, for each ``logs_limit`` asked, with every cron's log full (the
steady state), extrapolated linearly to 100,000 crons; and the seconds the
Recent failures page takes to gather a site's entries on a cold connection.

    .venv/bin/python bench/retention.py [--crons 2000] [--limits 10,50] [--runs 200] [--json P]

Entries are OK runs as workers log them (date, fire time, duration,
execution id, no message): a healthy cron. A FAILURE keeps its traceback
(at most 8,000 characters) on top, whatever the limit.
"""
import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone

import transaction

import zcron
from zcron.components import load_crontab
from zcron.db import get_root, open_db
from zcron.model import Log

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
AT = 100_000
BATCH = 1_000


def fill(db, crons, limit):
    """A site of ``crons`` crons, each with ``limit`` OK entries a minute apart."""
    with db.transaction() as conn:
        site = get_root(conn).add_site(zcron.CronSite("bench"))
        load_crontab(site)
    uids = []
    for start in range(0, crons, BATCH):
        with db.transaction() as conn:
            crontab = load_crontab(get_root(conn).sites["bench"])
            for i in range(start, min(crons, start + BATCH)):
                cron = crontab.add_cron(zcron.Cron("noop", f"{i % 60} * * * *", logs_limit=limit))
                for m in range(limit):
                    fire = T0 + timedelta(minutes=m)
                    cron.add_log(Log(fire + timedelta(seconds=0.01), "OK", fire_time=fire,
                                     duration=0.2))
                uids.append(cron.uid)
    return uids


def runs(db, uid, limit, count):
    """Seconds of each run's save (add_log and commit) on a full log, and
    the bytes each run writes (the log record's new revision)."""
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    cron = load_crontab(get_root(conn).sites["bench"]).get(uid)
    seconds = []
    for m in range(count):
        fire = T0 + timedelta(minutes=limit + m)
        start = time.perf_counter()
        cron.add_log(Log(fire + timedelta(seconds=0.01), "OK", fire_time=fire, duration=0.2))
        tm.commit()
        seconds.append(time.perf_counter() - start)
    record = len(db.storage.load(cron._logs._p_oid)[0])
    conn.close()
    return seconds, record


def gather_seconds(db):
    """Seconds the Recent failures page takes to gather a site's entries
    on a fresh connection (every cron's log record loaded once)."""
    from zcron.web.failures import gather
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    conn.cacheMinimize()
    start = time.perf_counter()
    gather(load_crontab(get_root(conn).sites["bench"]))
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def measure(directory, crons, limit, count):
    db = open_db("file://" + os.path.join(directory, "Data.fs"))
    try:
        zcron.configure()
        uids = fill(db, crons, limit)
        db.pack()
        size = os.path.getsize(os.path.join(directory, "Data.fs"))
        seconds, record = runs(db, uids[len(uids) // 2], limit, count)
        gathering = gather_seconds(db)
        return {"logs_limit": limit, "crons": crons, "records": len(db.storage),
                "data_fs_bytes": size, "bytes_per_cron": size / crons,
                "data_fs_at_100k_mb": size / crons * AT / 1e6,
                "records_at_100k": round(len(db.storage) / crons * AT),
                "save_ms_median": statistics.median(seconds) * 1000,
                "save_ms_p90": sorted(seconds)[int(len(seconds) * 0.9)] * 1000,
                "bytes_written_per_run": record, "gather_s": gathering}
    finally:
        db.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crons", type=int, default=2_000)
    parser.add_argument("--limits", default="10,50")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--json", metavar="PATH", help="Write the figures there too.")
    args = parser.parse_args(argv)
    results = []
    for limit in (int(x) for x in args.limits.split(",")):
        with tempfile.TemporaryDirectory(prefix="zcron-retention-") as directory:
            results.append(measure(directory, args.crons, limit, args.runs))
    for r in results:
        print(f"logs_limit {r['logs_limit']:>3}: {r['bytes_per_cron']:,.0f} B/cron, "
              f"{r['data_fs_at_100k_mb']:,.0f} MB and {r['records_at_100k']:,} records "
              f"at 100,000 crons (from {r['crons']:,}); a run writes "
              f"{r['bytes_written_per_run']:,} B, saves in {r['save_ms_median']:.2f} ms "
              f"(p90 {r['save_ms_p90']:.2f}); Recent failures gathers in {r['gather_s']:.2f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return results


if __name__ == "__main__":
    main()
