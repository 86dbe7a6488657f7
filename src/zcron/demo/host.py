"""What the demo runs and where: the example host, its crons in the demo
database, and the ``zcron.ini`` that lets the CLI and the dashboard in."""
import os
import secrets
import sys
import warnings
from pathlib import Path

import zcron
from zcron.components import load_crontab
from zcron.db import get_root
from zcron.exceptions import ZcronError
from zcron.periodicity.zone import load_zone

SITE = "default"
TIMEZONE = "Europe/Zurich"
# (name, expression, environ, what it shows). Seconds-first expressions,
# so that every cron runs within seconds of the start.
CRONS = [
    ("heartbeat", "*/2 * * * * *", {}, "succeeds (OK)"),
    ("disk-check", "*/5 * * * * *", {"path": "/", "warn_above": 1},
     "warns (WARN; threshold set low on purpose)"),
    ("flaky", "*/3 * * * * *", {"every": 3}, "fails every 3rd run (FAILURE)"),
    ("slow-report", "*/2 * * * * *", {"seconds": 3},
     "takes 3 s every 2 s (NOTRUN: overlap)"),
]
WEB_USER = "admin"

SITE_ZCML = """\
<configure xmlns="http://namespaces.zope.org/zope">
  <!-- Written by python -m zcron.demo: zcron and the example host. -->
  <include package="zcron" />
  <include package="hostapp" />
</configure>
"""


class DemoError(ZcronError):
    pass


# -- the example host ---------------------------------------------------------

def hostapp_source():
    """``examples/hostapp/src`` of the checkout zcron runs from, or None."""
    src = Path(__file__).resolve().parents[3] / "examples" / "hostapp" / "src"
    return src if (src / "hostapp" / "configure.zcml").is_file() else None


def import_hostapp():
    """Make ``hostapp`` importable: installed (pip install -e
    examples/hostapp), or else straight from the checkout. Returns True
    when it is installed (other programs, the CLI, can import it too)."""
    try:
        import hostapp  # noqa: F401
        return True
    except ImportError:
        pass
    src = hostapp_source()
    if src is None:
        raise DemoError(
            "the example host 'hostapp' is neither installed nor next to zcron "
            "(examples/hostapp): run the demo from a zcron checkout, or "
            "pip install -e examples/hostapp")
    sys.path.insert(0, str(src))
    import hostapp  # noqa: F401
    return False


def hostapp_zcml():
    """The ZCML that registers the host's runners and subscriber."""
    return Path(sys.modules["hostapp"].__file__).parent / "configure.zcml"


# -- the database ---------------------------------------------------------------

def remove_database(path):
    for suffix in ("", ".index", ".lock", ".tmp", ".old"):
        try:
            os.remove(str(path) + suffix)
        except FileNotFoundError:
            pass


def demo_timezone():
    """Europe/Zurich (the crons show their zone), or UTC on a system
    without the time zone database."""
    try:
        load_zone(TIMEZONE)
        return TIMEZONE
    except ZcronError:
        return "UTC"


def set_up_crontab(db):
    """The demo site and crons; crons already there (by name) are kept as
    they are, so changes made from the CLI or the dashboard stay."""
    added = []
    with db.transaction("zcron demo: set up") as conn:
        root = get_root(conn)
        site = root.sites.get(SITE) or root.add_site(zcron.CronSite(SITE))
        crontab = load_crontab(site)
        tz = demo_timezone()
        for name, expression, environ, _ in CRONS:
            if not crontab.find(name=name):
                crontab.add_cron(zcron.Cron(name, expression, timezone=tz,
                                            environ=environ))
                added.append(name)
        if added or site.crontab is None:
            crontab.save()
        crons = [(c.name, c.periodicity, c.get_periodicity().describe(), c.activated)
                 for c in crontab if not c.declared]     # declared ones: the sync's
    return crons, added


def heartbeats(db):
    """How many heartbeats the host's subscriber counted on the site."""
    with db.transaction() as conn:
        return getattr(get_root(conn).sites[SITE], "hostapp_heartbeats", 0)


# -- configuration and the dashboard ------------------------------------------------

def write_config(directory):
    """``zcron.ini`` next to the database, for the command line ([zcron]),
    the host's declared jobs (its scheduler.ini, its plugin's section) and
    the dashboard ([users]); kept when it exists."""
    path = Path(directory) / "zcron.ini"
    if not path.exists():
        scheduler_ini = hostapp_zcml().with_name("scheduler.ini")
        path.write_text(
            "# Written by python -m zcron.demo; paths are relative to this file.\n"
            f"[zcron]\ndb = Data.fs\nzcml = site.zcml\nscheduler_ini = {scheduler_ini}\n\n"
            "[plugin:rotate-logs]\nkeep = 3\n\n", encoding="utf-8")
    return path


def web_available():
    """True when the dashboard (``zcron.web``, the ``web`` extra) imports."""
    # pyramid still imports pkg_resources, which warns about itself
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated",
                            category=UserWarning)
    try:
        import zcron.web  # noqa: F401
        import waitress  # noqa: F401
    except ImportError:
        return False
    return True


def add_demo_user(config):
    """The dashboard user ``admin`` (a manager), with a new password at
    every start, kept hashed in ``config``. Returns the password."""
    from zcron.users import add_user

    password = secrets.token_urlsafe(9)
    add_user(str(config), WEB_USER, "manager", password)
    return password
