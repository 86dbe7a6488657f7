"""The pages (sites, crontab, logs, workers) and the actions on crons.

Pages are GET and change nothing. Actions are POST views needing the
``manage`` permission and the CSRF token; each ends with ``crontab.save()``
or ``crontab.save_cron(cron)`` so the queue follows in the same
transaction, then redirects (POST/redirect/GET) with a flash message.
"""
from datetime import datetime, timedelta
from types import SimpleNamespace as Row

from pyramid.httpexceptions import (HTTPError, HTTPNotFound, HTTPSeeOther,
                                    HTTPServiceUnavailable)
from pyramid.exceptions import PredicateMismatch
from pyramid.view import notfound_view_config, view_config

from zcron import clock
from zcron.components import cron_manager, load_crontab, queue_for
from zcron.exceptions import InvalidInput
from zcron.interfaces import FAILURE, STATUSES
from zcron.periodicity.zone import load_zone
from zcron.queue.base import still_running
from zcron.web.security import MANAGE, VIEW, safe_came_from

PAGE_SIZE = 20
NOTE_LIMIT = 500
FILTERS = STATUSES + ("never", "running", "paused", "off")


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


def describe(cron):
    try:
        return cron.get_periodicity().describe()
    except InvalidInput:       # a zone removed from the system since
        return ""


def cron_row(site, cron, queue, now):
    """What the crontab table shows of one cron."""
    pending = queue.pending(site.name, cron.uid)
    running = queue.running(site.name, cron.uid)
    last = cron.last_log()
    next_job = pending[0] if pending else None
    return Row(
        cron=cron,
        uid=cron.uid,
        state=cron.state(now),
        describe=describe(cron),
        next_run=next_job.due if next_job else None,
        next_kind=next_job.kind if next_job else None,
        running=bool(running),
        last=last,
        last_status=last.status if last else None,
        status_key="running" if running else (last.status if last else "never"),
    )


def redirect_back(request, default):
    return HTTPSeeOther(safe_came_from(request.POST.get("came_from"), default))


def site_url(request, site):
    return request.route_url("site", site=site.name)


# -- pages --------------------------------------------------------------------------

@view_config(route_name="home", permission=VIEW, request_method=("GET", "HEAD"),
             renderer="templates/sites.pt")
def sites_overview(request):
    root = request.zcron_root
    queue = queue_for(root)
    now = clock.now()
    day_ago = now - timedelta(hours=24)
    next_due = {}
    for site_name in queue.sites():
        dues = [job.due for job in queue.site_pending(site_name)]
        if dues:
            next_due[site_name] = min(dues)
    sites = []
    for site in root.sites.values():
        entry = Row(site=site, name=site.name, error=None, crontab=None,
                    counts={s: 0 for s in STATUSES + ("never",)}, crons=0,
                    failures_24h=0, next_run=next_due.get(site.name),
                    running=len(queue.claimed(site.name)))
        sites.append(entry)
        try:
            crontab = load_crontab(site)
        except InvalidInput as e:       # e.g. a JSON registry whose file is gone
            entry.error = str(e)
            continue
        entry.crontab = crontab
        entry.crons = len(crontab)
        for cron in crontab:
            status = cron.last_status or "never"
            entry.counts[status] += 1
            entry.failures_24h += sum(
                1 for log in cron.logs if log.status == FAILURE and log.date >= day_ago)
    workers = queue.workers()
    return {
        "sites": sites,
        "now": now,
        "queue_depth": len(queue),
        "workers_alive": sum(1 for w in workers if w.alive(now)),
        "statuses": STATUSES + ("never",),
        "live": True,
    }


@view_config(route_name="site", permission=VIEW, request_method=("GET", "HEAD"),
             renderer="templates/crontab.pt")
def crontab_page(request):
    root, site, crontab = get_site(request)
    queue = queue_for(root)
    now = clock.now()
    status = request.params.get("status", "")
    return {
        "site": site,
        "crontab": crontab,
        "rows": [cron_row(site, cron, queue, now) for cron in crontab],
        "filters": FILTERS,
        "status_filter": status if status in FILTERS else "",
        "now": now,
        "live": True,
    }


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


# -- actions --------------------------------------------------------------------------

def check_writable(request, site, crontab):
    """Back, with an error and nothing written, when the crontab cannot be
    written (raised: pyramid_tm aborts, the flash still reaches the user)."""
    if crontab.read_only:
        request.session.flash(
            f"The crontab of {site.name} is read-only (kept in a JSON file).", "error")
        raise redirect_back(request, site_url(request, site))


@view_config(route_name="site_switch", permission=MANAGE, request_method="POST")
def switch_crontab(request):
    root, site, crontab = get_site(request)
    check_writable(request, site, crontab)
    crontab.activated = request.POST.get("activated") == "1"
    crontab.save()
    state = "on" if crontab.activated else "off"
    request.session.flash(f"The crontab of {site.name} is {state}.", "info")
    return redirect_back(request, site_url(request, site))


@view_config(route_name="site_bulk", permission=MANAGE, request_method="POST")
def bulk(request):
    root, site, crontab = get_site(request)
    check_writable(request, site, crontab)
    action = request.POST.get("action")
    crons = [crontab.get(uid) for uid in request.POST.getall("uid") if uid in crontab]
    if action not in ("enable", "disable", "delete") or not crons:
        request.session.flash("Select crons and an action first.", "error")
        return redirect_back(request, site_url(request, site))
    for cron in crons:
        if action == "delete":
            crontab.remove_cron(cron.uid)
        else:
            cron.edit(activated=action == "enable")
    crontab.save()
    done = {"enable": "turned on", "disable": "turned off", "delete": "deleted"}[action]
    request.session.flash(f"{len(crons)} cron(s) {done}.", "info")
    return redirect_back(request, site_url(request, site))


@view_config(route_name="cron_action", match_param="action=toggle",
             permission=MANAGE, request_method="POST")
def toggle(request):
    root, site, crontab, cron = get_cron(request)
    check_writable(request, site, crontab)
    cron.edit(activated=request.POST.get("activated") == "1")
    crontab.save_cron(cron)
    state = "on" if cron.activated else "off"
    request.session.flash(f"{cron.name} is {state}.", "info")
    return redirect_back(request, site_url(request, site))


@view_config(route_name="cron_action", match_param="action=run",
             permission=MANAGE, request_method="POST")
def run_now(request):
    root, site, crontab, cron = get_cron(request)
    now = clock.now()
    if not cron.runnable(now):
        state = cron.state(now) if crontab.activated else "off"
        request.session.flash(
            f"{cron.name} is {state}: a worker would not run it. "
            "Turn it on (or resume it) first.", "error")
    else:
        cron_manager(site, cron).run_now()
        request.session.flash(f"{cron.name} will run now.", "info")
    return redirect_back(request, site_url(request, site))


def parse_until(text, zone, now):
    """The pause's end from a datetime-local field, read in ``zone``;
    None for an empty field (until resumed)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        local = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput("pause end", text, "expected a date and time") from None
    if local.tzinfo is None:
        local = local.replace(tzinfo=load_zone(zone))
    if local <= now:
        raise InvalidInput("pause end", text, "must be in the future")
    return local


@view_config(route_name="cron_action", match_param="action=pause",
             permission=MANAGE, request_method="POST")
def pause(request):
    root, site, crontab, cron = get_cron(request)
    check_writable(request, site, crontab)
    note = request.POST.get("note", "").strip()[:NOTE_LIMIT]
    try:
        until = parse_until(request.POST.get("until"), cron.timezone, clock.now())
    except InvalidInput as e:
        request.session.flash(f"Not paused: {e.reason}.", "error")
        return redirect_back(request, site_url(request, site))
    cron.pause(until, note)
    crontab.save_cron(cron)
    request.session.flash(f"{cron.name} is paused.", "info")
    return redirect_back(request, site_url(request, site))


@view_config(route_name="cron_action", match_param="action=resume",
             permission=MANAGE, request_method="POST")
def resume(request):
    root, site, crontab, cron = get_cron(request)
    check_writable(request, site, crontab)
    cron.resume()
    crontab.save_cron(cron)
    request.session.flash(f"{cron.name} is resumed.", "info")
    return redirect_back(request, site_url(request, site))


@view_config(route_name="cron_action", match_param="action=delete",
             permission=MANAGE, request_method="POST")
def delete(request):
    root, site, crontab, cron = get_cron(request)
    check_writable(request, site, crontab)
    crontab.remove_cron(cron.uid)
    crontab.save_cron(cron.uid)
    request.session.flash(f"{cron.name} is deleted.", "info")
    # never back to the deleted cron's own pages
    return HTTPSeeOther(site_url(request, site))


@view_config(route_name="cron_action", match_param="action=clear",
             permission=MANAGE, request_method="POST")
def clear_logs(request):
    root, site, crontab, cron = get_cron(request)
    cron.clear_logs()
    crontab.save_cron(cron)
    request.session.flash(f"The logs of {cron.name} are cleared.", "info")
    return redirect_back(request, request.route_url(
        "cron_logs", site=site.name, uid=cron.uid))
