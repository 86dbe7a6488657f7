"""``@zcron.cronjob``: a function declared as a job where it is written, as
onegov's cronjobs are, and registered when its package is scanned
(``zcron.scan("myhost.jobs")`` or ``<zcron:scan package=".jobs" />``), the
way Pyramid's ``view_config`` is: importing a module does nothing."""
import importlib
import os
import sys

import venusian

from zcron.declared.declaration import ALL_SITES, Declaration
from zcron.declared.store import hold
from zcron.exceptions import InvalidInput, ZcronError

CATEGORY = "zcron"
# Cron fields as keywords, least significant first: a field left out is
# its minimum when finer than the finest one given, else '*' (APScheduler's
# rule; day_of_week is '*' unless given).
CRON_FIELDS = ("second", "minute", "hour", "day_of_week", "day", "month")
MINIMUM = {"second": "0", "minute": "0", "hour": "0", "day_of_week": "*", "day": "1",
           "month": "1"}
EXPRESSION_ORDER = ("second", "minute", "hour", "day", "month", "day_of_week")
JITTER = 30             # seconds, as onegov spreads its cronjobs
WARN_AFTER = 30         # seconds, onegov's "took too long"


def cronjob(schedule=None, *, name=None, timezone="UTC", environ=None, once=False,
            jitter=JITTER, warn_after=WARN_AFTER, sites=ALL_SITES, description=None,
            **options):
    """Declare the decorated function a job: ``schedule="every 10 minutes"``
    (a text of any kind) or cron fields (``hour=8, minute=0``); ``once``: it
    runs once and is done; other cron fields (``overlap``, ``timeout``...)
    as keywords. Checked when scanned, naming the function."""
    settings = dict(schedule=schedule, name=name, timezone=timezone, environ=environ,
                    once=once, jitter=jitter, warn_after=warn_after, sites=sites,
                    description=description, options=options)

    def scanned(scanner, attribute, func):
        refused = getattr(scanner, "zcron_refused", None)
        if refused is None:
            return                # another framework's scan of every category
        try:
            declare(func, **settings)
        except ZcronError as e:   # venusian would swallow a ValueError
            refused.append(e)

    def decorate(func):
        venusian.attach(func, scanned, category=CATEGORY)
        return func
    return decorate


def dotted_name(func):
    return f"{func.__module__}.{func.__qualname__}"


def where(func):
    """``myhost/jobs.py:cleanup``: the function's file from its top package."""
    top = sys.modules.get(func.__module__.partition(".")[0])
    path = func.__code__.co_filename
    top_file = getattr(top, "__file__", None)
    if top_file:
        base = os.path.dirname(top_file)
        if os.path.basename(top_file) == "__init__.py":
            base = os.path.dirname(base)
        path = os.path.relpath(path, base)
    return f"{path}:{func.__qualname__}"


def cron_expression(fields):
    """The cron expression of keyword cron fields (six fields with seconds)."""
    finest = min(CRON_FIELDS.index(field) for field in fields)
    values = {field: str(fields[field]) if field in fields
              else MINIMUM[field] if index < finest else "*"
              for index, field in enumerate(CRON_FIELDS)}
    order = EXPRESSION_ORDER if "second" in fields else EXPRESSION_ORDER[1:]
    return " ".join(values[field] for field in order)


def schedule_of(func, schedule, options):
    fields = {field: options.pop(field) for field in CRON_FIELDS if field in options}
    fields = {field: value for field, value in fields.items() if value is not None}
    if (schedule is None) == (not fields):
        raise InvalidInput("cronjob", dotted_name(func),
                           "give schedule= (a schedule text) or cron fields "
                           "(minute=, hour=...), one of them")
    return schedule if schedule is not None else cron_expression(fields)


def sites_of(func, sites):
    """``"*"`` (every site), a site's name, or a list of names."""
    sites = (sites,) if isinstance(sites, str) else sites
    if not isinstance(sites, (list, tuple)) or not all(
            isinstance(site, str) and site for site in sites) or not sites:
        raise InvalidInput("sites", sites, f"expected '*' or site names (declared at "
                                           f"{where(func)})")
    return tuple(sites)


def declare(func, schedule, name, timezone, environ, once, jitter, warn_after, sites,
            description, options):
    """Hold the Declaration of a scanned function, which becomes its runner."""
    policies = dict(options)
    schedule = schedule_of(func, schedule, policies)
    policies.update(jitter=jitter, warn_after=warn_after)
    if once:
        policies["max_runs"] = 1
    doc = (func.__doc__ or "").strip()
    hold(Declaration("decorator", name or dotted_name(func), dotted_name(func), schedule,
                     source=where(func), timezone=timezone, environ=environ or {},
                     policies=policies, sites=sites_of(func, sites),
                     description=description or (doc.splitlines()[0] if doc else "")),
         func)


def scan(package):
    """Register the jobs of ``package`` (a module or its dotted name) and of
    every module under it; bad arguments raise InvalidInput naming the
    function."""
    if isinstance(package, str):
        package = importlib.import_module(package)
    refused = []
    venusian.Scanner(zcron_refused=refused).scan(package, categories=(CATEGORY,))
    if refused:
        raise refused[0]
