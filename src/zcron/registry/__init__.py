"""Registry managers: where a site's crontab is kept."""
from zcron.registry.jsonfile import JSONFileRegistryManager
from zcron.registry.zodb import ZODBRegistryManager

__all__ = ["JSONFileRegistryManager", "ZODBRegistryManager"]
