"""Which crons the crontab page shows: filter, sort and page on the server,
the query kept in the URL, and what a row shows of its cron.

The crontab's order and name index (the default page, a name sort or
filter) and the queue's due order (the next-run sort) are read without
loading a cron; any other sort and a status filter read the crontab's
digest (model/digest.py): each loads one page of crons. A crontab saved
before digests, until its build, reads every cron instead.
"""
from heapq import nlargest, nsmallest
from itertools import islice
from types import SimpleNamespace as Row

from zcron.interfaces import STATUSES
from zcron.model import digest
from zcron.web import next_run

PER_PAGE = 50
FILTERS = STATUSES + ("never", "running", "paused", "done", "off")
SORTS = ("name", "state", "schedule", "next", "last", "status", "duration")
# the table's sortable columns: (sort key, title, class); a column added
# here gets its cell from the macro of the same name in row.pt
COLUMNS = (("state", "State", ""), ("name", "Name", ""), ("schedule", "Schedule", ""),
           ("next", "Next run", ""), ("last", "Last run", ""), ("status", "Status", ""),
           ("duration", "Duration", "num"))
# sorting on these reads each cron's row: an empty value sorts last
ROW_KEYS = {
    "state": lambda row: row.state,
    "schedule": lambda row: row.cron.periodicity,
    "next": lambda row: row.next_run.isoformat() if row.next_run else "~",
    "last": lambda row: row.last.date.isoformat() if row.last else "",
    "status": lambda row: row.status_key,
    "duration": lambda row: row.last.duration if row.last and row.last.duration is not None
    else -1.0,
}


def matches(row, status):
    return not status or status in (row.status_key, row.state, row.last_status)


# -- the query -----------------------------------------------------------------------

class Query:
    """The page's filter, sort and page, read leniently from the URL (a
    value not understood means its default: links stay shareable)."""

    def __init__(self, params):
        status = params.get("status", "")
        self.status = status if status in FILTERS else ""
        self.text = params.get("q", "").strip()[:200]
        sort = params.get("sort", "")
        self.sort = sort if sort in SORTS else ""
        self.desc = bool(self.sort) and params.get("dir") == "desc"
        try:
            self.page = max(1, int(params.get("page", 1)))
        except ValueError:
            self.page = 1

    @property
    def soonest_first(self):
        """The next-run sort alone: the queue's due order is the page's."""
        return self.sort == "next" and not (self.desc or self.text or self.status)

    @property
    def reads_rows(self):
        """Beyond the crontab's order and name index: the digest, or every cron."""
        return bool(self.status) or self.sort not in ("", "name")

    def params(self, **changes):
        """The query as URL parameters, with ``changes``; defaults left out."""
        values = {"status": self.status, "q": self.text, "sort": self.sort,
                  "dir": "desc" if self.desc else "", "page": self.page}
        values.update(changes)
        if values["page"] == 1:
            values["page"] = ""
        return {key: value for key, value in values.items() if value}

    def sorted_by(self, key):
        """Parameters of the header link sorting on ``key``: ascending
        first, then the other way round; back to page 1."""
        desc = self.sort == key and not self.desc
        return self.params(sort=key, dir="desc" if desc else "", page=1)


# -- the selection ---------------------------------------------------------------------

def select(crontab, query, row_for, soonest=None, running=None, now=None):
    """A Row with the page's ``rows`` (made by ``row_for(cron)``), ``page``,
    ``pages`` and ``total`` (None when only reading on would tell) and
    ``more`` (a next page). ``soonest(desc, among)``: uids of the site's
    crons in the order of their next run (see ``soonest``): the "next"
    sort reads that.
    ``running()``: uids of the site's claimed crons (a digest's status)."""
    if query.soonest_first and soonest is not None:
        return _indexed(crontab, query, row_for, soonest())
    table = digest.table(crontab) if running is not None else None
    if table is not None and query.reads_rows:
        return Digested(crontab, table, running(), now).select(query, row_for, soonest)
    if query.sort and query.sort != "name":
        return _every_row(crontab, query, row_for)
    return _indexed(crontab, query, row_for, _uids(crontab, query))


def _indexed(crontab, query, row_for, uids):
    """The page of ``uids`` (read lazily) of the query's text and status."""
    if query.status:
        return _filtered(crontab, query, row_for, uids)
    total = len(crontab) if not query.text else None
    if total is None:
        uids = list(uids)
        total = len(uids)
    page = min(query.page, _pages(total))
    start = (page - 1) * PER_PAGE
    rows = [row_for(crontab.get(uid)) for uid in islice(uids, start, start + PER_PAGE)]
    return _page(rows, page, total)


def running_uids(queue, site_name):
    return {claim.job.uid for claim in queue.claimed(site_name)}


class Digested(digest.Reading):
    """A status filter and every sort read from the crontab's digest:
    the matching entries are counted (the page count is known), the
    page's crons alone are loaded."""

    def entries(self, query):
        """(uid, value) of the query's text and status; None if they keep
        every cron (no set of them all is made)."""
        entries = self.table.items()
        if query.text:
            named = _named(self.crontab, query.text)
            if len(named) < len(self.table):
                entries = [(uid, value) for uid, value in entries if uid in named]
            elif not query.status:
                return None
        return self.having(query.status, entries) if query.status else list(entries)

    def select(self, query, row_for, soonest):
        if query.sort == "next" and query.text and not query.status:
            return self._named_by_next(query, row_for, soonest)
        found = self.entries(query) if query.text or query.status else None
        total = len(self.table) if found is None else len(found)
        page = min(query.page, _pages(total))
        uids = self.ordered(query, found, page * PER_PAGE, soonest)[(page - 1) * PER_PAGE:]
        return _page([row_for(self.crontab.get(uid)) for uid in uids], page, total)

    def _named_by_next(self, query, row_for, soonest):
        """A name filter by next run reads no entry: the name index's
        matches counted, the due order walked keeping them (or dropping
        the others, when fewer)."""
        matching, others = _name_groups(self.crontab, query.text)
        total = sum(map(len, matching))
        # the others counted, not len(crontab): its size index is one read more
        if total > sum(map(len, others)):
            keep, drop = None, set().union(*others)
        else:
            keep, drop = set().union(*matching), set()
        page = min(query.page, _pages(total))
        uids = islice(soonest(desc=query.desc, keep=keep, drop=drop), (page - 1) * PER_PAGE,
                      page * PER_PAGE)
        return _page([row_for(self.crontab.get(uid)) for uid in uids], page, total)

    def ordered(self, query, found, end, soonest):
        """The first ``end`` uids of ``found`` (None: every entry) in the
        query's order; ties (and no sort) in the crontab's order, as a
        stable sort leaves them."""
        if query.sort in ("name", "next"):
            return self._in_index_order(query, found, end, soonest)
        entries = self.table.items() if found is None else found
        if not query.sort:
            return [uid for _, uid in nsmallest(end, ((value[digest.NUMBER], uid)
                                                      for uid, value in entries))]
        key, sign = self.key(query.sort), -1 if query.desc else 1
        pick = nlargest if query.desc else nsmallest
        chosen = pick(end, ((key(uid, value), sign * value[digest.NUMBER], uid)
                            for uid, value in entries))
        return [uid for _, _, uid in chosen]

    def _in_index_order(self, query, found, end, soonest):
        """By name or next run: an index's order, read only that far."""
        keep = None if found is None else {uid for uid, _ in found}
        if query.sort == "next":
            return list(islice(soonest(desc=query.desc, keep=keep), end))
        keep = self.table if keep is None else keep
        return list(islice((uid for uid in _uids(self.crontab, query) if uid in keep), end))


def soonest(crontab, queue, site_name, desc=False, keep=None, drop=None):
    """Uids of a site's crons by their soonest pending job, then those of
    the crons that have none, in the crontab's order (``desc``: those
    first, then the latest), read lazily; a filter keeps the set ``keep``
    (None: all) but the set ``drop`` (None, with ``keep``: no filter).
    Unfiltered, soonest first from the queue's due order, a batch at a
    time (other sites' jobs skipped), so that a first page costs a batch;
    else a due time at a time (``next_run.walked``), ties in the crontab's
    order."""
    if keep is None and drop is None and not desc:
        return next_run.lazily(crontab, queue, site_name)
    return next_run.walked(crontab, queue, site_name, desc, keep, drop)


def _name_groups(crontab, text):
    """(matching, others): the name index's groups of uids of the names
    holding ``text`` (any case), and of the other names: each name tested
    once, its uids left in the index (counted and read in C calls)."""
    text, groups = text.lower(), ([], [])
    for name, uids in crontab.names():
        groups[text not in name.lower()].append(uids)
    return groups


def _named(crontab, text):
    """The set of uids of the crons whose name holds ``text`` (any case)."""
    return set().union(*_name_groups(crontab, text)[0])


def _uids(crontab, query):
    """Uids in the query's order (the crontab's, or by name) and of its
    name text, read lazily from the indexes: no cron gets loaded."""
    if query.sort == "name":
        pairs = crontab.by_name(reverse=query.desc)
        text = query.text.lower()
        return (uid for name, uid in pairs if text in name.lower())
    if not query.text:
        return crontab.uids()
    wanted = _named(crontab, query.text)
    return filter(wanted.__contains__, crontab.uids())


def _filtered(crontab, query, row_for, uids):
    """Rows of a status, read until the page is full and one more is seen."""
    start = (query.page - 1) * PER_PAGE
    rows = (row for row in (row_for(crontab.get(uid)) for uid in uids)
            if matches(row, query.status))
    wanted = list(islice(rows, start, start + PER_PAGE + 1))
    more = len(wanted) > PER_PAGE
    return Row(rows=wanted[:PER_PAGE], page=query.page, more=more, total=None,
               pages=None if more else query.page)


def _every_row(crontab, query, row_for):
    uids = set(_uids(crontab, query)) if query.text else None
    rows = [row for row in map(row_for, crontab)
            if matches(row, query.status) and (uids is None or row.uid in uids)]
    rows.sort(key=ROW_KEYS[query.sort], reverse=query.desc)
    page = min(query.page, _pages(len(rows)))
    start = (page - 1) * PER_PAGE
    return _page(rows[start:start + PER_PAGE], page, len(rows))


def _pages(total):
    return max(1, -(-total // PER_PAGE))


def _page(rows, page, total):
    pages = _pages(total)
    return Row(rows=rows, page=page, more=page < pages, total=total, pages=pages)
