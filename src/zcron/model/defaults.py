"""Site defaults: a site's values for optional cron policy fields, taken by
every cron of the site that sets none of its own; ``effective`` is what the
rest asks for such a field."""
from zcron.exceptions import InvalidInput
from zcron.model.fields import FIELDS

# Optional fields (default None) a site may give a default for. Others add
# theirs here: the CLI, the dump and ``effective`` follow.
DEFAULTABLE = ("alert_no_success", "alert_running", "keep_ok_for", "keep_failures_for")


def site_of(cron):
    """The ICronSite of a cron in a crontab (None for a loose cron)."""
    crontab = cron.__parent__
    return None if crontab is None else crontab.__parent__


def site_defaults(site):
    """{field: value} of a site (a copy; {} for sites made before defaults)."""
    return dict(getattr(site, "defaults", None) or {})


def check_defaults(values):
    """Clean {field: value or None}; None removes a default."""
    if not isinstance(values, dict):
        raise InvalidInput("defaults", values, "expected an object of field: value")
    clean = {}
    for field, value in values.items():
        if field not in DEFAULTABLE:
            raise InvalidInput("defaults", field, "no site default for this field "
                               "(known: " + ", ".join(DEFAULTABLE) + ")")
        clean[field] = FIELDS[field][0](value)
    return clean


def set_defaults(site, changes):
    """Apply {field: value or None} to a site's defaults; returns them."""
    defaults = site_defaults(site)
    for field, value in check_defaults(changes).items():
        if value is None:
            defaults.pop(field, None)
        else:
            defaults[field] = value
    site.defaults = defaults      # replaced, never changed in place: the site is saved
    return dict(defaults)


def effective(cron, field):
    """The cron's own value of ``field``, else its site's default (None: unset)."""
    value = getattr(cron, field)
    if value is None and field in DEFAULTABLE:
        value = site_defaults(site_of(cron)).get(field)
    return value
