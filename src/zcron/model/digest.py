"""The crontab's digest: uid -> a plain tuple of what the crontab page sorts
and filters on (state inputs, schedule, last run; no field None), and its
failures by ten minutes, so that the page and the sites page read no cron.
Written from model/indexes.py and ``Cron.add_log`` only; built in chunks at
the worker's restart for older crontabs. Conflicts resolve key by key: runs
of two crons in a bucket change two keys; two runs of one cron merge (the
newer wins, as its log record merges both); failures counted add up."""
from functools import partial
from itertools import islice

from BTrees.LLBTree import LLBTree, LLBucket
from BTrees.OOBTree import OOBTree, OOBucket
from ZODB.POSException import ConflictError
from zope.component import adapter

from zcron import clock
from zcron.components import load_crontab
from zcron.exceptions import InvalidInput
from zcron.interfaces import FAILURE, STATUSES, IServerRestartEvent
from zcron.model.resolving import MISSING, resolving
from zcron.model.timeutil import to_us

# positions in an entry
NUMBER, ACTIVATED, PAUSED_UNTIL, MAY_END, SCHEDULE, LAST, STATUS, DURATION = range(8)
SLOT = 600 * 1_000_000          # failures are counted by ten minutes (µs)
KEEP_SLOTS = 2 * 24 * 6         # two days of them
LAG = 60 * 1_000_000             # a run of the same status rewrites its entry after that
CHUNK = 1000                    # crons an old crontab's build reads a transaction


def _merged_entry(was, com, new):
    """One cron's entry changed on both sides: each field as the side that
    changed it; the last run's fields from the newer run."""
    if com == new:
        return com
    if MISSING in (was, com, new):
        raise ConflictError("a digest entry added or removed on one side, changed on the other")
    fields = []
    for old_field, com_field, new_field in zip(was[:LAST], com[:LAST], new[:LAST]):
        if com_field != old_field and new_field not in (old_field, com_field):
            raise ConflictError("a cron's entry changed on both sides")
        fields.append(new_field if com_field == old_field else com_field)
    return tuple(fields) + max(com[LAST:], new[LAST:])


def _summed(was, com, new):
    """A count changed on both sides: both increments (absent: 0)."""
    was, com, new = (0 if value is MISSING else value for value in (was, com, new))
    return com + new - was


# uid -> entry; ten minutes' slot -> failures logged in it
Digest, DigestBucket = resolving("Digest", __name__, OOBTree, OOBucket, _merged_entry)
Counts, CountsBucket = resolving("Counts", __name__, LLBTree, LLBucket, _summed)


def table(crontab):
    """The digest when complete (None: read the crons)."""
    building = getattr(crontab, "_digest_from", None) is not None
    return None if building else getattr(crontab, "_digest", None)


def _tree(crontab):
    """The digest to write to, complete or being built; a crontab's first
    cron ever makes it (an older crontab waits for its build; ``len``
    would read its whole tree at each run)."""
    tree = getattr(crontab, "_digest", None)
    if tree is None and crontab._next == 1:
        tree = crontab._digest = Digest()
        crontab._failures = Counts()
    return tree


def _may_end(cron):
    """Can the cron be done some day? Those crons' state loads them."""
    if cron.max_runs is not None or cron.end is not None or cron.exclude:
        return True
    try:
        return cron.get_periodicity().finite
    except InvalidInput:
        return True


def entry(cron, number):
    paused = cron.paused_until
    return (number, cron.activated, -1 if paused is None else to_us(paused),
            _may_end(cron), cron.periodicity) + _last_run(cron)


def _last_run(cron):
    last = cron.last_log()
    return (-1, "", -1.0) if last is None else (
        to_us(last.date), last.status, -1.0 if last.duration is None else last.duration)


def noted(crontab, cron, number=None):
    """Write ``cron``'s entry (``number``: its insertion number, given when
    it is added: the failures of a log it comes with are counted)."""
    tree = _tree(crontab)
    if tree is None:
        return
    if number is None:
        old = tree.get(cron.uid)
        number = crontab._number[cron.uid] if old is None else old[NUMBER]
    elif cron.has_log_record:           # loaded from a dump, with its log
        _count_failures_of(crontab, cron)
    tree[cron.uid] = entry(cron, number)


def _count_failures_of(crontab, cron):
    """Its logged failures of the slots kept."""
    since = to_us(clock.now()) // SLOT - KEEP_SLOTS
    for log in cron.logs:
        if log.status == FAILURE and to_us(log.date) // SLOT > since:
            _count_failure(crontab._failures, to_us(log.date) // SLOT)


def dropped(crontab, uid):
    tree = getattr(crontab, "_digest", None)
    if tree is not None:
        tree.pop(uid, None)


def logged(cron, log):
    """``log`` was added (None: the log cleared): the cron's entry, and a
    failure counted."""
    crontab = cron.__parent__
    tree = None if crontab is None else _tree(crontab)
    if tree is None:
        return
    old = tree.get(cron.uid)
    if old is None:
        noted(crontab, cron)
    else:                           # a run changes only these: the run path stays short
        last = _last_run(cron)
        if last[1] != old[STATUS] or not 0 <= last[0] - old[LAST] < LAG:
            tree[cron.uid] = old[:LAST] + last
    if log is not None and log.status == FAILURE:
        _count_failure(crontab._failures, to_us(log.date) // SLOT)


def _count_failure(failures, slot):
    if slot not in failures:
        for old in list(failures.keys(max=slot - KEEP_SLOTS)):
            del failures[old]
    failures[slot] = failures.get(slot, 0) + 1


def failures_since(crontab, since):
    """Failures logged from ``since`` on (to ten minutes); None: not kept."""
    failures = getattr(crontab, "_failures", None)
    if failures is None or table(crontab) is None:
        return None
    return sum(failures.values(min=to_us(since) // SLOT))


class Reading:
    """What the crontab page reads of entries: ``Cron.state(now)`` (a cron
    that may be done is asked), the status column (``running``: uids of
    claimed crons), a status filter, and each column's sort key (an
    empty value sorts first, as an empty row value does)."""

    def __init__(self, crontab, table, running, now):
        self.crontab, self.table, self.running, self.now = crontab, table, running, now
        self.now_us = to_us(now)

    def state(self, uid, value):
        if not value[ACTIVATED]:
            return "off"
        if value[MAY_END]:
            return self.crontab.get(uid).state(self.now)
        return "paused" if value[PAUSED_UNTIL] > self.now_us else "on"

    def status(self, uid, value):
        return "running" if uid in self.running else (value[STATUS] or "never")

    def having(self, status, entries):
        """The (uid, value) of ``entries`` the page's filter keeps (as
        ``web.listing.matches`` a row): a last run's status, running, never
        (neither), else a state ('off', 'paused', 'done')."""
        keep = self._keeping(status)
        return [(uid, value) for uid, value in entries if keep(uid, value)]

    def _keeping(self, status):
        if status in STATUSES:
            return lambda uid, value: value[STATUS] == status
        if status == "running":
            return lambda uid, value: uid in self.running
        if status == "never":
            return lambda uid, value: not value[STATUS] and uid not in self.running
        return lambda uid, value: self.state(uid, value) == status

    def key(self, column):
        """f(uid, value) ordering entries on ``column``."""
        if column in ("state", "status"):
            return getattr(self, column)
        position = {"schedule": SCHEDULE, "last": LAST, "duration": DURATION}[column]
        return lambda uid, value: value[position]


# -- the build, for a crontab saved before digests ------------------------------

def build_chunk(crontab, start, size=CHUNK):
    """Entries of the crons numbered from ``start`` on, ``size`` of them; the
    number to go on from, None once the digest is complete."""
    if getattr(crontab, "_digest", None) is None:
        crontab._digest, crontab._failures = Digest(), Counts()
    numbered = list(islice(crontab.numbered_uids(start), size))
    for number, uid in numbered:
        cron = crontab.get(uid)
        crontab._digest[uid] = entry(cron, number)
        _count_failures_of(crontab, cron)
    going_on = numbered[-1][0] + 1 if len(numbered) == size else None
    crontab._digest_from = going_on
    return going_on


def _build_site(root, name):
    """One chunk of a site's build, from where the last stopped; False
    once its digest is complete (or the site is gone)."""
    site = root.sites.get(name)
    if site is None:
        return False
    crontab = load_crontab(site)
    start = getattr(crontab, "_digest_from", None)
    if getattr(crontab, "_digest", None) is not None and start is None:
        return False        # complete: built already, or by another worker meanwhile
    return build_chunk(crontab, start or 0) is not None


def _unbuilt(root):
    """Names of the sites whose crontab has no complete digest (one that
    cannot be read is left to the synchronisation, which says why)."""
    names = []
    for name, site in sorted(root.sites.items()):
        try:
            if table(load_crontab(site)) is None:
                names.append(name)
        except InvalidInput:
            continue
    return names


@adapter(IServerRestartEvent)
def on_server_restart(event):
    """Build the digest of each crontab that has none, a chunk a step;
    which have none is read in the caller's transaction (writes nothing)."""
    step = event.step or (lambda work: work())
    for name in _unbuilt(event.root):
        while step(partial(_build_site, event.root, name)):
            pass
