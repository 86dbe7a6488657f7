"""Where a site's changes are kept: a BTree of change records keyed by a
growing change id, bounded (the oldest dropped), on the site itself."""
from BTrees.LOBTree import LOBTree
from persistent import Persistent
from zope.interface import implementer

from zcron.exceptions import InvalidInput
from zcron.interfaces import IChange, ISiteAudit

LIMIT = 1000        # changes kept per site


@implementer(IChange)
class Change(Persistent):
    """One cron added, edited (``fields``: {field: [old, new]}) or removed
    (``dump``: its settings, for an undo), by ``who``, for ``note``."""

    def __init__(self, id, when, who, note, kind, uid, name, fields=None, dump=None):
        self.id, self.when, self.who, self.note = id, when, who, note
        self.kind, self.uid, self.name = kind, uid, name
        self.fields = fields or {}
        self.dump = dump

    def touched(self):
        """The fields it changed; every one for an add or a removal."""
        return set(self.fields) if self.dump is None else set(self.dump)

    def as_json(self):
        return {"id": self.id, "when": self.when.isoformat(), "who": self.who,
                "note": self.note, "kind": self.kind, "uid": self.uid,
                "name": self.name, "fields": self.fields, "dump": self.dump}


@implementer(ISiteAudit)
class SiteAudit(Persistent):
    limit = LIMIT

    def __init__(self):
        self.changes = LOBTree()
        self.last = 0

    def next_id(self):
        self.last += 1
        return self.last

    def add(self, change):
        self.changes[change.id] = change
        for old in list(self.changes.keys(max=self.last - self.limit)):
            del self.changes[old]

    def get(self, site_name, change_id):
        change = self.changes.get(change_id) if isinstance(change_id, int) else None
        if change is None:
            raise InvalidInput("change", change_id, f"no such change in site "
                               f"{site_name!r} (see zcron history)")
        return change

    def newest(self, limit=None, match=None):
        """Newest first; ``match(change)`` keeps some."""
        found = [c for c in reversed(list(self.changes.values()))
                 if match is None or match(c)]
        return found if limit is None else found[:limit]

    def later(self, change):
        """The changes after ``change`` to its cron, oldest first."""
        return [c for c in self.changes.values(min=change.id + 1) if c.uid == change.uid]


def audit_of(site, create=False):
    """The site's store; None when it has none and ``create`` is false."""
    store = getattr(site, "audit", None)
    if store is None and create:
        store = site.audit = SiteAudit()
    return store

