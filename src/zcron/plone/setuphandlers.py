"""Installing zcron in a Plone site creates the site's zcron site (bound
to the Plone site's path, in the same ZODB) and its crontab; uninstalling
removes them, with their queued jobs."""
from plone.base.interfaces import INonInstallable
from zope.interface import implementer

from zcron.components import load_crontab
from zcron.db import ROOT_KEY
from zcron.model.site import ZcronRoot
from zcron.sync import remove_site
from zcron.zope.binding import bind, site_name_for, unbind


@implementer(INonInstallable)
class HiddenProfiles:
    """The uninstall profile is not offered in the Add-ons control panel."""

    def getNonInstallableProfiles(self):
        return ["zcron.plone:uninstall"]


def portal_of(context):
    return context.portal_url.getPortalObject()


def zcron_root(portal):
    """zcron's root container in the ZODB holding ``portal`` (made if missing)."""
    root = portal._p_jar.root()
    if ROOT_KEY not in root:
        root[ROOT_KEY] = ZcronRoot()
    return root[ROOT_KEY]


def portal_path(portal):
    return "/".join(portal.getPhysicalPath())


def installed(context):
    """The post-install step: the site's crontab, ready for crons."""
    portal = portal_of(context)
    site = bind(zcron_root(portal), portal_path(portal))
    load_crontab(site).save()


def uninstalled(context):
    """The uninstall step: the site's crontab and queued jobs removed."""
    portal = portal_of(context)
    root, name = zcron_root(portal), site_name_for(portal_path(portal))
    remove_site(root, name)
    unbind(root, name)
