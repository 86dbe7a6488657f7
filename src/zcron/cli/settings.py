"""The [zcron] section of a config file (zcron.ini): the database and the
host's ZCML, paths read relative to the file. The command line takes an
option first, then the environment, then this."""
import os

from zcron import inifile


def read_config(path):
    """{'db': ..., 'zcml': [...]} from the [zcron] section of an ini file;
    relative paths are relative to the file."""
    parser = inifile.read_config(path)
    if not parser.has_section("zcron"):
        return {}
    section = parser["zcron"]
    base = os.path.dirname(os.path.abspath(path))
    settings = {}
    db = section.get("db", "").strip()
    if db:
        settings["db"] = _relative_uri(db, base)
    files = section.get("zcml", "").split()
    if files:
        settings["zcml"] = [os.path.join(base, os.path.expanduser(f)) for f in files]
    return settings


def _relative_uri(uri, base):
    """A file path (bare, or file://) relative to the config file."""
    if "://" not in uri:
        uri = "file://" + uri
    if uri.startswith("file://"):
        path = os.path.expanduser(uri[len("file://"):])
        if path and not os.path.isabs(path):
            uri = "file://" + os.path.join(base, path)
    return uri
