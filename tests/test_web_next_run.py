"""The crontab page's next-run sort under a name filter, read from the
queue's due order: the same order as sorting every row, both ways, whether
the filter keeps most crons (the others dropped) or few (those kept),
with crons without a pending job among the kept and the dropped; the
name index's groups it reads."""
from datetime import timedelta
from functools import partial

import zcron
from zcron.components import load_crontab, queue_for
from zcron.model.timeutil import to_us
from zcron.queue import Job
from zcron.web import cronrow, listing


def fill(crontab):
    """70 crons: 'job-N' but every seventh 'other-N', every fifth off (no
    job); due times tied in fours, out of the crontab's order."""
    for i in range(70):
        name = f"other-{i}" if i % 7 == 0 else f"job-{i}"
        crontab.add_cron(zcron.Cron(name, f"{(i * 13) % 4} 10 * * *", uid=f"{(i * 37) % 101:032x}",
                                    activated=i % 5 != 2))


def made(session, site, jobs):
    """The site's crontab filled, saved with ``jobs`` queued, and its queue."""
    crontab = load_crontab(site)
    fill(crontab)
    crontab.save()
    queue = queue_for(session.root)
    for job in jobs:
        queue.put(job)
    session.tm.commit()
    return crontab, queue


def page(crontab, queue, now, params, digested=True):
    """(uids, total, pages) of one page: from the digest and the queue, or
    (``digested`` False) from every cron's row."""
    def row_for(cron):
        return cronrow.cron_row(crontab.__parent__, cron, queue, now)

    found = listing.select(crontab, listing.Query(params), row_for,
                           partial(listing.soonest, crontab, queue, crontab.site),
                           (lambda: listing.running_uids(queue, crontab.site))
                           if digested else None, now)
    return [row.uid for row in found.rows], found.total, found.pages


def test_a_name_filter_by_next_run_reads_as_every_row(session, site, fake_clock):
    now = fake_clock.now()
    soon, late = to_us(now + timedelta(minutes=1)), to_us(now + timedelta(days=9))
    crontab, queue = made(session, site, [
        Job(site.name, f"{(3 * 37) % 101:032x}", soon, soon, "retry", 1),    # two jobs
        Job(site.name, f"{999:032x}", soon, soon),                           # a removed cron's
        Job(site.name, f"{(14 * 37) % 101:032x}", late, late, "retry", 1)])  # an 'other'
    for text in ("job", "JOB-1", "other", "o", "nothing"):
        for params in ({"sort": "next"}, {"sort": "next", "dir": "desc"},
                       {"sort": "next", "dir": "desc", "page": "2"}, {"sort": "next", "page": "2"}):
            params = dict(params, q=text)
            assert page(crontab, queue, now, params) == \
                page(crontab, queue, now, params, digested=False), params


def test_the_kept_crons_without_a_job_come_first_reversed(session, site, fake_clock):
    """The dropped ones (without a job, or due latest) nowhere."""
    now = fake_clock.now()
    late, seventh = to_us(now + timedelta(days=9)), f"{(7 * 37) % 101:032x}"
    crontab, queue = made(session, site, [Job(site.name, seventh, late, late, "manual")])
    uids, total, _ = page(crontab, queue, now, {"q": "job", "sort": "next", "dir": "desc"})
    off = [f"{(i * 37) % 101:032x}" for i in range(70) if i % 5 == 2 and i % 7]
    assert total == 60 and uids[:len(off)] == off
    dropped = {f"{(i * 37) % 101:032x}" for i in range(70) if i % 7 == 0}
    assert not dropped & set(page(crontab, queue, now, {"q": "job", "sort": "next",
                                                        "dir": "desc", "page": "2"})[0] + uids)
    few, total, _ = page(crontab, queue, now, {"q": "other", "sort": "next", "dir": "desc"})
    assert total == 10 and few[:2] == [f"{(42 * 37) % 101:032x}", seventh]


def test_the_name_index_gives_each_names_uids_together(session, site):
    crontab = load_crontab(site)
    for i, name in enumerate(("b", "a", "b")):
        crontab.add_cron(zcron.Cron(name, "@hourly", uid=f"{9 - i:032x}"))
    assert [(name, list(uids)) for name, uids in crontab.names()] == [
        ("a", [f"{8:032x}"]), ("b", [f"{7:032x}", f"{9:032x}"])]
    assert listing._named(crontab, "B") == {f"{7:032x}", f"{9:032x}"}
