"""The ``zcron`` ZCML directives (namespace ``http://namespaces.zope.org/zcron``,
defined in zcron's meta.zcml): ``<zcron:cron>`` declares a job, with the
cron fields it sets as attributes; ``<zcron:scan>`` registers the
``@zcron.cronjob`` functions of a package. A bad attribute is a
configuration error naming the file and line."""
import json

from zope.configuration.exceptions import ConfigurationError
from zope.configuration.fields import GlobalObject, Tokens
from zope.interface import Interface
from zope.schema import Bool, Float, Int, TextLine

from zcron.declared.declaration import ALL_SITES, Declaration
from zcron.declared.decorators import dotted_name, scan as scan_package
from zcron.declared.settings import shown_path
from zcron.declared.store import hold


# After the other actions of the file (zope's default order is 0), so that
# a kind of schedule text or a runner registered below a job is known.
CHECKED_LAST = 1


def _seconds(title):
    return Float(title=title, required=False, min=0.0)


class ICronDirective(Interface):
    """``<zcron:cron name="cleanup" runner="cleanup" schedule="30 2 * * *" />``."""

    name = TextLine(title="The job's name, unique among the ZCML declarations")
    schedule = TextLine(title="A schedule text of any kind")
    runner = TextLine(title="The name of a registered job runner", required=False)
    call = GlobalObject(title="Or a callable (dotted path) run as the job's runner",
                        required=False)
    timezone = TextLine(title="IANA time zone", required=False, default="UTC")
    environ = TextLine(title="Keyword arguments, a JSON object", required=False)
    sites = Tokens(title="'*' (every site) or site names", value_type=TextLine(),
                   required=False)
    description = TextLine(title="For people", required=False, default="")
    missed = TextLine(title="once, skip or all", required=False)
    catchup_window = _seconds("Seconds back a missed run is still run (missed=all)")
    overlap = TextLine(title="skip, queue-one or allow", required=False)
    timeout = _seconds("Seconds before a run is timed out")
    warn_after = _seconds("Seconds after which a run is WARN")
    retries = Int(title="Retries of a FAILURE", required=False, min=0)
    retry_backoff = _seconds("Seconds between retries")
    retry_interrupted = Bool(title="Run again a run whose worker was lost", required=False)
    jitter = _seconds("Spread of the fire times, seconds")
    max_runs = Int(title="Runs at most", required=False, min=1)
    logs_limit = Int(title="Log entries kept", required=False, min=1)
    start = TextLine(title="Not before (ISO 8601)", required=False)
    end = TextLine(title="Not after (ISO 8601)", required=False)


class IScanDirective(Interface):
    """``<zcron:scan package=".jobs" />``."""

    package = GlobalObject(title="A package or module, scanned with its submodules")


def where(context):
    """``myhost/configure.zcml:12``: the file (relative to the working
    directory when under it) and line of a directive."""
    info = context.info
    path = shown_path(getattr(info, "file", None) or "ZCML")
    return f"{path}:{getattr(info, 'line', '?')}"


def environ_of(text):
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as e:
        raise ConfigurationError(f"invalid environ {text!r}: malformed JSON ({e})") from None
    if not isinstance(value, dict):
        raise ConfigurationError(f"invalid environ {text!r}: must be a JSON object")
    return value


def cron(_context, name, schedule, runner=None, call=None, timezone="UTC", environ=None,
         sites=None, description="", **policies):
    """Declare a job; checked once every component is registered (a kind
    of schedule text the same file registers included)."""
    if bool(runner) == (call is not None):
        raise ConfigurationError(
            f"zcron:cron {name!r}: give runner= (a registered runner's name) or call= "
            "(a dotted path to a callable), one of them")
    if call is not None and not callable(call):
        raise ConfigurationError(f"zcron:cron {name!r}: call= names {call!r}, "
                                 "which is not callable")
    declaration = Declaration(
        "zcml", name, runner or dotted_name(call), schedule, source=where(_context),
        timezone=timezone, environ=environ_of(environ),
        policies={key: value for key, value in policies.items() if value is not None},
        sites=tuple(sites) if sites else ALL_SITES, description=description)
    _context.action(discriminator=("zcron:cron", name), callable=hold,
                    args=(declaration, call), order=CHECKED_LAST)


def scan(_context, package):
    _context.action(discriminator=None, callable=scan_package, args=(package,),
                    order=CHECKED_LAST)
