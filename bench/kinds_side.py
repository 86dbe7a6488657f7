"""The 'nextfire' and 'mixed' scenarios (schedule kinds): next fire time
per call for every kind and for its peers (croniter, APScheduler), and a
bulk add of crons of every kind. Each function runs in a child process
(see child.py) and returns a JSON-able dict."""
import itertools
import statistics
import time
import timeit
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

ZONE = "Europe/Zurich"
CRON_TEXTS = ["*/5 * * * *", "0 9 * * 1-5"]
# The peers' nearest equivalent of each kind's example (None: they have none).
PEER_EQUIVALENTS = {
    "interval": ("*/15 * * * *", {"interval_minutes": 15}),
    "once": (None, {"date": True}),
    "daily": ("0 9 * * *", None),
    "weekly": ("0 9 * * 1-5", None),
    "monthly": ("0 17 * * L5", {"cron": {"day": "last fri", "hour": 17, "minute": 0}}),
}


def afters(n):
    """Aware ``after`` times moving by 7 min 13.5 s: across days, weeks and
    a DST change, so no answer is the one before."""
    start = datetime(2026, 3, 20, 8, 0, tzinfo=ZoneInfo(ZONE))
    return [start + i * timedelta(seconds=433.5) for i in range(n)]


def median_us(call, times, number, repeat):
    """Median over ``repeat`` rounds of the mean µs per ``call(after)``,
    ``after`` cycling through ``times``; one warming round first."""
    following = itertools.cycle(times).__next__

    def one():
        call(following())
    timeit.timeit(one, number=number)
    rounds = timeit.repeat(one, number=number, repeat=repeat)
    return statistics.median(rounds) / number * 1e6


def cases():
    """(label, kind name, text) of every registered kind's example, then cron's."""
    from zcron.periodicity import kinds
    found = [(f"{name}: {kind.example}", name, kind.example)
             for name, kind in kinds().items() if name != "cron"]
    return found + [(f"cron: {text}", "cron", text) for text in CRON_TEXTS]


def nextfire(params):
    """zcron: median µs per next_fire_time, each kind's example, warm instance."""
    import zcron
    from zcron.periodicity import get_periodicity
    zcron.configure()
    times = afters(params["afters"])
    result = {}
    for label, name, text in cases():
        periodicity = get_periodicity(text, ZONE)
        result[label] = {
            "kind": name, "text": text, "describe": periodicity.describe(),
            "us": median_us(periodicity.next_fire_time, times, params["number"],
                            params["repeat"])}
    return {"zone": ZONE, "cases": result}


def peer_calls(name, text):
    """{peer: (what it computes, its call)} for one case."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.date import DateTrigger
    from apscheduler.triggers.interval import IntervalTrigger
    from croniter import croniter
    zone = ZoneInfo(ZONE)
    expression, aps = (text, None) if name == "cron" else PEER_EQUIVALENTS.get(name, (None, None))
    calls = {}
    if expression is not None:
        walker = croniter(expression, datetime(2026, 1, 1, tzinfo=zone))

        def croniter_next(after):
            walker.set_current(after, force=True)
            return walker.get_next(datetime)
        calls["croniter"] = (expression, croniter_next)
        if not (aps and "cron" in aps):
            trigger = CronTrigger.from_crontab(expression, timezone=zone)
            calls["apscheduler"] = (f"CronTrigger {expression}",
                                    lambda after: trigger.get_next_fire_time(None, after))
    if aps and "cron" in aps:          # a form from_crontab does not read
        trigger = CronTrigger(timezone=zone, **aps["cron"])
        calls["apscheduler"] = (f"CronTrigger({aps['cron']})",
                                lambda after: trigger.get_next_fire_time(None, after))
    if aps and "interval_minutes" in aps:
        trigger = IntervalTrigger(minutes=aps["interval_minutes"], timezone=zone,
                                  start_date=datetime(1970, 1, 1, tzinfo=zone))
        calls["apscheduler"] = (f"IntervalTrigger(minutes={aps['interval_minutes']})",
                                lambda after: trigger.get_next_fire_time(None, after))
    if aps and aps.get("date"):
        trigger = DateTrigger(datetime(2026, 12, 24, 18, tzinfo=zone), timezone=zone)
        calls["apscheduler"] = ("DateTrigger (returns its date: no comparison)",
                                lambda after: trigger.get_next_fire_time(None, after))
    return calls


def peers(params):
    """croniter's get_next and APScheduler's triggers on the same cases."""
    import zcron
    zcron.configure()
    times = afters(params["afters"])
    result = {}
    for label, name, text in cases():
        result[label] = {
            peer: {"as": what, "us": median_us(call, times, params["number"],
                                               params["repeat"])}
            for peer, (what, call) in peer_calls(name, text).items()}
    return {"zone": ZONE, "cases": result}


def mixed_texts(n):
    """n schedule texts cycling through every kind's example and a few crons."""
    from zcron.periodicity import kinds
    examples = [kind.example for name, kind in kinds().items() if name != "cron"]
    cycle = examples + CRON_TEXTS + ["30 2 * * *"]
    return [cycle[i % len(cycle)] for i in range(n)]


def mixed(params):
    """Add N crons of mixed kinds to one FileStorage crontab, save, commit."""
    from zc_side import SITE, file_uri, open_db, setup
    import zcron
    from zcron.components import load_crontab, queue_for
    from zcron.db import Session
    setup()
    n, tmp = params["n"], params["tmpdir"]
    texts = mixed_texts(n)
    db = open_db(file_uri(tmp))
    session = Session(db)
    session.tm.begin()
    crontab = load_crontab(session.root.add_site(zcron.CronSite(SITE)))
    crons = [zcron.Cron("noop", text, timezone=ZONE) for text in texts]
    t0 = time.perf_counter()
    for cron in crons:
        crontab.add_cron(cron)
    t1 = time.perf_counter()
    crontab.save()
    session.tm.commit()
    t2 = time.perf_counter()
    session.tm.begin()
    queued = len(queue_for(session.root))
    session.close()
    db.close()
    return {"n": n, "distinct_texts": len(set(texts)), "queued": queued,
            "add_s": t1 - t0, "save_commit_s": t2 - t1, "total_per_s": n / (t2 - t0),
            "construct_note": "Cron objects are built before the clock starts"}
