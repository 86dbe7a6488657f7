"""A site's exclusion calendars on the dashboard: the page listing them
(with the crons skipping each), adding or replacing one, and removing one
no cron uses. The rules are the model's (``zcron.model.calendar``): a bad
rule is its one sentence, shown again beside its field (422)."""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from zcron.exceptions import InvalidInput
from zcron.model.calendar import RULES, Calendar
from zcron.web.actions import check_writable
from zcron.web.security import MANAGE, VIEW
from zcron.web.views import get_site

# the field an InvalidInput of Calendar names -> the form's field
FORM_FIELD = {"calendar": "name", "date": "dates", "range": "ranges",
              "yearly": "yearly", "blackout": "blackouts"}


def calendars_url(request, site):
    return request.route_url("calendars", site=site.name)


def calendar_text(calendar):
    """The form's texts of a calendar: one rule a line."""
    values = {rule: "\n".join(getattr(calendar, rule)) for rule in RULES}
    values["name"] = calendar.name
    return values


def page(request, site, crontab, shown=None, errors=None, editing=""):
    """The page's values: the calendars, and the form (blank, one to edit,
    or the posted one with its errors)."""
    if shown is None:
        edit = crontab.calendars().get(request.params.get("edit", ""))
        editing = edit.name if edit is not None else ""
        shown = calendar_text(edit) if edit is not None else dict.fromkeys(("name",) + RULES, "")
    return {
        "site": site,
        "crontab": crontab,
        "calendars": [(c, sorted(cron.name for cron in crontab.users_of(c.name)))
                      for c in crontab.calendars().values()],
        "rules": RULES,
        "values": shown,
        "errors": errors or {},
        "editing": editing,
    }


@view_config(route_name="calendars", permission=VIEW, request_method=("GET", "HEAD"),
             renderer="templates/calendars.pt")
def calendars_page(request):
    root, site, crontab = get_site(request)
    return page(request, site, crontab)


def read_calendar(post, crontab):
    """(Calendar, {}) from the posted form, or (None, {field: sentence})."""
    editing = post.get("editing", "")
    name = post.get("name", "").strip() or editing
    if name in crontab.calendars() and name != editing:
        return None, {"name": f"{name!r} is already a calendar of this site: edit it"}
    lines = {rule: post.get(rule, "").splitlines() for rule in RULES}
    try:
        return Calendar(name, **{rule: [t for t in texts if t.strip()]
                                 for rule, texts in lines.items()}), {}
    except InvalidInput as e:
        return None, {FORM_FIELD.get(e.field, "name"): str(e)}


@view_config(route_name="calendars", permission=MANAGE, request_method="POST",
             renderer="templates/calendars.pt")
def save_calendar(request):
    """Add or replace a calendar; its users' jobs follow (save_calendar)."""
    root, site, crontab = get_site(request)
    check_writable(request, site, crontab)
    calendar, errors = read_calendar(request.POST, crontab)
    if errors:
        request.response.status = 422
        shown = {field: request.POST.get(field, "") for field in ("name",) + RULES}
        return page(request, site, crontab, shown, errors, request.POST.get("editing", ""))
    crontab.set_calendar(calendar)
    crontab.save_calendar(calendar.name)
    request.session.flash(f"The calendar {calendar.name} is saved.", "info")
    return HTTPSeeOther(calendars_url(request, site))


@view_config(route_name="calendar_remove", permission=MANAGE, request_method="POST")
def remove_calendar(request):
    """Remove a calendar; refused, with the crons' names, while one skips it."""
    root, site, crontab = get_site(request)
    check_writable(request, site, crontab)
    name = request.matchdict["name"]
    try:
        crontab.remove_calendar(name)
    except InvalidInput as e:
        request.session.flash(f"Not removed: {e}.", "error")
    else:
        request.session.flash(f"The calendar {name} is removed.", "info")
    return HTTPSeeOther(calendars_url(request, site))
