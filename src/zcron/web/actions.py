"""The actions on crontabs and crons: POST views needing the ``manage``
permission and the CSRF token.

Each ends with ``crontab.save()`` or ``crontab.save_cron(cron)`` so the
queue follows in the same transaction, then redirects (POST/redirect/GET)
with a flash message.
"""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from zcron import clock
from zcron.components import cron_manager
from zcron.exceptions import InvalidInput
from zcron.web.schedule_fields import read_local
from zcron.web.security import MANAGE, safe_came_from
from zcron.web.views import get_cron, get_site

NOTE_LIMIT = 500


def redirect_back(request, default):
    return HTTPSeeOther(safe_came_from(request.POST.get("came_from"), default))


def site_url(request, site):
    return request.route_url("site", site=site.name)


def check_writable(request, site, crontab):
    """Back, with an error and nothing written, when the crontab cannot be
    written (raised: pyramid_tm aborts, the flash still reaches the user)."""
    if crontab.read_only:
        request.session.flash(
            f"The crontab of {site.name} is read-only (kept in a JSON file).", "error")
        raise redirect_back(request, site_url(request, site))


def writable_cron(request):
    """(site, crontab, cron) of the request; back with an error when the
    crontab is read-only."""
    root, site, crontab, cron = get_cron(request)
    check_writable(request, site, crontab)
    return site, crontab, cron


def saved(request, site, crontab, cron, message, back=None):
    """Save one cron's change (or removal: its uid), say so, and go back."""
    crontab.save_cron(cron)
    request.session.flash(message, "info")
    return redirect_back(request, back or site_url(request, site))


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
    site, crontab, cron = writable_cron(request)
    cron.edit(activated=request.POST.get("activated") == "1")
    state = "on" if cron.activated else "off"
    return saved(request, site, crontab, cron, f"{cron.name} is {state}.")


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
    local = read_local("pause end", text, zone)
    if local is None:
        return None
    if local <= now:
        raise InvalidInput("pause end", text, "must be in the future")
    return local


@view_config(route_name="cron_action", match_param="action=pause",
             permission=MANAGE, request_method="POST")
def pause(request):
    site, crontab, cron = writable_cron(request)
    note = request.POST.get("note", "").strip()[:NOTE_LIMIT]
    try:
        until = parse_until(request.POST.get("until"), cron.timezone, clock.now())
    except InvalidInput as e:
        request.session.flash(f"Not paused: {e.reason}.", "error")
        return redirect_back(request, site_url(request, site))
    cron.pause(until, note)
    return saved(request, site, crontab, cron, f"{cron.name} is paused.")


@view_config(route_name="cron_action", match_param="action=resume",
             permission=MANAGE, request_method="POST")
def resume(request):
    site, crontab, cron = writable_cron(request)
    cron.resume()
    return saved(request, site, crontab, cron, f"{cron.name} is resumed.")


@view_config(route_name="cron_action", match_param="action=delete",
             permission=MANAGE, request_method="POST")
def delete(request):
    site, crontab, cron = writable_cron(request)
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
    return saved(request, site, crontab, cron, f"The logs of {cron.name} are cleared.",
                 back=request.route_url("cron_logs", site=site.name, uid=cron.uid))
