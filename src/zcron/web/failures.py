"""The "Recent failures" page of a site: the kept FAILURE, WARN and NOTRUN
entries of all its crons, newest first, filtered by cron name, status and
age, paged.

Gathering them reads every cron's log record once: at 100,000 crons that
is 100,000 records (what the crontab page reads too; seconds, see
bench/retention.py). So the gathering is kept per site and database and
used again while no transaction has been committed since, or for FRESH
after it was made: paging and filtering read nothing more, and a busy site
is gathered at most twice a minute however many look. Only the newest
GATHERED entries are kept."""
import threading
from datetime import timedelta
from types import SimpleNamespace as Entry

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.view import view_config

from zcron import clock
from zcron.exceptions import InvalidInput
from zcron.interfaces import FAILURE, NOTRUN, WARN
from zcron.web.security import VIEW
from zcron.web.views import get_site

PAGE_SIZE = 50
GATHERED = 10_000       # newest entries kept of a site's gathering
STATUSES = (FAILURE, WARN, NOTRUN)
SINCE = {"1h": timedelta(hours=1), "24h": timedelta(days=1), "7d": timedelta(days=7),
         "30d": timedelta(days=30), "90d": timedelta(days=90), "": None}
SITES_KEPT = 16         # gatherings kept (one per site and database)
FRESH = timedelta(seconds=30)     # a gathering used again that long, commits or not

_gathered = {}          # (id(db), site name) -> (last transaction id, made at, [Entry])
_lock = threading.Lock()


def gather(crontab):
    """[Entry(log, uid, name, zone)] of every kept entry that is not OK,
    newest first, at most GATHERED."""
    found = [Entry(log=log, uid=cron.uid, name=cron.name, zone=cron.timezone)
             for cron in crontab for log in cron.logs if log.status in STATUSES]
    found.sort(key=lambda e: e.log.date, reverse=True)
    return found[:GATHERED]


def gathered(request, site, crontab, now):
    """(the site's gathering, when it was made): made again once a
    transaction has been committed since and it is FRESH old."""
    db = request.zcron_root._p_jar.db()
    key, tid = (id(db), site.name), db.lastTransaction()
    with _lock:
        cached = _gathered.get(key)
    if cached is not None and (cached[0] == tid or now - cached[1] < FRESH):
        return cached[2], cached[1]
    entries = gather(crontab)
    with _lock:
        _gathered.pop(key, None)
        _gathered[key] = (tid, now, entries)
        while len(_gathered) > SITES_KEPT:
            _gathered.pop(next(iter(_gathered)))
    return entries, now


def read_filters(params):
    """(name, status, since) of the query; a bad one is a 400 naming it."""
    status = params.get("status", FAILURE)
    if status not in STATUSES + ("",):
        raise _bad("status", status, "expected one of " + ", ".join(STATUSES) + " or empty")
    since = params.get("since", "")
    if since not in SINCE:
        raise _bad("since", since, "expected one of " + ", ".join(k for k in SINCE if k))
    return params.get("name", "").strip()[:200], status, since


def _bad(field, value, reason):
    return HTTPBadRequest(str(InvalidInput(field, value, reason)))


def select(entries, name, status, since, now):
    """The entries matching the filters (name: a part of the cron's name)."""
    oldest = None if SINCE[since] is None else now - SINCE[since]
    name = name.lower()
    return [e for e in entries
            if (not status or e.log.status == status)
            and (not name or name in e.name.lower())
            and (oldest is None or e.log.date >= oldest)]


def page_number(text, pages):
    """The page asked for, within 1..pages (1 when it is no number)."""
    return min(max(1, int(text)), pages) if text.isdigit() else 1


@view_config(route_name="failures", permission=VIEW, request_method=("GET", "HEAD"),
             renderer="templates/failures.pt")
def failures_page(request):
    root, site, crontab = get_site(request)
    name, status, since = read_filters(request.params)
    now = clock.now()
    entries, made = gathered(request, site, crontab, now)
    entries = select(entries, name, status, since, now)
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    page = page_number(request.params.get("page", "1"), pages)
    start = (page - 1) * PAGE_SIZE
    query = {"name": name, "status": status, "since": since}
    return {"site": site, "entries": entries[start:start + PAGE_SIZE], "total": len(entries),
            "page": page, "pages": pages, "query": query, "statuses": STATUSES,
            "since_choices": [k for k in SINCE if k], "now": now, "gathered_limit": GATHERED,
            "gathered_at": made}
