"""Entry-point plugins: each entry point of the group ``zcron.plugins`` names
a ``zcron.Plugin`` subclass, declared for every site while it is enabled
and run under the runner ``plugin:NAME``. ``pip install`` of the package
declaring the entry point is all it takes; ``$ZCRON_PLUGINS`` or
``[zcron] plugins`` may choose among the installed ones."""
import os

from zope.interface import implementer

from zcron.config import add_runner
from zcron.declared.declaration import Declaration
from zcron.declared.settings import config_sections
from zcron.declared.window import previous_fire_time
from zcron.exceptions import InvalidInput
from zcron.interfaces import IDeclarationSource
from zcron.runners import Runner

GROUP = "zcron.plugins"


class Plugin:
    """A job shipped by a package: subclass it, write ``interval()`` and
    ``run(start_time, end_time)``, and name it in the package's setup::

        entry_points={"zcron.plugins": ["cleanup = myhost:CleanupPlugin"]}

    ``self.config`` is the ``[plugin:NAME]`` section of the config file (a
    dict of texts). Its docstring's first line describes its crons.
    """

    timezone = "UTC"      # the zone its schedule is read in

    def __init__(self, config=None):
        self.config = dict(config or {})

    def enabled(self):
        """False: not declared, so the sync removes its crons."""
        return True

    def interval(self):
        """Its schedule: a text of any kind, used as it is ("*/5 * * * *",
        "every 10 minutes")."""
        raise NotImplementedError(f"{type(self).__name__}.interval() is not written")

    def run(self, start_time, end_time):
        """Do the work of the period from the previous fire time to this one.
        Returns what a runner returns (None, a text, a ``zcron.Result``)."""
        raise NotImplementedError(f"{type(self).__name__}.run() is not written")


def runner_name(name):
    return f"plugin:{name}"


def installed_runner_names():
    """The runner names of the installed plugins (their crons' names)."""
    from importlib.metadata import entry_points     # with email, 1.2 MB: imported when asked
    return [runner_name(entry_point.name) for entry_point in entry_points(group=GROUP)]


def plugin_config(name):
    return config_sections().get(f"plugin:{name}", {})


def plugin_runner(plugin_class, name):
    """An IJobRunner factory running a fresh ``plugin_class`` per run."""

    class PluginRunner(Runner):
        __doc__ = f"Runs the plugin {name!r}."

        def run(self):
            plugin = plugin_class(plugin_config(name))
            end = self.fire_time
            return plugin.run(previous_fire_time(self.cron.get_periodicity(), end), end)

    PluginRunner.__name__ = f"PluginRunner[{name}]"
    return PluginRunner


def load_plugin(entry_point):
    """The Plugin subclass ``entry_point`` names; InvalidInput naming it
    when it cannot be loaded or is no Plugin."""
    where = f"{entry_point.name} = {entry_point.value}"
    try:
        loaded = entry_point.load()
    except Exception as e:          # any import-time error of the host's module
        raise InvalidInput("entry point", where,
                           f"cannot be loaded ({type(e).__name__}: {e})") from None
    if not (isinstance(loaded, type) and issubclass(loaded, Plugin)):
        raise InvalidInput("entry point", where, "does not name a zcron.Plugin subclass")
    return loaded


def declare(entry_point):
    """The Declaration of one entry point's plugin (None when disabled), its
    runner registered."""
    plugin_class = load_plugin(entry_point)
    plugin = plugin_class(plugin_config(entry_point.name))
    if not plugin.enabled():
        return None
    add_runner(runner_name(entry_point.name), plugin_runner(plugin_class, entry_point.name))
    doc = (plugin_class.__doc__ or "").strip()
    return Declaration(
        "plugin", entry_point.name, runner_name(entry_point.name), plugin.interval(),
        source=f"entry point {entry_point.value}", timezone=plugin.timezone,
        description=doc.splitlines()[0] if doc else "")


@implementer(IDeclarationSource)
class PluginSource:
    """The installed plugins, looked up each time they are asked for."""

    def declarations(self):
        from importlib.metadata import entry_points
        chosen = chosen_plugins()
        found = (declare(entry_point) for entry_point in entry_points(group=GROUP)
                 if chosen is None or entry_point.name in chosen)
        return [declaration for declaration in found if declaration is not None]


def chosen_plugins():
    """The names of the installed plugins to declare, or None for all:
    ``$ZCRON_PLUGINS``, else ``[zcron] plugins`` of the config file, each
    ``*`` (all, the default), ``none``, or names separated by blanks or
    commas -- so an operator can leave out a plugin without uninstalling it."""
    text = os.environ.get("ZCRON_PLUGINS")
    if text is None:
        text = config_sections().get("zcron", {}).get("plugins", "*")
    names = set(text.replace(",", " ").split())
    if names == {"*"}:
        return None
    return set() if names == {"none"} else names


PLUGINS = PluginSource()
