"""The API's writes (manager role): add, edit and delete a cron; toggle,
pause, resume and run it now. The body is a JSON object; its values are
checked by the model's own validators (``zcron.model.fields``), and the
crontab saves as the dashboard's actions do, the queue following in the
same transaction."""
import json

from pyramid.httpexceptions import HTTPConflict
from pyramid.view import view_config

from zcron import clock
from zcron.components import cron_manager, queue_for
from zcron.declared.sync import declared_fields
from zcron.exceptions import InvalidInput
from zcron.model import Cron
from zcron.model.fields import EDITABLE, validate
from zcron.web.actions import NOTE_LIMIT
from zcron.web.api.reads import cron_data
from zcron.web.security import MANAGE
from zcron.web.views import get_cron, get_site

WRITE = {"permission": MANAGE, "renderer": "json", "require_csrf": False}
SETTABLE = tuple(f for f in EDITABLE if f != "declared")


def body(request, allowed):
    """The request's JSON object, its keys among ``allowed``."""
    try:
        data = json.loads(request.body or b"{}")
    except (UnicodeDecodeError, ValueError) as e:
        raise InvalidInput("body", request.body[:80].decode("utf-8", "replace"),
                           f"not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise InvalidInput("body", data, "expected a JSON object")
    for key in data:
        if key not in allowed:
            raise InvalidInput("field", key, "expected one of " + ", ".join(allowed))
    return data


def writable(request, site, crontab):
    if crontab.read_only:
        raise HTTPConflict(f"The crontab of {site.name} is read-only (kept in a JSON file).")


def answer(request, site, crontab, cron, status=200):
    crontab.save_cron(cron)
    request.response.status = status
    return cron_data(site, cron, queue_for(request.zcron_root), clock.now())


@view_config(route_name="api_site_toggle", request_method="POST", **WRITE)
def toggle_crontab(request):
    """The site's crontab on or off: ``{"activated": bool}``; no body switches it over."""
    root, site, crontab = get_site(request)
    writable(request, site, crontab)
    values = validate(body(request, ("activated",)))
    crontab.activated = values.get("activated", not crontab.activated)
    crontab.save()
    return {"site": site.name, "activated": crontab.activated}


@view_config(route_name="api_crons", request_method="POST", **WRITE)
def add(request):
    root, site, crontab = get_site(request)
    writable(request, site, crontab)
    values = validate(body(request, ("uid",) + SETTABLE))
    for field in ("name", "periodicity"):
        if field not in values:
            raise InvalidInput(field, None, "is required")
    cron = crontab.add_cron(Cron(**values))
    return answer(request, site, crontab, cron, status=201)


@view_config(route_name="api_cron", request_method="PATCH", **WRITE)
def edit(request):
    root, site, crontab, cron = get_cron(request)
    writable(request, site, crontab)
    changes = validate(body(request, SETTABLE))
    for field in declared_fields(cron):
        if field in changes and changes[field] != getattr(cron, field):
            raise InvalidInput(field, changes[field],
                               f"is declared in code ({cron.declared}): change it there")
    cron.edit(**changes)
    return answer(request, site, crontab, cron)


@view_config(route_name="api_cron", request_method="DELETE", **WRITE)
def delete(request):
    root, site, crontab, cron = get_cron(request)
    writable(request, site, crontab)
    crontab.remove_cron(cron.uid)
    crontab.save_cron(cron.uid)
    return {"deleted": cron.uid}


@view_config(route_name="api_action", match_param="action=toggle", request_method="POST",
             **WRITE)
def toggle(request):
    """The cron on or off: ``{"activated": bool}``; no body switches it over."""
    root, site, crontab, cron = get_cron(request)
    writable(request, site, crontab)
    cron.edit(**validate(body(request, ("activated",))) or {"activated": not cron.activated})
    return answer(request, site, crontab, cron)


@view_config(route_name="api_action", match_param="action=pause", request_method="POST",
             **WRITE)
def pause(request):
    """``{"until": ISO 8601 time or null, "note": text}``; no end: until resumed."""
    root, site, crontab, cron = get_cron(request)
    writable(request, site, crontab)
    data = body(request, ("until", "note"))
    values = validate({"paused_until": data.get("until"), "pause_note": data.get("note", "")})
    if values["paused_until"] is not None and values["paused_until"] <= clock.now():
        raise InvalidInput("until", data["until"], "must be in the future")
    if len(values["pause_note"]) > NOTE_LIMIT:
        raise InvalidInput("note", values["pause_note"][:40] + "...",
                           f"at most {NOTE_LIMIT} characters")
    cron.pause(values["paused_until"], values["pause_note"])
    return answer(request, site, crontab, cron)


@view_config(route_name="api_action", match_param="action=resume", request_method="POST",
             **WRITE)
def resume(request):
    root, site, crontab, cron = get_cron(request)
    writable(request, site, crontab)
    body(request, ())
    cron.resume()
    return answer(request, site, crontab, cron)


@view_config(route_name="api_action", match_param="action=run", request_method="POST",
             **WRITE)
def run_now(request):
    """Queue a manual run; 409 when a worker would not run the cron."""
    root, site, crontab, cron = get_cron(request)
    body(request, ())
    now = clock.now()
    if not crontab.activated or not cron.runnable(now):
        state = cron.state(now) if crontab.activated else "off"
        raise HTTPConflict(f"{cron.name} is {state}: a worker would not run it; "
                           "turn it on (or resume it) first.")
    job = cron_manager(site, cron).run_now()
    request.response.status = 202
    return {"queued": {"site": site.name, "uid": cron.uid, "kind": job.kind,
                       "due": job.due.isoformat()}}
