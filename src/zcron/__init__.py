"""zcron: a cron framework for Zope Component Architecture applications.

The names a host needs are here; the contracts are in ``zcron.interfaces``.
They are imported on first use, so that importing a submodule (or a
coverage tool importing the package) stays cheap.
"""
import importlib

_EXPORTS = {
    "Cron": "zcron.model",
    "Crontab": "zcron.model",
    "CronSite": "zcron.model",
    "Log": "zcron.model",
    "Result": "zcron.result",
    "Runner": "zcron.runners",
    "ZcronError": "zcron.exceptions",
    "OK": "zcron.interfaces",
    "WARN": "zcron.interfaces",
    "FAILURE": "zcron.interfaces",
    "NOTRUN": "zcron.interfaces",
    "add_runner": "zcron.config",
    "add_subscriber": "zcron.config",
    "configure": "zcron.config",
    "open_db": "zcron.db",
    "Plugin": "zcron.declared.plugins",
    "cronjob": "zcron.declared.decorators",
    "scan": "zcron.declared.decorators",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:            # a submodule: zcron.components, zcron.sync...
        try:
            return importlib.import_module(f"zcron.{name}")
        except ModuleNotFoundError:
            raise AttributeError(f"module 'zcron' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
