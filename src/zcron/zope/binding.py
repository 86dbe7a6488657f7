"""Which zcron sites are bound to a path in the Zope tree, and as which
Zope user their runs go (per site, overridable per cron)."""
from BTrees.OOBTree import OOBTree
from persistent import Persistent

from zcron.exceptions import InvalidInput
from zcron.model.site import CronSite

BINDINGS_KEY = "zope-sites"


class ZopeBinding(Persistent):
    """A zcron site's Zope path and run user; ``user`` None runs as Zope's
    system user (every permission), as ``zconsole run`` does."""

    def __init__(self, path, user=None):
        self.path = check_path(path)
        self.user = user or None

    def user_for(self, cron):
        """The Zope user a run of ``cron`` goes as: the cron's ``user``
        (collective.cron's field), else the site's."""
        return cron.user or self.user


def check_path(path):
    if not isinstance(path, str) or not path.startswith("/") or "//" in path:
        raise InvalidInput("path", path, "expected an absolute Zope path, e.g. /Plone")
    return "/" + path.strip("/")


def site_name_for(path):
    """The zcron site name of a Zope path: /Plone -> Plone, /a/b -> a.b."""
    return check_path(path).strip("/").replace("/", ".") or "zope"


def bindings(root):
    """{zcron site name: ZopeBinding} kept in zcron's root container."""
    return root.component_data(BINDINGS_KEY, OOBTree)


def binding_of(site):
    """The ZopeBinding of a zcron site, or None when it has no Zope path."""
    root = site.__parent__
    if root is None:
        return None
    return bindings(root).get(site.name)


def bind(root, path, user=None, name=None):
    """Bind the zcron site for Zope ``path`` (created when missing) and
    return it; binding again changes the user only."""
    name = name or site_name_for(path)
    site = root.sites.get(name) or root.add_site(CronSite(name))
    found = bindings(root).get(name)
    if found is None or found.path != check_path(path):
        bindings(root)[name] = ZopeBinding(path, user)
    elif found.user != (user or None):
        found.user = user or None
    return site


def unbind(root, name):
    """Forget a site's Zope path (its crontab stays)."""
    bindings(root).pop(name, None)
