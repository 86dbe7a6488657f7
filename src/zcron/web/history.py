"""The dashboard's History tabs (a site's changes, a cron's), undoing a
change from them, and the tween saying who changes things in a request,
and why (its ``change_note``)."""
from pyramid.view import view_config

from zcron.audit import acting
from zcron.audit.diff import describe
from zcron.audit.store import audit_of
from zcron.audit.undo import undo
from zcron.exceptions import InvalidInput
from zcron.web.actions import check_writable, redirect_back
from zcron.web.security import MANAGE, VIEW
from zcron.web.views import get_cron, get_site

SHOWN = 200          # newest changes on a page
NOTE_LIMIT = 500


def includeme(config):
    config.add_route("site_history", "/sites/{site}/history")
    config.add_route("change_undo", "/sites/{site}/history/{change}/undo")
    config.add_route("cron_history", "/sites/{site}/crons/{uid}/history")
    config.add_tween("zcron.web.history.audit_tween_factory")


def audit_tween_factory(handler, registry):
    """A POST's changes are by its user, for the note given with them."""
    def tween(request):
        if request.method != "POST":
            return handler(request)
        user = request.identity
        note = request.POST.get("change_note", "").strip()[:NOTE_LIMIT]
        with acting(None if user is None else user.name, note):
            return handler(request)
    return tween


@view_config(route_name="site_history", permission=VIEW, renderer="templates/history.pt")
def site_history(request):
    root, site, crontab = get_site(request)
    return _page(site, None)


@view_config(route_name="cron_history", permission=VIEW, renderer="templates/history.pt")
def cron_history(request):
    root, site, crontab, cron = get_cron(request)
    return _page(site, cron)


@view_config(route_name="change_undo", permission=MANAGE, request_method="POST",
             renderer="templates/history.pt")
def undo_change(request):
    """Undo one change as ``zcron undo`` does; refused, the page again with
    the refusal's sentence (422), nothing written."""
    root, site, crontab = get_site(request)
    check_writable(request, site, crontab)
    text = request.matchdict["change"]
    try:
        change = undo(site, crontab, int(text) if text.isdigit() else text)
    except InvalidInput as e:
        request.response.status = 422
        uid = request.POST.get("uid", "")
        return _page(site, crontab.get(uid) if uid in crontab else None, str(e))
    request.session.flash(f"Change {change.id} is undone ({describe(change)}).", "info")
    return redirect_back(request, request.route_url("site_history", site=site.name))


def _page(site, cron, error=None):
    store = audit_of(site)
    match = None if cron is None else (lambda change: change.uid == cron.uid)
    changes = [] if store is None else store.newest(SHOWN, match)
    return {"site": site, "cron": cron, "error": error,
            "changes": [(change, describe(change)) for change in changes]}
