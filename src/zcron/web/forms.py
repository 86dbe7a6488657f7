"""The add / edit form of a cron, and its live validation endpoint.

The form is read field by field into the values ``Cron`` takes, every bad
field is named with its reason, and only a form without errors changes the
crontab; a form with errors is shown again (422) and the transaction is
aborted, so nothing is saved.
"""
import functools
import json
import math
import zoneinfo

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from zcron import clock
from zcron.components import load_crontab
from zcron.config import runner_names
from zcron.exceptions import InvalidInput, UnknownTimezone
from zcron.interfaces import MISSED_POLICIES, OVERLAP_POLICIES
from zcron.model import Cron
from zcron.model.fields import FIELDS
from zcron.periodicity import get_periodicity
from zcron.periodicity.zone import load_zone
from zcron.schedule import next_runs
from zcron.web import formatting
from zcron.web.security import MANAGE, VIEW
from zcron.web.actions import check_writable, site_url
from zcron.web.views import get_cron, get_site

PREVIEW = 5
TEXT_LIMIT = 200
ENVIRON_LIMIT = 64 * 1024
# field -> (integer?, optional?)
NUMBERS = {
    "logs_limit": (True, False),
    "catchup_window": (False, False),
    "timeout": (False, True),
    "warn_after": (False, True),
    "retries": (True, False),
    "retry_backoff": (False, False),
    "jitter": (False, False),
}
CHOICES = ("missed", "overlap")        # checked by the model: see PARSERS
FORM_FIELDS = ("name", "periodicity", "timezone", "activated", "user", "environ") \
    + tuple(NUMBERS) + tuple(CHOICES) + ("retry_interrupted",)


def form_values(cron=None):
    """The form's text values for a cron (or the defaults of a new one)."""
    if cron is None:
        values = {field: default for field, (_, default) in FIELDS.items()}
        values.update(name="", periodicity="", environ={})
    else:
        values = {field: getattr(cron, field) for field in FIELDS}
    text = {}
    for field in FORM_FIELDS:
        value = values[field]
        if field == "environ":
            text[field] = json.dumps(value, indent=2, sort_keys=True) if value else ""
        elif isinstance(value, bool):
            text[field] = value
        elif value is None:
            text[field] = ""
        else:
            text[field] = str(value)
    return text


def _number(field, text):
    integer, optional = NUMBERS[field]
    text = text.strip()
    if not text:
        if optional:
            return None
        raise InvalidInput(field, text, "required")
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        what = "a whole number" if integer else "a number of seconds"
        raise InvalidInput(field, text, f"expected {what}") from None
    if not math.isfinite(value):
        raise InvalidInput(field, text, "expected a finite number")
    if not integer and value.is_integer():
        value = int(value)
    return FIELDS[field][0](value)


def check_schedule(expression, zone):
    """{'periodicity': reason, 'timezone': reason} for what is wrong."""
    errors = {}
    try:
        load_zone(zone)
    except UnknownTimezone as e:
        errors["timezone"] = e.reason
        zone = "UTC"
    try:
        get_periodicity(expression, zone)
    except InvalidInput as e:
        errors["periodicity"] = e.reason
    return errors


def parse_form(post):
    """(values for Cron, {field: reason}, the form's text to show again)."""
    shown = {field: post.get(field, "") for field in FORM_FIELDS}
    shown["activated"] = "activated" in post
    shown["retry_interrupted"] = "retry_interrupted" in post
    values, errors = {}, {}
    _parse_fields(("name", "user"), shown, values, errors)
    values["periodicity"] = " ".join(shown["periodicity"].split())
    values["timezone"] = shown["timezone"].strip() or "UTC"
    errors.update(check_schedule(values["periodicity"], values["timezone"]))
    _parse_fields(("environ",) + tuple(NUMBERS) + tuple(CHOICES), shown, values, errors)
    values["activated"] = shown["activated"]
    values["retry_interrupted"] = shown["retry_interrupted"]
    return values, errors, shown


def _parse_fields(fields, shown, values, errors):
    """Each field's value from its text, or its error's reason."""
    for field in fields:
        try:
            values[field] = PARSERS[field](shown[field])
        except InvalidInput as e:
            errors[field] = e.reason


def _text(field):
    def parse(text):
        text = text.strip()
        if len(text) > TEXT_LIMIT:
            raise InvalidInput(field, text, f"at most {TEXT_LIMIT} characters")
        return FIELDS[field][0](text)
    return parse


def _environ(text):
    text = text.strip()
    if len(text) > ENVIRON_LIMIT:
        raise InvalidInput("environ", text, f"at most {ENVIRON_LIMIT} characters")
    try:
        value = json.loads(text) if text else {}
    except ValueError as e:
        raise InvalidInput("environ", text, f"not valid JSON ({e})") from None
    return FIELDS["environ"][0](value)     # an object, JSON-serialisable


# field -> its parser: the form's text to a Cron value, or InvalidInput
PARSERS = {
    "name": _text("name"),
    "user": _text("user"),
    "environ": _environ,
    **{field: functools.partial(_number, field) for field in NUMBERS},
    **{field: FIELDS[field][0] for field in CHOICES},      # the model's own check
}


def preview(cron, expression, zone, now):
    """The next fire times to show: the saved cron's due times (jitter and
    pause applied) when the schedule is unchanged, else the draft's."""
    if cron is not None and expression == cron.periodicity and zone == cron.timezone:
        times = next_runs(cron, now, PREVIEW)
    else:
        times = list(get_periodicity(expression, zone).fire_times(now, n=PREVIEW))
    return [formatting.When(t, zone, now) for t in times]


def render_form(request, site, crontab, cron, shown, errors):
    now = clock.now()
    expression, zone = shown["periodicity"], shown["timezone"] or "UTC"
    times, description = [], ""
    if expression and not check_schedule(expression, zone):
        times = preview(cron, expression, zone, now)
        description = get_periodicity(expression, zone).describe()
    return {
        "site": site,
        "crontab": crontab,
        "cron": cron,
        "values": shown,
        "errors": errors,
        "runners": runner_names(),
        "zones": sorted(zoneinfo.available_timezones()),
        "missed_policies": MISSED_POLICIES,
        "overlap_policies": OVERLAP_POLICIES,
        "preview": times,
        "description": description,
        "now": now,
    }


@view_config(route_name="cron_add", permission=VIEW, request_method=("GET", "HEAD"),
             renderer="templates/cron_form.pt")
def add_form(request):
    root, site, crontab = get_site(request)
    return render_form(request, site, crontab, None, form_values(), {})


@view_config(route_name="cron_edit", permission=VIEW, request_method=("GET", "HEAD"),
             renderer="templates/cron_form.pt")
def edit_form(request):
    root, site, crontab, cron = get_cron(request)
    return render_form(request, site, crontab, cron, form_values(cron), {})


def save_form(request, site, crontab, cron):
    """Add the posted cron (``cron`` None) or change ``cron`` to it, then
    back to the crontab; a form with errors is shown again (422)."""
    check_writable(request, site, crontab)
    values, errors, shown = parse_form(request.POST)
    if errors:
        request.response.status = 422
        return render_form(request, site, crontab, cron, shown, errors)
    if cron is None:
        cron = crontab.add_cron(Cron(**values))
        done = "added"
    else:
        cron.edit(**values)
        done = "saved"
    crontab.save_cron(cron)
    request.session.flash(f"{cron.name} is {done}.", "info")
    return HTTPSeeOther(site_url(request, site))


@view_config(route_name="cron_add", permission=MANAGE, request_method="POST",
             renderer="templates/cron_form.pt")
def add(request):
    root, site, crontab = get_site(request)
    return save_form(request, site, crontab, None)


@view_config(route_name="cron_edit", permission=MANAGE, request_method="POST",
             renderer="templates/cron_form.pt")
def edit(request):
    root, site, crontab, cron = get_cron(request)
    return save_form(request, site, crontab, cron)


@view_config(route_name="validate", permission=VIEW, request_method="GET",
             renderer="json")
def validate(request):
    """Live validation of the form's schedule: errors, the plain-words
    reading, the next fire times, and whether a runner has the name."""
    params = request.params
    expression = " ".join(params.get("periodicity", "").split())
    zone = params.get("timezone", "").strip() or "UTC"
    name = params.get("name", "").strip()
    errors = check_schedule(expression, zone) if expression else \
        {"periodicity": "required"}
    cron = _saved_cron(request, params.get("site"), params.get("uid"))
    result = {"ok": not errors, "errors": errors, "description": "", "next": [],
              "runner_known": name in runner_names() if name else None}
    if not errors:
        now = clock.now()
        result["description"] = get_periodicity(expression, zone).describe()
        result["next"] = [{"text": t.text, "utc": t.utc, "iso": t.iso,
                           "relative": t.relative}
                          for t in preview(cron, expression, zone, now)]
    return result


def _saved_cron(request, site_name, uid):
    """The saved cron being edited, if the request names one."""
    if not site_name or not uid:
        return None
    site = request.zcron_root.sites.get(site_name)
    if site is None:
        return None
    try:
        crontab = load_crontab(site)
    except InvalidInput:          # a JSON registry whose file went bad
        return None
    return crontab.get(uid) if uid in crontab else None
