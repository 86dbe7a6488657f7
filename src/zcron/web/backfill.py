"""A cron's backfill on the dashboard: a range (from, to, in the cron's
zone) previewed as its count of fire times, then queued for the workers,
or cancelled (``zcron.backfill``, what ``zcron backfill`` does). A bad
range is its one sentence beside the form (422), nothing queued."""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from zcron import backfill, clock
from zcron.exceptions import InvalidInput
from zcron.web.schedule_fields import read_local
from zcron.web.security import MANAGE
from zcron.web.views import get_cron

# Fire times listed by the preview (its count is the whole range's).
SHOWN = 10


def page(site, cron, values=None, times=None, error=""):
    """The page's values: the form, and a preview's fire times."""
    return {"site": site, "cron": cron, "values": values or {"start": "", "end": ""},
            "times": times, "shown": (times or [])[:SHOWN], "error": error,
            "waiting": len(backfill.waiting(site, cron)),
            "running": len(backfill.running(site, cron))}


def read_range(post, cron):
    """The posted range's fire times (refused as ``zcron backfill``
    refuses it: InvalidInput, the field named as the form names it)."""
    start = read_local("from", post.get("start", ""), cron.timezone)
    end = read_local("to", post.get("end", ""), cron.timezone)
    for name, value in (("from", start), ("to", end)):
        if value is None:
            raise InvalidInput(name, "", "is needed")
    most = backfill.LIMIT if post.get("max") else None
    return backfill.fire_times(cron, start, end, most)


@view_config(route_name="cron_backfill", permission=MANAGE, request_method=("GET", "HEAD"),
             renderer="templates/backfill.pt")
def backfill_page(request):
    root, site, crontab, cron = get_cron(request)
    return page(site, cron)


@view_config(route_name="cron_backfill", permission=MANAGE, request_method="POST",
             renderer="templates/backfill.pt")
def backfill_post(request):
    """Preview (the count), run (queue them) or cancel a backfill."""
    root, site, crontab, cron = get_cron(request)
    post, action = request.POST, request.POST.get("action", "preview")
    if action == "cancel":
        count = backfill.cancel(site, cron)
        request.session.flash(f"{count} backfill runs of {cron.name} not started are "
                              "cancelled.", "info")
        return HTTPSeeOther(request.route_url("cron_backfill", site=site.name, uid=cron.uid))
    values = {"start": post.get("start", ""), "end": post.get("end", "")}
    try:
        times = read_range(post, cron)
        if action == "run":
            backfill.queue_backfill(site, cron, times, clock.now())
    except InvalidInput as e:
        request.response.status = 422
        return page(site, cron, values, error=str(e))
    if action != "run":
        return page(site, cron, values, times)
    request.session.flash(f"{len(times)} backfill runs of {cron.name} are queued: workers "
                          "run them oldest first.", "info")
    return HTTPSeeOther(request.route_url("cron_logs", site=site.name, uid=cron.uid))
