"""The API's GET views: sites, crons (all of a site, or one), a cron's
logs, workers. Each gives what the matching page shows, as JSON (times in
ISO 8601, UTC)."""
from datetime import timedelta

from pyramid.view import view_config

from zcron import clock
from zcron.components import queue_for
from zcron.exceptions import InvalidInput
from zcron.interfaces import STATUSES
from zcron.model.timeutil import dump_time
from zcron.web.security import VIEW
from zcron.web.overview import next_due_by_site, site_entry
from zcron.web.views import cron_row, get_cron, get_site

READ = {"permission": VIEW, "request_method": ("GET", "HEAD"), "renderer": "json"}
LIMIT = 100          # crons or logs in one answer, unless ?limit= says
MAX_LIMIT = 1000


def site_data(entry):
    return {"name": entry.name, "error": entry.error, "crons": entry.crons,
            "activated": None if entry.crontab is None else entry.crontab.activated,
            "read_only": None if entry.crontab is None else entry.crontab.read_only,
            "last_status_counts": entry.counts, "failures_24h": entry.failures_24h,
            "next_run": dump_time(entry.next_run), "running": entry.running}


def cron_data(site, cron, queue, now):
    """The cron's fields (its dump without logs) and what the table shows."""
    row = cron_row(site, cron, queue, now)
    data = cron.dump(with_logs=False)
    del data["logs"]
    data.update(state=row.state, describe=row.describe, kind=row.kind,
                next_run=dump_time(row.next_run), next_kind=row.next_kind,
                running=row.running, last_status=row.last_status,
                last_run=dump_time(row.last.date) if row.last else None,
                log_counts=dict(cron.log_counts))
    return data


def window(request, items):
    """``items[offset:offset + limit]`` of the query's ``offset`` and ``limit``."""
    bounds = {}
    for name, default, top in (("offset", 0, None), ("limit", LIMIT, MAX_LIMIT)):
        text = request.params.get(name, str(default))
        if not text.isdigit() or (top is not None and not 1 <= int(text) <= top):
            raise InvalidInput(name, text, "expected a whole number"
                               + (f" from 1 to {top}" if top else " >= 0"))
        bounds[name] = int(text)
    return items[bounds["offset"]:bounds["offset"] + bounds["limit"]]


@view_config(route_name="api_sites", **READ)
def sites(request):
    root = request.zcron_root
    queue = queue_for(root)
    next_due = next_due_by_site(queue, clock.now())
    day_ago = clock.now() - timedelta(hours=24)
    return {"sites": [site_data(site_entry(site, queue, next_due.get(site.name), day_ago))
                      for site in root.sites.values()]}


@view_config(route_name="api_site", **READ)
def site(request):
    root, site, crontab = get_site(request)
    queue = queue_for(root)
    day_ago = clock.now() - timedelta(hours=24)
    return site_data(site_entry(site, queue, next_due_by_site(queue, clock.now()).get(site.name), day_ago))


@view_config(route_name="api_crons", **READ)
def crons(request):
    root, site, crontab = get_site(request)
    queue, now = queue_for(root), clock.now()
    status = request.params.get("status")
    if status is not None and status not in STATUSES + ("never",):
        raise InvalidInput("status", status, "expected " + ", ".join(STATUSES + ("never",)))
    chosen = [cron for cron in crontab
              if status is None or (cron.last_status or "never") == status]
    return {"site": site.name, "total": len(chosen),
            "crons": [cron_data(site, cron, queue, now) for cron in window(request, chosen)]}


@view_config(route_name="api_cron", **READ)
def cron(request):
    root, site, crontab, cron = get_cron(request)
    return cron_data(site, cron, queue_for(root), clock.now())


@view_config(route_name="api_logs", **READ)
def logs(request):
    """The cron's kept log entries, newest first."""
    root, site, crontab, cron = get_cron(request)
    status = request.params.get("status")
    if status is not None and status not in STATUSES:
        raise InvalidInput("status", status, "expected " + ", ".join(STATUSES))
    chosen = [log for log in cron.logs if status is None or log.status == status]
    return {"site": site.name, "uid": cron.uid, "total": len(chosen),
            "counts": dict(cron.log_counts),
            "logs": [log.dump() for log in window(request, chosen)]}


@view_config(route_name="api_workers", **READ)
def workers(request):
    queue, now = queue_for(request.zcron_root), clock.now()
    claims = {}
    for claim in queue.claimed():
        claims.setdefault(claim.worker_id, []).append({
            "site": claim.job.site, "uid": claim.job.uid, "kind": claim.job.kind,
            "fire_time": dump_time(claim.job.fire_time),
            "claimed_at": dump_time(claim.claimed_at)})
    return {"queue_depth": len(queue), "next_due": dump_time(queue.next_due()),
            "workers": [{"id": w.id, "host": w.host, "pid": w.pid, "alive": w.alive(now),
                         "started": dump_time(w.started),
                         "lease_until": dump_time(w.lease_until),
                         "concurrency": w.concurrency, "stopping": w.stopping,
                         "claims": claims.get(w.id, [])}
                        for w in sorted(queue.workers(), key=lambda w: w.started)]}
