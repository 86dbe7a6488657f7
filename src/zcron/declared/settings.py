"""The config file the declared sources read: plugins' ``[plugin:NAME]``
sections and the ``scheduler_ini`` settings of ``[zcron]`` and
``[site:NAME]``. It is the file the command line was given (``use_config``,
called by ``zcron.cli.app.App``), else ``$ZCRON_CONFIG``, else none."""
import os

from zcron.inifile import config_path, read_config

_given = [None]


def use_config(path):
    """Read ``path`` from now on, when there is such a file (else, or given
    None: back to ``$ZCRON_CONFIG``)."""
    _given[0] = os.path.abspath(path) if path and os.path.isfile(path) else None


def config_file():
    """The config file's path, or None when there is none."""
    return config_path(_given[0])


def config_sections():
    """{section name: {key: value}} of the config file ({} without one);
    keys keep their case."""
    path = config_file()
    if path is None:
        return {}
    parser = read_config(path)
    return {name: dict(parser[name]) for name in parser.sections()}


def relative_to_config(path):
    """A path named in the config file, read relative to the file."""
    path = os.path.expanduser(path.strip())
    return os.path.join(os.path.dirname(config_file()), path)


def shown_path(path):
    """A path as people read it: relative to the working directory when
    under it, else as it is."""
    relative = os.path.relpath(path) if os.path.isabs(path) else path
    return path if relative.startswith(os.pardir) else relative
