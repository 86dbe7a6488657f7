"""The default registry manager: the crontab is a persistent object of the site."""
from zope.component import adapter
from zope.interface import implementer

from zcron.interfaces import ICronSite, IRegistryManager
from zcron.model.crontab import Crontab


@adapter(ICronSite)
@implementer(IRegistryManager)
class ZODBRegistryManager:
    read_only = False

    def __init__(self, site):
        self.site = site

    def load(self):
        crontab = self.site.crontab
        if crontab is None:
            crontab = self._attach(Crontab(site=self.site.name))
        return crontab

    def save(self, crontab, crons=None):
        # Crons are persistent objects: their changes are already part of
        # the transaction; only a new crontab needs attaching.
        if self.site.crontab is not crontab:
            self._attach(crontab)

    def _attach(self, crontab):
        crontab.__parent__ = self.site
        crontab.site = self.site.name
        self.site.crontab = crontab
        return crontab
