"""The cron form's schedule fields (text, zone, bounds, calendars skipped):
read from a form or a query with the model's own checks, previewed with
``zcron.schedule``'s rules (never recomputed here), and served live by
/validate.json. The form page and the live preview share all of it."""
import math
from datetime import datetime

from pyramid.view import view_config

from zcron import clock
from zcron.components import load_crontab
from zcron.config import runner_names
from zcron.exceptions import InvalidInput, UnknownTimezone
from zcron.model import Cron, Crontab
from zcron.model.fields import FIELDS, check_bounds
from zcron.periodicity import get_periodicity, kinds
from zcron.periodicity.zone import load_zone
from zcron.schedule import marked_runs
from zcron.web import formatting
from zcron.web.security import VIEW

PREVIEW = 5
# what a cron's fire times are computed from, besides jitter and pause
SCHEDULE = ("periodicity", "timezone", "start", "end", "max_runs", "exclude")


def read_number(field, text, integer=False, optional=False):
    """A number field's value from its text, checked by the model."""
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


def read_local(field, text, zone):
    """A datetime-local field's instant, read on ``zone``'s wall clock
    (None when empty)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        local = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, text, "expected a date and time") from None
    return local if local.tzinfo else local.replace(tzinfo=load_zone(zone))


def local_text(dt, zone):
    """What a datetime-local field shows of ``dt`` on ``zone``'s wall clock."""
    if dt is None:
        return ""
    local = dt.astimezone(load_zone(zone)).replace(tzinfo=None)
    return local.isoformat(timespec="seconds" if local.second else "minutes")


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


def read_schedule(params, exclude, crontab):
    """(values, {field: reason}) of the schedule fields in ``params`` (a
    form or a query), ``exclude`` the calendar names ticked."""
    values = {"periodicity": " ".join(params.get("periodicity", "").split()),
              "timezone": params.get("timezone", "").strip() or "UTC"}
    errors = check_schedule(values["periodicity"], values["timezone"])
    zone = "UTC" if "timezone" in errors else values["timezone"]
    readers = {
        "start": lambda text: read_local("start", text, zone),
        "end": lambda text: read_local("end", text, zone),
        "max_runs": lambda text: read_number("max_runs", text, integer=True, optional=True),
        "exclude": lambda names: known_calendars(crontab, names),
    }
    for field, reader in readers.items():
        try:
            values[field] = reader(exclude if field == "exclude" else params.get(field, ""))
        except InvalidInput as e:
            errors[field] = e.reason
    try:
        check_bounds(values.get("start"), values.get("end"))
    except InvalidInput as e:
        errors["end"] = e.reason
    return values, errors


def known_calendars(crontab, names):
    """The calendar names, checked by the model and known to ``crontab``."""
    names = FIELDS["exclude"][0](list(names))
    for name in names:
        try:
            crontab.get_calendar(name)
        except InvalidInput as e:
            raise InvalidInput("exclude", name, f"{name!r}: {e.reason}") from None
    return names


def draft(crontab, values):
    """A cron of these schedule values reading ``crontab``'s calendars,
    not added to it: what a preview asks the schedule about."""
    cron = Cron("draft", **{field: values[field] for field in SCHEDULE})
    cron.__parent__ = crontab
    return cron


def preview(crontab, cron, values, now):
    """[(When, names of the calendars removing it or None)]: the saved
    cron's due times while its schedule is unchanged (its pause, jitter
    and runs count applied), else a draft's."""
    same = cron is not None and all(getattr(cron, f) == values[f] for f in SCHEDULE)
    subject = cron if same else draft(crontab, values)
    return [(formatting.When(t, values["timezone"], now), names)
            for t, names in marked_runs(subject, now, PREVIEW)]


def kind_title(periodicity):
    """The title of the kind that read a schedule ('monthly schedule')."""
    kind = kinds().get(periodicity.kind)
    return kind.title if kind is not None else periodicity.kind


@view_config(route_name="validate", permission=VIEW, request_method="GET",
             renderer="json")
def validate(request):
    """Live validation of the form's schedule: errors, the plain-words
    reading and kind, the next fire times (those a calendar removes marked),
    and whether a runner has the name."""
    params = request.params
    crontab, cron = _saved_cron(request, params.get("site"), params.get("uid"))
    values, errors = read_schedule(params, params.getall("exclude"), crontab)
    if not values["periodicity"]:
        errors["periodicity"] = "required"
    name = params.get("name", "").strip()
    result = {"ok": not errors, "errors": errors, "description": "", "kind": "",
              "next": [], "runner_known": name in runner_names() if name else None}
    if not errors:
        periodicity = get_periodicity(values["periodicity"], values["timezone"])
        result.update(description=periodicity.describe(), kind=kind_title(periodicity))
        result["next"] = [{"text": t.text, "utc": t.utc, "iso": t.iso,
                           "relative": t.relative, "excluded": names or []}
                          for t, names in preview(crontab, cron, values, clock.now())]
    return result


def _saved_cron(request, site_name, uid):
    """(crontab, cron) the request names: its site's crontab (a blank one
    if none) and the saved cron being edited (or None)."""
    site = request.zcron_root.sites.get(site_name) if site_name else None
    try:
        crontab = load_crontab(site) if site is not None else Crontab()
    except InvalidInput:          # a JSON registry whose file went bad
        crontab = Crontab()
    return crontab, (crontab.get(uid) if uid and uid in crontab else None)
