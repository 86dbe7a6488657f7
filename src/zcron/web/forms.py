"""The add / edit form of a cron (its schedule fields and live preview
are ``zcron.web.schedule_fields``'s).

The form is read field by field into the values ``Cron`` takes, every bad
field is named with its reason, and only a form without errors changes the
crontab; a form with errors is shown again (422) and the transaction is
aborted, so nothing is saved.
"""
import functools
import json
import zoneinfo

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config
from webob.multidict import MultiDict

from zcron import clock
from zcron.config import check_runner_name, runner_names
from zcron.declared.sync import declared_fields
from zcron.exceptions import InvalidInput
from zcron.interfaces import MISSED_POLICIES, OVERLAP_POLICIES
from zcron.model import Cron
from zcron.model.fields import FIELDS
from zcron.periodicity import get_periodicity, kinds
from zcron.web.security import MANAGE, VIEW
from zcron.web.actions import check_writable, site_url
from zcron.web.schedule_fields import (kind_title, local_text, preview, read_number,
                                       read_schedule)
from zcron.web.cronrow import declared_at, declared_sources
from zcron.web.views import get_cron, get_site

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
    "alert_no_success": (False, True),
    "alert_running": (False, True),
    "pause_after_failures": (True, True),
    "keep_ok_for": (False, True),
    "keep_failures_for": (False, True),
}
CHOICES = ("missed", "overlap")        # checked by the model: see PARSERS
BOUNDS = ("start", "end", "max_runs")
INSIST = "tick \"Allow an unregistered runner name\" to use it anyway"
FORM_FIELDS = ("name", "periodicity", "timezone", "activated", "user", "environ") \
    + tuple(NUMBERS) + tuple(CHOICES) + ("retry_interrupted",) + BOUNDS


def form_values(cron=None):
    """The form's text values for a cron (or the defaults of a new one)."""
    if cron is None:
        values = {field: default for field, (_, default) in FIELDS.items()}
        values.update(name="", periodicity="", environ={})
    else:
        values = {field: getattr(cron, field) for field in FIELDS}
    text = {"exclude": list(values["exclude"])}
    for field in FORM_FIELDS:
        value = values[field]
        if field in ("start", "end"):
            text[field] = local_text(value, values["timezone"])
        elif field == "environ":
            text[field] = json.dumps(value, indent=2, sort_keys=True) if value else ""
        elif isinstance(value, bool):
            text[field] = value
        elif value is None:
            text[field] = ""
        else:
            text[field] = str(value)
    return text


def parse_form(post, crontab, cron=None):
    """(values for Cron, {field: reason}, the form's text to show again)."""
    shown = {field: post.get(field, "") for field in FORM_FIELDS}
    shown["activated"] = "activated" in post
    shown["retry_interrupted"] = "retry_interrupted" in post
    shown["exclude"] = post.getall("exclude")
    _read_runner_escape(post, shown)
    values, errors = read_schedule(shown, shown["exclude"], crontab)
    _parse_fields(("name", "user"), shown, values, errors)
    if "name" in values and values["name"] != getattr(cron, "name", None):
        _check_runner(values["name"], shown, errors)
    _parse_fields(("environ",) + tuple(NUMBERS) + tuple(CHOICES), shown, values, errors)
    values["activated"] = shown["activated"]
    values["retry_interrupted"] = shown["retry_interrupted"]
    return values, errors, shown


def _read_runner_escape(post, shown):
    """With "Allow an unregistered runner name" ticked, its text field
    (when filled) is the runner name, instead of the select's choice."""
    shown["allow_unknown_runner"] = "allow_unknown_runner" in post
    shown["unknown_name"] = post.get("unknown_name", "")
    if shown["allow_unknown_runner"] and shown["unknown_name"].strip():
        shown["name"] = shown["unknown_name"]


def _check_runner(name, shown, errors):
    """A new or changed runner name is a registered one unless the box is
    ticked: the command line's rule (--allow-unknown-runner)."""
    if shown["allow_unknown_runner"]:
        return
    try:
        check_runner_name(name, insist=INSIST)
    except InvalidInput as e:
        errors["name"] = e.reason


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
    **{field: functools.partial(read_number, field, integer=integer, optional=optional)
       for field, (integer, optional) in NUMBERS.items()},
    **{field: FIELDS[field][0] for field in CHOICES},      # the model's own check
}


def locked_post(post, cron):
    """The posted form, with a declared cron's declared fields as they are
    (shown read-only, whatever was posted for them)."""
    locked = [f for f in declared_fields(cron) if f in FORM_FIELDS + ("exclude",)] \
        if cron is not None else []
    if not locked:
        return post
    current, post = form_values(cron), MultiDict(list(post.items()))
    for field in locked:
        if field in post:
            del post[field]
        value = current[field]
        if field == "exclude":
            for name in value:
                post.add(field, name)
        elif not isinstance(value, bool):
            post[field] = value
        elif value:
            post[field] = "on"
    return post


def render_form(request, site, crontab, cron, shown, errors):
    now = clock.now()
    schedule, wrong = read_schedule(shown, shown["exclude"], crontab)
    times, description, kind = [], "", ""
    if schedule["periodicity"] and not wrong:
        times = preview(crontab, cron, schedule, now)
        periodicity = get_periodicity(schedule["periodicity"], schedule["timezone"])
        description, kind = periodicity.describe(), kind_title(periodicity)
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
        "kind": kind,
        "kinds": kinds().values(),
        "calendars": sorted(crontab.calendars()),
        "locked": declared_fields(cron) if cron is not None else (),
        "declared_at": declared_at(cron, declared_sources()) if cron is not None else "",
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
    values, errors, shown = parse_form(locked_post(request.POST, cron), crontab, cron)
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
