"""Runners of the Zope proof tests: they change the Zope site they get."""
import zcron


class SetTitle(zcron.Runner):
    """Sets the title of its site (the Zope object its zcron site is bound to)."""

    def run(self):
        self.site.manage_changeProperties(title=self.environ["title"])


class BreakTitle(zcron.Runner):
    """Changes the title, then fails: the change must not be committed."""

    def run(self):
        self.site.manage_changeProperties(title=self.environ["title"])
        raise RuntimeError("broken on purpose")


class WhoAmI(zcron.Runner):
    """Says which Zope user it runs as, and which component site is set."""

    def run(self):
        from AccessControl import getSecurityManager
        from zope.component.hooks import getSite
        site = getSite()
        return f"user={getSecurityManager().getUser().getId()} site={site!r}"


class EditDocument(zcron.Runner):
    """Edits a Plone Document through plone.api (which needs the site hook
    and a user: the run environment's)."""

    def run(self):
        from plone import api
        document = api.content.get(path=self.environ["path"])
        document.title = self.environ["title"]
        document.reindexObject()
        return f"edited {api.content.get_path(document)} as {api.user.get_current().getId()}"
