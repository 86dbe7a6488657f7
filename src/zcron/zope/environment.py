"""The run environment of a site bound to a Zope path: the application
root opened on the run's connection, the site traversed to, the component
site hook set, a minimal request, the run's Zope user -- all torn down
after the run, on failure too."""
import io
from contextlib import contextmanager, nullcontext

from zope.interface import implementer

from zcron.interfaces import IRunEnvironment
from zcron.zope.binding import binding_of

APPLICATION_KEY = "Application"


@implementer(IRunEnvironment)
class ZopeRunEnvironment:
    """Registered as the IRunEnvironment utility by ``zcron.zope``'s ZCML."""

    def __call__(self, session, site, cron):
        binding = binding_of(site)
        if binding is None:
            return nullcontext(site)
        return zope_site(session.conn, binding.path, binding.user_for(cron))


@contextmanager
def zope_site(conn, path, user_name=None):
    """The Zope object at ``path`` in ``conn``'s database, as a request
    to it would see it (acquisition, site hook, user, global request)."""
    root = conn.root()
    if APPLICATION_KEY not in root:
        raise LookupError("no Zope application in this database (is it Zope's?)")
    from AccessControl.SecurityManagement import newSecurityManager, noSecurityManager
    from Testing.makerequest import makerequest
    from zope.component.hooks import getSite, setSite
    from zope.globalrequest import clearRequest, setRequest
    app = makerequest(root[APPLICATION_KEY], stdout=io.StringIO())
    request, previous_site = app.REQUEST, getSite()
    try:
        setRequest(request)
        target = app.unrestrictedTraverse(path.strip("/")) if path.strip("/") else app
        request["PARENTS"] = [target, app]
        newSecurityManager(request, zope_user(target, user_name))
        setSite(nearest_site(target))
        yield target
        process_catalog_queue()
    finally:
        setSite(previous_site)
        noSecurityManager()
        clearRequest()
        request.close()


def zope_user(target, name):
    """The user called ``name`` from the nearest user folder that knows
    it, wrapped in that folder; Zope's system user when ``name`` is None."""
    from Acquisition import aq_base, aq_chain
    from AccessControl.users import system
    if name is None:
        return system
    for obj in aq_chain(target):
        if getattr(aq_base(obj), "__allow_groups__", None) is None:
            continue        # no user folder of its own
        folder = obj.__allow_groups__
        user = folder.getUserById(name)
        if user is not None:
            return user.__of__(folder)
    raise LookupError(f"zope user {name!r}: no user folder above {target.absolute_url_path()} "
                      "knows this user")


def nearest_site(target):
    """The nearest component site at or above ``target`` (a Plone site),
    else None: the global registry."""
    from Acquisition import aq_chain
    from zope.component.interfaces import ISite
    for obj in aq_chain(target):
        if ISite.providedBy(obj):
            return obj
    return None


def process_catalog_queue():
    """CMF (Plone) queues catalog updates until the default transaction
    commits; a run commits its own: index the run's changes now."""
    try:
        from Products.CMFCore.indexing import processQueue
    except ImportError:
        return
    processQueue()
