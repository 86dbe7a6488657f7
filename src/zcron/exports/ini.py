"""A site's crontab as a scheduler.ini, the superdjango scheduler's format,
which ``zcron.declared`` reads back (origin ``ini``).

A section a cron, named by its label: the declaration's name for a cron
kept for a declaration, else the cron's name (with its uid when crons
would share a label). Its keys:

``call = dotted.path``   the runner is a plain function made a runner by
                         ``callable_runner`` (its factory has ``function``)
``runner = NAME``        any other runner: the IJobRunner name
``every``, ``at``        a schedule text ``every X [at HH:MM]`` that the
                         superdjango scheduler knows: X is ``N seconds``,
                         ``minute``, ``N hours``, ``N days``, ``day`` or a
                         weekday's name, and the text is 'every ' + every
                         [+ ' at ' + at]
``schedule = TEXT``      any other schedule text, verbatim
``timezone``             the cron's IANA zone, unless UTC
``active = yes|no``      the cron's own switch
``description``          the declaration's description
any other key            an environ entry: its text, or its JSON after a
                         comment saying so

What the format cannot say (policies, bounds, calendars, a pause, an
environ key it reserves) is a comment in the section. Read the file with
``ConfigParser(interpolation=None)`` and ``optionxform = str``.
"""
import json
import re
from collections import Counter

from zcron.components import query_runner
from zcron.model.fields import FIELDS
from zcron.periodicity.describe import WEEKDAY_NAMES

RESERVED = ("call", "runner", "every", "at", "schedule", "timezone", "active",
            "description")
# cron fields the keys above express; the others are commented when set
EXPRESSED = ("uid", "name", "activated", "periodicity", "timezone", "environ",
             "declared")      # a declared cron's section is named by its declaration
DAYS = {name: full.lower() for full in WEEKDAY_NAMES for name in (full.lower(), full[:3].lower())}
EVERY = re.compile(r"every ((?:\d+ )?(?:second|minute|hour)s?)"
                   rf"|every ((?:\d+ )?days?|{'|'.join(DAYS)})(?: at (\d{{1,2}}:\d\d))?")
BAD_KEY = re.compile(r"^[;#\[\s]|[=:\r\n]|\s$")


def export_ini(site, crontab):
    """The scheduler.ini text of ``crontab``, the crontab of ``site``."""
    declared = declared_crons(site.name)
    crons = list(crontab)
    lines = [f"; scheduler.ini of the zcron site {site.name!r} (zcron ini export)"]
    if not crontab.activated:
        lines.append("; the crontab is switched off: no cron below runs until it is on")
    if not crons:
        lines.append("; no crons")
    for cron, label in zip(crons, labels(crons, declared)):
        lines += ["", *section(site, cron, label, declared.get(cron.uid))]
    return "\n".join(lines) + "\n"


def declared_crons(site_name):
    """uid -> the declaration whose cron it is, on the site ``site_name``."""
    from zcron.declared import declarations
    return {d.uid_for(site_name): d for d in declarations() if d.for_site(site_name)}


def labels(crons, declared):
    """Section names, in the crons' order; a label crons would share (or
    configparser's DEFAULT) gets the cron's uid."""
    names = [" ".join((declared[c.uid].name if c.uid in declared else c.name).split())
             for c in crons]
    counts = Counter(names)
    shared = {n for n in names if counts[n] > 1 or n == "DEFAULT"}
    return [f"{n} ({c.uid})" if n in shared else n for n, c in zip(names, crons)]


def section(site, cron, label, declaration):
    lines = [f"[{label}]", runner_line(site, cron), *schedule_lines(cron.periodicity)]
    if cron.timezone != "UTC":
        lines.append(f"timezone = {cron.timezone}")
    lines.append(f"active = {'yes' if cron.activated else 'no'}")
    if declaration is not None and declaration.description:
        lines.append(f"description = {' '.join(declaration.description.split())}")
    return lines + environ_lines(cron.environ) + unexpressed_lines(cron)


def runner_line(site, cron):
    """``call`` for a plain function's runner, ``runner`` for the others."""
    path = dotted_path(getattr(query_runner(site, cron), "function", None))
    return f"call = {path}" if path else f"runner = {cron.name}"


def dotted_path(func):
    """Where ``func`` is imported from, or None (not importable by name)."""
    module = getattr(func, "__module__", None)
    qualname = getattr(func, "__qualname__", "")
    if not callable(func) or not module or not qualname or "<" in qualname:
        return None
    return f"{module}.{qualname}"


def schedule_lines(text):
    match = EVERY.fullmatch(text)
    if match is None:
        return [f"schedule = {text}"]
    interval, days, at = match.groups()
    every = interval or DAYS.get(days, days)
    return [f"every = {every}"] + ([f"at = {at}"] if at else [])


def environ_lines(environ):
    """An entry a key; a value not a one-line text, as JSON, said so."""
    lines = []
    for key, value in environ.items():
        as_json = json.dumps(value, ensure_ascii=False)
        if BAD_KEY.search(key) or not key or key.lower() in RESERVED:
            lines.append(f"; cannot be expressed: the environ entry {key!r}: {as_json}")
        elif isinstance(value, str) and value == value.strip() and "\n" not in value \
                and "\r" not in value:
            lines.append(f"{key} = {value}")
        else:
            lines += [f"; {key} is JSON", f"{key} = {as_json}"]
    return lines


def unexpressed_lines(cron):
    """A comment a cron field set but not expressed (policies, bounds,
    calendars, a pause, ...)."""
    dumped = cron.dump(with_logs=False)
    return [f"; cannot be expressed: {field} = {json.dumps(dumped[field], ensure_ascii=False)}"
            for field, (_, default) in FIELDS.items()
            if field not in EXPRESSED and getattr(cron, field) != default]
