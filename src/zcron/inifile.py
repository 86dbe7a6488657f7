"""The config file (zcron.ini): where it is and the one way it is read.
Each section has its owner ([zcron]: cli.settings, [users] and [tokens]:
users, [alerts]: alerts.config, declared jobs: declared.settings); all
of them read the file through ``read_config``, so a file means the same
to each: keys keep their case, only '=' separates (a ':' may appear in a
value), no interpolation, and an unreadable file is one sentence."""
import configparser
import os

from zcron.exceptions import InvalidInput

ENV_VAR = "ZCRON_CONFIG"


def config_path(config=None):
    """The config file given, else ``$ZCRON_CONFIG``, else None."""
    return config or os.environ.get(ENV_VAR) or None


def read_config(path):
    """A ConfigParser of the file at ``path``."""
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str
    try:
        with open(path, encoding="utf-8") as f:
            parser.read_file(f)
    except OSError as e:
        raise InvalidInput("config file", path, e.strerror or str(e)) from None
    except (configparser.Error, UnicodeDecodeError) as e:
        raise InvalidInput("config file", path, " ".join(str(e).split())) from None
    return parser
