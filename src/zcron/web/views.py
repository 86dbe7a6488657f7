"""The pages (sites, crontab, logs, workers), the error pages (and the
tween answering 400 to a URL that is not UTF-8), and finding a request's
site and cron (for the actions too).

Pages are GET and change nothing; the actions on crons, POST, are
``zcron.web.actions``.
"""
from functools import partial
from datetime import timedelta
from types import SimpleNamespace as Row
from urllib.parse import quote, unquote_to_bytes

from pyramid.httpexceptions import HTTPError, HTTPNotFound, HTTPServiceUnavailable
from pyramid.exceptions import PredicateMismatch
from pyramid.renderers import render_to_response
from pyramid.view import notfound_view_config, view_config

from zcron import clock
from zcron.components import load_crontab, queue_for
from zcron.exceptions import InvalidInput
from zcron.interfaces import STATUSES
from zcron.queue.base import still_running
from zcron.web import listing, overview, rows
from zcron.web.cronrow import cron_row, declared_sources
from zcron.web.security import VIEW

PAGE_SIZE = 20


# -- finding things ---------------------------------------------------------------

def get_site(request):
    """(root, site, crontab) of the request's ``{site}``, or 404."""
    root = request.zcron_root
    site = root.sites.get(request.matchdict["site"])
    if site is None:
        raise HTTPNotFound("There is no such site.")
    try:
        return root, site, load_crontab(site)
    except InvalidInput as e:        # a JSON registry whose file went bad
        raise HTTPServiceUnavailable(f"The crontab of this site cannot be read: {e}") \
            from None


def get_cron(request):
    """(root, site, crontab, cron) of ``{site}`` and ``{uid}``, or 404."""
    root, site, crontab = get_site(request)
    uid = request.matchdict["uid"]
    if uid not in crontab:
        raise HTTPNotFound("There is no such cron.")
    return root, site, crontab, crontab.get(uid)


# -- pages --------------------------------------------------------------------------

@view_config(route_name="home", permission=VIEW, request_method=("GET", "HEAD"),
             renderer="templates/sites.pt")
def sites_overview(request):
    root = request.zcron_root
    queue = queue_for(root)
    now = clock.now()
    next_due = overview.next_due_by_site(queue, now)
    day_ago = now - timedelta(hours=24)
    sites = [overview.site_entry(site, queue, next_due.get(site.name), day_ago)
             for site in root.sites.values()]
    workers = queue.workers()
    return {
        "sites": sites,
        "now": now,
        "queue_depth": len(queue),
        "workers_alive": sum(1 for w in workers if w.alive(now)),
        "statuses": STATUSES + ("never",),
        "live": True,
    }


def crontab_listing(request):
    """(site, crontab, query, listing, rendered rows, now) of the request."""
    root, site, crontab = get_site(request)
    queue = queue_for(root)
    now = clock.now()
    query = listing.Query(request.params)
    sources = declared_sources()
    page = listing.select(crontab, query,
                          lambda cron: cron_row(site, cron, queue, now, sources),
                          partial(listing.soonest, crontab, queue, site.name),
                          lambda: listing.running_uids(queue, site.name), now)
    rendered = rows.render_rows(request, site, crontab, page.rows, now)
    return site, crontab, query, page, rendered, now


@view_config(route_name="site", permission=VIEW, request_method=("GET", "HEAD"),
             renderer="templates/crontab.pt")
def crontab_page(request):
    site, crontab, query, page, rendered, now = crontab_listing(request)
    return {
        "site": site,
        "crontab": crontab,
        "rows": rendered,
        "pager": rows.render_pager(request, site, page, query),
        "query": query,
        "columns": listing.COLUMNS,
        "filters": listing.FILTERS,
        "now": now,
        "live": True,
    }


@view_config(route_name="site_rows", permission=VIEW, request_method=("GET", "HEAD"),
             renderer="json")
def crontab_rows(request):
    """The live refresh of the crontab page: its rows (for the page's
    query) that the browser does not have (``known``: their digests,
    comma-separated), the order of all, and the pager."""
    site, crontab, query, page, rendered, now = crontab_listing(request)
    answer = rows.changed(rendered, request.params.get("known", "").split(","))
    answer["pager"] = rows.render_pager(request, site, page, query)
    answer["now"] = now.isoformat()
    return answer


@view_config(route_name="cron_logs", permission=VIEW, request_method=("GET", "HEAD"),
             renderer="templates/logs.pt")
def logs_page(request):
    root, site, crontab, cron = get_cron(request)
    status = request.params.get("status", "")
    status = status if status in STATUSES else ""
    logs = [log for log in cron.logs if not status or log.status == status]
    pages = max(1, -(-len(logs) // PAGE_SIZE))
    try:
        page = min(max(1, int(request.params.get("page", 1))), pages)
    except ValueError:
        page = 1
    start = (page - 1) * PAGE_SIZE
    now = clock.now()
    return {
        "site": site,
        "crontab": crontab,
        "cron": cron,
        "row": cron_row(site, cron, queue_for(root), now),
        "logs": logs[start:start + PAGE_SIZE],
        "total": len(logs),
        "page": page,
        "pages": pages,
        "status_filter": status,
        "statuses": STATUSES,
        "counts": cron.log_counts,
        "now": now,
        "live": True,
    }


@view_config(route_name="workers", permission=VIEW, request_method=("GET", "HEAD"),
             renderer="templates/workers.pt")
def workers_page(request):
    root = request.zcron_root
    queue = queue_for(root)
    now = clock.now()
    crons = {}

    def find_cron(site_name, uid):
        key = (site_name, uid)
        if key not in crons:
            site = root.sites.get(site_name)
            try:
                crontab = load_crontab(site) if site is not None else None
                crons[key] = crontab.get(uid) if crontab is not None else None
            except InvalidInput:
                crons[key] = None
        return crons[key]

    def cron_name(site_name, uid):
        cron = find_cron(site_name, uid)
        return None if cron is None else cron.name

    claims = {}
    for claim in queue.claimed():
        cron = find_cron(claim.job.site, claim.job.uid)
        done = cron is not None and not still_running(cron, [claim])
        claims.setdefault(claim.worker_id, []).append(Row(
            claim=claim, job=claim.job, done=done,
            cron_name=None if cron is None else cron.name))
    workers = [Row(worker=worker, alive=worker.alive(now), claims=claims.pop(worker.id, []))
               for worker in sorted(queue.workers(), key=lambda w: w.started)]
    held = [Row(job=job, cron_name=cron_name(job.site, job.uid)) for job in queue.held()]
    return {
        "workers": workers,
        "orphans": sorted(claims.items()),      # claims of unregistered workers
        "held": held,
        "queue_depth": len(queue),
        "next_due": queue.next_due(),
        "now": now,
        "live": True,
    }


@notfound_view_config(renderer="templates/error.pt")
def not_found(exc, request):
    request.response.status = 404
    detail = None if isinstance(exc, PredicateMismatch) else exc.detail
    return {"title": "Not found",
            "message": detail or "There is nothing at this address."}


@view_config(context=HTTPError, renderer="templates/error.pt")
def http_error(exc, request):
    """Other error responses, in the dashboard's page."""
    request.response.status = exc.status
    return {"title": exc.title, "message": exc.detail or exc.explanation}


def undecodable_url_tween(handler, registry):
    """A URL whose path or query is not UTF-8 (``/%ff``, ``?came_from=%ff``)
    gets 400 and the error page instead of Pyramid's UnicodeDecodeError (a
    500) from its first reader: the routes, the views, the response's
    subscribers. Under pyramid_tm, so that the page may read the session's
    user in the request's transaction (which a 400 does not commit)."""
    def tween(request):
        environ = request.environ
        raw = environ.get("PATH_INFO", "")
        try:
            raw.encode("latin-1").decode("utf-8")
            unquote_to_bytes(environ.get("QUERY_STRING", "")).decode("utf-8")
        except UnicodeError:
            environ["PATH_INFO"] = quote(raw.encode("latin-1"), safe="/")
            environ["QUERY_STRING"] = ""
            response = render_to_response(
                "zcron.web:templates/error.pt", request=request,
                value={"title": "Bad request",
                       "message": "This address is not valid UTF-8 text."})
            response.status = 400
            return response
        return handler(request)
    return tween
