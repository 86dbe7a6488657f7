"""scheduler.ini files, the superdjango scheduler's format, named in the
config file: ``[zcron] scheduler_ini = PATH`` declares its jobs for every
site, ``[site:NAME] scheduler_ini = PATH`` for that site. They are read
each time their declarations are asked for (each sync).

Each section is a job labelled by its name: ``call`` (or ``callback``) a
dotted path, or ``runner`` a registered runner's name; ``every`` (or
``frequency``) and ``at`` its schedule (see ``zcron.declared.frequency``),
or ``schedule`` a schedule text of any kind, and ``timezone``;
``active = yes|no``, ``description``; every other key is a keyword argument
(a text). What ``zcron ini export`` writes reads back the same. A section whose callback cannot
be imported is left out, and named in a warning of the ``zcron.declared``
logger."""
import configparser
import importlib
import logging
import os
from dataclasses import dataclass, field

from zope.interface import implementer

from zcron.declared.declaration import ALL_SITES, Declaration
from zcron.declared.frequency import schedule_text
from zcron.declared.settings import config_sections, relative_to_config, shown_path
from zcron.declared.store import register_callable
from zcron.exceptions import InvalidInput
from zcron.interfaces import IDeclarationSource
from zcron.inifile import read_config

log = logging.getLogger("zcron.declared")
OWN_KEYS = ("call", "callback", "runner", "every", "frequency", "at", "schedule",
            "timezone", "active", "description")
SETTING = "scheduler_ini"


@dataclass
class IniJobs:
    """What one scheduler.ini file declares."""
    jobs: list = field(default_factory=list)          # (Declaration, callable)
    unimportable: list = field(default_factory=list)  # one line per section
    inactive: list = field(default_factory=list)      # labels of active = no


def import_callable(dotted):
    """The callable a dotted path names (``pkg.module.func``, or a method
    ``pkg.module.Class.method``); raises what importing it raises."""
    parts, missing = dotted.split("."), ModuleNotFoundError(f"no module in {dotted!r}")
    for cut in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:cut])
        try:
            found = importlib.import_module(module_name)
        except ModuleNotFoundError as e:
            if e.name and (module_name + ".").startswith(e.name + "."):
                missing = e      # no such module: the name may go on inside a shorter one
                continue
            raise
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        if not callable(found):
            raise TypeError(f"{dotted} is not callable")
        return found
    raise missing


def one_of(section, keys, where):
    for key in keys:
        if section.get(key, "").strip():
            return section[key].strip()
    raise InvalidInput(keys[0], "", f"missing (declared at {where})")


def is_active(section, where):
    value = section.get("active", "yes").strip().lower()
    if value not in configparser.ConfigParser.BOOLEAN_STATES:
        raise InvalidInput("active", value, f"expected yes or no (declared at {where})")
    return configparser.ConfigParser.BOOLEAN_STATES[value]


def schedule_of(section, where):
    text = section.get("schedule", "").strip()
    if text:
        return text
    return schedule_text(one_of(section, ("every", "frequency"), where), section.get("at"),
                         where)


def declaration_of(label, section, where, sites, prefix):
    """The Declaration of one section, checked, and its callback's path
    (None for a section naming a registered runner)."""
    runner = section.get("runner", "").strip()
    call = None if runner else one_of(section, ("call", "callback"), where)
    environ = {key: value for key, value in section.items() if key not in OWN_KEYS}
    declaration = Declaration("ini", prefix + label, runner or call,
                              schedule_of(section, where), source=where,
                              timezone=section.get("timezone", "").strip() or "UTC",
                              environ=environ, sites=sites,
                              description=section.get("description", "").strip())
    return declaration.check(), call


def read_parser(path):
    try:
        return read_config(path)
    except InvalidInput as e:
        raise InvalidInput(SETTING, path, e.reason) from None


def read_jobs(path, sites=ALL_SITES, prefix=""):
    """The jobs of the scheduler.ini file ``path``, for ``sites``, named
    ``prefix + label``; InvalidInput naming the section for a bad one."""
    found, path = IniJobs(), os.fspath(path)
    parser = read_parser(path)
    for label in parser.sections():
        section, where = parser[label], f"{shown_path(path)} [{label}]"
        if not is_active(section, where):
            found.inactive.append(label)
            continue
        declaration, call = declaration_of(label, section, where, sites, prefix)
        if call is None:
            found.jobs.append((declaration, None))      # a registered runner
            continue
        try:
            found.jobs.append((declaration, import_callable(call)))
        except Exception as e:        # whatever importing the host's module raises
            found.unimportable.append(f"{where}: callback {call!r} cannot be imported "
                                      f"({type(e).__name__}: {e}); left out")
    return found


def scheduler_files():
    """(path, sites, name prefix) of each scheduler.ini the config file names."""
    files = []
    for name, section in config_sections().items():
        path = section.get(SETTING, "").strip()
        if path and name == "zcron":
            files.append((relative_to_config(path), ALL_SITES, ""))
        elif path and name.startswith("site:"):
            site = name[len("site:"):]
            files.append((relative_to_config(path), (site,), f"{site}/"))
    return files


@implementer(IDeclarationSource)
class SchedulerIniSource:
    """The jobs of the scheduler.ini files, read each time they are asked for;
    their callbacks are registered as their runners."""

    def declarations(self):
        found = []
        for path, sites, prefix in scheduler_files():
            read = read_jobs(path, sites, prefix)
            for line in read.unimportable:
                log.warning(line)
            for declaration, func in read.jobs:
                if func is not None:
                    register_callable(declaration, func)
                found.append(declaration)
        return found


SCHEDULER_INI = SchedulerIniSource()
