"""The crontab's digest: written as crons are added, edited, removed and
run; every sort and status filter of the crontab page read from it gives
what reading every cron gives; runs of two crons sharing a bucket do not
conflict; a crontab saved before digests is built at the worker's restart."""
from datetime import timedelta
from functools import partial

import transaction

import zcron
from zcron.components import load_crontab, queue_for
from zcron.db import Session, get_root
from zcron.events import ServerRestartEvent
from zcron.model import Log, digest
from zcron.web import cronrow, listing

FAILURE = "FAILURE"


def fill(crontab, now):
    """Crons of every state and status, some of them tied on each column."""
    kinds = [dict(), dict(activated=False), dict(max_runs=1), dict(paused_until=now + timedelta(1)),
             dict(paused_until=now - timedelta(1)), dict(end=now + timedelta(days=3))]
    crons = []
    for i in range(60):
        cron = crontab.add_cron(zcron.Cron(f"c{i % 7}", "@hourly" if i % 4 else "*/5 * * * *",
                                           uid=f"{i:032x}", **kinds[i % len(kinds)]))
        if i % 3:
            cron.add_log(Log(now - timedelta(minutes=i), (FAILURE, "OK", "WARN")[i % 5 % 3],
                             [], fire_time=now, duration=(i % 4) / 10 or None))
        crons.append(cron)
    return crons


def strip(crontab):
    """As a crontab saved before digests."""
    for name in ("_digest", "_failures", "_digest_from"):
        crontab.__dict__.pop(name, None)
    crontab._p_changed = True


def page(crontab, queue, now, params, with_running=True):
    row_for = lambda cron: cronrow.cron_row(crontab.__parent__, cron, queue, now)  # noqa: E731
    found = listing.select(crontab, listing.Query(params), row_for,
                           partial(listing.soonest, crontab, queue, crontab.site),
                           (lambda: listing.running_uids(queue, crontab.site))
                           if with_running else None, now)
    return [row.uid for row in found.rows], found.total, found.pages


QUERIES = ([{"sort": s} for s in listing.SORTS] + [{"sort": s, "dir": "desc"} for s in listing.SORTS]
           + [{"status": f} for f in listing.FILTERS]
           + [{"status": "FAILURE", "sort": "last", "dir": "desc"}, {"q": "c3", "sort": "state"},
              {"status": "on", "sort": "next", "page": "2"}, {"sort": "duration", "page": "2"}])


def test_every_sort_and_filter_reads_the_digest_as_the_rows(session, site, fake_clock):
    now = fake_clock.now()
    crontab = load_crontab(site)
    fill(crontab, now)
    crontab.save()
    session.tm.commit()
    queue = queue_for(session.root)
    queue.claim(queue.pending(site.name, f"{5:032x}")[0], "w1", now)   # one running
    assert digest.table(crontab) is not None
    for params in QUERIES:       # 60 crons: two pages
        read, whole = page(crontab, queue, now, params), page(crontab, queue, now, params,
                                                              with_running=False)
        if whole[1] is None:     # a status filter reads on: a sort reading every row counts
            whole = whole[:1] + page(crontab, queue, now, dict(params, sort="schedule"),
                                     with_running=False)[1:]
        assert read == whole, params
    session.tm.abort()


def test_entries_follow_edits_runs_and_removals(session, site, fake_clock):
    now = fake_clock.now()
    crontab = load_crontab(site)
    cron = crontab.add_cron(zcron.Cron("a", "@hourly"))
    table = digest.table(crontab)
    assert table[cron.uid][digest.NUMBER] == 0 and table[cron.uid][digest.LAST] == -1
    cron.pause()
    reading = digest.Reading(crontab, table, set(), now)
    assert reading.state(cron.uid, table[cron.uid]) == "paused"
    cron.edit(activated=False, periodicity="@daily")
    assert reading.state(cron.uid, table[cron.uid]) == "off"
    assert table[cron.uid][digest.SCHEDULE] == "@daily"
    cron.add_log(Log(now, FAILURE, [], fire_time=now, duration=2.5))
    assert table[cron.uid][digest.STATUS:] == (FAILURE, 2.5)
    assert digest.failures_since(crontab, now - timedelta(days=1)) == 1
    assert reading.status(cron.uid, table[cron.uid]) == FAILURE
    assert digest.Reading(crontab, table, {cron.uid}, now).status(cron.uid, table[cron.uid]) \
        == "running"
    cron.clear_logs()
    assert table[cron.uid][digest.STATUS] == ""
    crontab.remove_cron(cron.uid)
    assert cron.uid not in table


def test_a_run_like_the_last_within_a_minute_leaves_the_entry(session, site, fake_clock):
    """A per-second cron rewrites its entry's bucket once a minute, not
    each second (the last run's date and duration may lag that much),
    and at once when its status changes."""
    from zcron.interfaces import OK
    now = fake_clock.now()
    crontab = load_crontab(site)
    cron = crontab.add_cron(zcron.Cron("a", "* * * * * *"))
    table = digest.table(crontab)
    cron.add_log(Log(now, OK, [], fire_time=now, duration=1.0))
    first = table[cron.uid]
    cron.add_log(Log(now + timedelta(seconds=59), OK, [], duration=2.0))
    assert table[cron.uid] == first
    cron.add_log(Log(now + timedelta(seconds=60), OK, [], duration=3.0))
    assert table[cron.uid][digest.DURATION] == 3.0
    cron.add_log(Log(now + timedelta(seconds=61), FAILURE, [], duration=4.0))
    assert table[cron.uid][digest.STATUS:] == (FAILURE, 4.0)


def test_runs_of_two_crons_in_one_bucket_do_not_conflict(db, fake_clock):
    now = fake_clock.now()
    with db.transaction() as conn:
        crontab = load_crontab(get_root(conn).add_site(zcron.CronSite("s")))
        for i in range(2):
            crontab.add_cron(zcron.Cron(f"c{i}", "@hourly", uid=f"{i:032x}")).log_record()
        crontab.save()
    sessions = [Session(db), Session(db)]
    crons = [load_crontab(s.root.sites["s"]).get(f"{i:032x}") for i, s in enumerate(sessions)]
    for i, cron in enumerate(crons):
        cron.add_log(Log(now, (FAILURE, "OK")[i], [], fire_time=now, duration=1.0))
    for s in sessions:
        s.tm.commit()              # the second resolves against the first
        s.close()
    with db.transaction() as conn:
        table = digest.table(load_crontab(get_root(conn).sites["s"]))
        assert [v[digest.STATUS] for v in table.values()] == [FAILURE, "OK"]


def test_an_old_crontab_is_read_whole_then_built_at_restart(db, fake_clock):
    now = fake_clock.now()
    with db.transaction() as conn:
        crontab = load_crontab(get_root(conn).add_site(zcron.CronSite("old")))
        fill(crontab, now)
        crontab.save()
        strip(crontab)
    conn = db.open()
    crontab = load_crontab(get_root(conn).sites["old"])
    assert digest.table(crontab) is None
    queue = queue_for(get_root(conn))
    before = page(crontab, queue, now, {"sort": "status"})
    assert before[1] == 60
    assert digest.build_chunk(crontab, 0, size=25) == 25   # a build stopped half-way
    transaction.commit()
    assert digest.table(crontab) is None                    # is not read, and goes on
    conn.close()
    session = Session(db)
    digest.on_server_restart(ServerRestartEvent(db, session.root,
                                                lambda work: _step(session, work)))
    session.close()
    conn = db.open()                               # reopened: kept
    crontab = load_crontab(get_root(conn).sites["old"])
    assert digest.table(crontab) is not None and len(digest.table(crontab)) == 60
    assert page(crontab, queue_for(get_root(conn)), now, {"sort": "status"}) == before
    day_ago = now - timedelta(days=1)
    assert digest.failures_since(crontab, day_ago) == sum(
        log.status == FAILURE and log.date >= day_ago for cron in crontab for log in cron.logs)
    conn.close()


def _step(session, work):
    result = work()
    session.tm.commit()
    return result


def test_two_runs_of_one_cron_merge_the_newer_winning(db, fake_clock):
    """Two workers' runs of one cron commit at once: as its log record
    merges both entries, its digest entry keeps the newer run, and both
    failures are counted."""
    now = fake_clock.now()
    with db.transaction() as conn:
        crontab = load_crontab(get_root(conn).add_site(zcron.CronSite("s")))
        crontab.add_cron(zcron.Cron("c", "@hourly", uid="a" * 32)).log_record()
        crontab.save()
    sessions = [Session(db), Session(db)]
    for minutes, s in enumerate(sessions):
        cron = load_crontab(s.root.sites["s"]).get("a" * 32)
        cron.add_log(Log(now + timedelta(minutes=minutes), FAILURE, [], fire_time=now,
                         duration=float(minutes + 1)))
    for s in reversed(sessions):   # the newer run commits first
        s.tm.commit()
        s.close()
    with db.transaction() as conn:
        crontab = load_crontab(get_root(conn).sites["s"])
        assert digest.table(crontab)["a" * 32][digest.DURATION] == 2.0
        assert digest.failures_since(crontab, now - timedelta(days=1)) == 2
        assert len(crontab.get("a" * 32).logs) == 2


def test_a_loaded_dump_brings_its_entries_and_failures(fake_clock):
    now = fake_clock.now()
    dump = {"site": "d", "crons": [
        {"name": "a", "periodicity": "@hourly",
         "logs": [Log(now - timedelta(hours=h), FAILURE, [], fire_time=now).dump()
                  for h in (1, 2, 30)]}]}
    crontab = zcron.Crontab.load(dump)
    (value,) = digest.table(crontab).values()
    assert value[digest.STATUS] == FAILURE
    assert digest.failures_since(crontab, now - timedelta(days=1)) == 2
