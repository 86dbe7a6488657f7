"""JSON export of a crontab, and import with a dry-run diff first.

An import makes the crontab what the dump says: crons of the dump whose
uid is new are added, those whose uid exists get the dump's fields, and
crons missing from the dump are kept (removed when "replace" is ticked);
the dump's calendars the site lacks are added and its site defaults go
over the site's, as ``zcron load`` does. The
dump may be ours or collective.cron's (``Crontab.load`` reads both).
Preview computes the diff and changes nothing; apply computes it again
from the same text and carries it out.
"""
import json
import re

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from zcron.exceptions import InvalidInput
from zcron.model.calendar import Calendar
from zcron.model.crontab import Crontab
from zcron.model.defaults import set_defaults, site_defaults
from zcron.model.fields import EDITABLE
from zcron.web.security import MANAGE, VIEW
from zcron.web.actions import check_writable, site_url
from zcron.web.views import get_site

DUMP_LIMIT = 5 * 1024 * 1024
SAFE_FILENAME = re.compile(r"[^A-Za-z0-9_.-]+")


@view_config(route_name="export", permission=VIEW, request_method=("GET", "HEAD"))
def export(request):
    root, site, crontab = get_site(request)
    with_logs = request.params.get("logs", "1") != "0"
    data = crontab.dump(with_logs=with_logs)
    if not request.has_permission(MANAGE):      # runners' outputs are for managers
        for log in (log for cron in data["crons"] for log in cron["logs"]):
            log["output"] = None
    body = json.dumps(data, indent=2, ensure_ascii=False)
    filename = SAFE_FILENAME.sub("_", site.name)
    response = Response(body=body.encode("utf-8"),
                        content_type="application/json", charset="utf-8")
    response.content_disposition = f'attachment; filename="zcron-{filename}.json"'
    return response


class Diff:
    """What importing ``incoming`` into ``crontab`` would change."""

    def __init__(self, crontab, incoming, keep_missing):
        self.added, self.changed, self.removed, self.unchanged = [], [], [], 0
        self.calendars = crontab.new_calendars(incoming)      # before the crons naming them
        for cron in incoming:
            if cron.uid not in crontab:
                self.added.append(cron)
                continue
            old = crontab.get(cron.uid)
            before, after = old.dump(with_logs=False), cron.dump(with_logs=False)
            fields = [(field, before[field], after[field]) for field in EDITABLE
                      if before[field] != after[field]]
            if fields:
                self.changed.append({"old": old, "new": cron, "fields": fields})
            else:
                self.unchanged += 1
        if not keep_missing:
            self.removed = [cron for cron in crontab if cron.uid not in incoming]
        self.activated = None
        if incoming.activated != crontab.activated:
            self.activated = incoming.activated
        known = site_defaults(crontab.__parent__)
        self.defaults = [(field, known.get(field), value) for field, value
                         in sorted(incoming.loaded_defaults.items())
                         if known.get(field) != value]

    @property
    def empty(self):
        return not (self.added or self.changed or self.removed or self.defaults
                    or self.calendars or self.activated is not None)

    def apply(self, crontab):
        for calendar in self.calendars:
            crontab.set_calendar(Calendar.load(calendar.dump()))
        for cron in self.removed:
            crontab.remove_cron(cron.uid)
        for change in self.changed:
            new = change["new"]
            change["old"].edit(**{field: getattr(new, field)
                                  for field, _, _ in change["fields"]})
        for cron in self.added:
            crontab.add_cron(cron)
        if self.activated is not None:
            crontab.activated = self.activated
        if self.defaults:
            set_defaults(crontab.__parent__, {field: new for field, _, new in self.defaults})
        if self.activated is None:     # the crons not in the diff keep their jobs
            crontab.save_crons(self.added + self.removed
                               + [change["old"] for change in self.changed])
        else:
            crontab.save()


def show(value):
    """A field's value as the diff shows it."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _dump_text(request):
    upload = request.POST.get("file")
    if upload is not None and hasattr(upload, "file"):
        data = upload.file.read(DUMP_LIMIT + 1)
        if data:
            try:
                return data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise InvalidInput("dump", upload.filename, "not UTF-8 text") from None
    return request.POST.get("dump", "")


def _page(site, crontab, text="", keep=True, diff=None, error=None):
    return {"site": site, "crontab": crontab, "dump": text, "keep": keep,
            "diff": diff, "error": error, "show": show}


@view_config(route_name="import", permission=VIEW, request_method=("GET", "HEAD"),
             renderer="templates/import.pt")
def import_form(request):
    root, site, crontab = get_site(request)
    return _page(site, crontab)


@view_config(route_name="import", permission=MANAGE, request_method="POST",
             renderer="templates/import.pt")
def import_dump(request):
    root, site, crontab = get_site(request)
    check_writable(request, site, crontab)
    keep = "replace" not in request.POST
    text = ""
    try:
        text = _dump_text(request)
        if len(text) > DUMP_LIMIT:
            raise InvalidInput("dump", f"{len(text)} characters",
                               f"larger than {DUMP_LIMIT // (1024 * 1024)} MB")
        if not text.strip():
            raise InvalidInput("dump", "", "paste a dump or choose a file")
        diff = Diff(crontab, Crontab.load(text, site=site.name), keep)
    except InvalidInput as e:
        request.response.status = 422
        return _page(site, crontab, text if len(text) <= DUMP_LIMIT else "", keep,
                     error=str(e))
    if request.POST.get("action") != "apply":
        return _page(site, crontab, text, keep, diff=diff)
    diff.apply(crontab)
    request.session.flash(
        f"Imported: {len(diff.added)} added, {len(diff.changed)} changed, "
        f"{len(diff.removed)} removed.", "info")
    return HTTPSeeOther(site_url(request, site))
