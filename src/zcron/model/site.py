"""Sites (tenants) and the root container zcron keeps in the ZODB root."""
from collections.abc import Mapping
from typing import Any

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.mapping import PersistentMapping
from zope.interface import implementer

from zcron.exceptions import InvalidInput, UnknownSite
from zcron.interfaces import ICronSite, IZcronRoot

ROOT_KEY = "zcron"


@implementer(ICronSite)
class CronSite(Persistent):
    """A tenant owning one crontab, for hosts that have no site object."""

    __parent__ = None
    audit = None      # its zcron.audit.store.SiteAudit, from its first change
    defaults = {}    # cron field -> value, replaced whole (zcron.model.defaults)

    def __init__(self, name: str, registry: str = "zodb",
                 registry_options: Mapping[str, Any] | None = None) -> None:
        self.name = check_new_site_name(name)
        self.registry = registry
        self.registry_options = PersistentMapping(registry_options or {})
        self.crontab = None

    def __repr__(self):
        return f"<CronSite {self.name}>"


def check_site_name(name):
    if not isinstance(name, str) or not name.strip() or "\x00" in name:
        raise InvalidInput("site", name, "expected a non-empty name")
    return name.strip()


def check_new_site_name(name):
    """A new site's name: no '/', which no URL could carry (servers decode
    %2F before routing: the dashboard could not open the site). Sites and
    dumps saved before this rule are read as they are."""
    name = check_site_name(name)
    if "/" in name:
        raise InvalidInput("site", name, "a site name cannot contain '/'")
    return name


@implementer(IZcronRoot)
class ZcronRoot(Persistent):
    """Everything zcron stores lives under ``root['zcron']``."""

    def __init__(self):
        self.sites = OOBTree()          # name -> ICronSite
        self.components = OOBTree()     # component name -> its own data

    def add_site(self, site):
        if site.name in self.sites:
            raise InvalidInput("site", site.name, "a site with this name exists")
        site.__parent__ = self
        self.sites[site.name] = site
        return site

    def get_site(self, name):
        site = self.sites.get(name)
        if site is None:
            raise UnknownSite(name)
        return site

    def remove_site(self, name):
        site = self.get_site(name)
        del self.sites[name]
        return site

    def component_data(self, key, factory):
        """Persistent data owned by one component (the queue, the marker),
        created on first use."""
        data = self.components.get(key)
        if data is None:
            data = self.components[key] = factory()
        return data
