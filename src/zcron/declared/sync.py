"""Keeping sites in step with the declarations: one cron per declaration
per site it names, at a uid derived from both (workers syncing at once
converge on it: one commits, the others conflict, retry and find it).

A declaration owns its cron's runner, schedule, zone, environ and the
policies it declares; operators keep the rest (on/off, pause, logs limit,
other policies). A declaration that is gone takes its crons with it; crons
made by hand are never touched. In step, nothing is written.

Which uids were made from which declaration is kept per site in the
root's component data ``declared`` (uid -> identity text), so that a
restart finds the crons of a declaration gone without reading the crontab.
"""
import logging
from dataclasses import dataclass, field

from BTrees.OOBTree import OOBTree

from zcron.audit import SYNC, acting
from zcron.components import load_crontab
from zcron.declared import declarations
from zcron.exceptions import InvalidInput
from zcron.model import Cron
from zcron.model.fields import validate
from zcron.periodicity import get_periodicity

logger = logging.getLogger("zcron.declared")
INDEX = "declared"          # the root's component data: site -> OOBTree(uid -> identity)
# What people call the fields a declaration owns.
LABELS = {"name": "runner", "periodicity": "schedule"}


@dataclass
class Change:
    site: str
    action: str             # added, updated, removed, failed
    declared: str           # the declaration's identity text
    uid: str
    fields: list = field(default_factory=list)    # updated: what changed; failed: why

    def dump(self):
        return {"site": self.site, "action": self.action, "declared": self.declared,
                "uid": self.uid, "fields": list(self.fields)}

    def __str__(self):
        detail = f": {', '.join(self.fields)}" if self.fields else ""
        return f"site {self.site}: {self.action} {self.declared} ({self.uid}){detail}"


def identity_text(declaration):
    """What a declared cron's ``declared`` field holds: 'origin:name'."""
    return ":".join(declaration.identity)


def wanted_fields(declaration):
    """The fields its cron must have, clean and normalised as stored."""
    wanted = validate(dict(declaration.cron_fields(), declared=identity_text(declaration)))
    wanted["periodicity"] = get_periodicity(wanted["periodicity"],
                                            wanted["timezone"]).expression
    return wanted


def differences(cron, declaration):
    """The fields of ``cron`` its declaration would change, in people's words."""
    wanted = wanted_fields(declaration)
    return [LABELS.get(f, f) for f, value in wanted.items() if getattr(cron, f) != value]


def state(crontab, site_name, declaration):
    """'missing', 'differs: FIELDS' or 'in step'."""
    uid = declaration.uid_for(site_name)
    if uid not in crontab:
        return "missing"
    changed = differences(crontab.get(uid), declaration)
    return f"differs: {', '.join(changed)}" if changed else "in step"


def states(root, found=None):
    """Every declaration as a dict, with ``sites``: the state of its cron
    on each site it names ('read-only' or 'unreadable' when left alone)."""
    found = declarations() if found is None else found
    crontabs = {name: _crontab_or_why(site) for name, site in root.sites.items()}
    return [{"declared": identity_text(d), "origin": d.origin, "name": d.name,
             "runner": d.runner, "schedule": d.schedule, "source": d.source,
             "sites": {name: crontab if isinstance(crontab, str)
                       else state(crontab, name, d)
                       for name, crontab in crontabs.items() if d.for_site(name)}}
            for d in found]


def _crontab_or_why(site):
    """The site's crontab, or why it is not kept in step."""
    try:
        crontab = load_crontab(site)
    except InvalidInput:
        return "unreadable"
    return "read-only" if crontab.read_only else crontab


def declaration_of(cron, found=None):
    """The declaration keeping ``cron`` in step, or None (made by hand, or
    its declaration gone since the last sync)."""
    if not cron.declared:
        return None
    for declaration in declarations() if found is None else found:
        if identity_text(declaration) == cron.declared:
            return declaration
    return None


def declared_fields(cron, found=None):
    """The fields operators may not change on ``cron`` (its declaration's)."""
    if not cron.declared:
        return ()
    declaration = declaration_of(cron, found)
    policies = () if declaration is None else tuple(declaration.policies)
    return ("name", "periodicity", "timezone", "environ") + policies


# -- syncing ------------------------------------------------------------------------

def keep_in_step(root, names=None, found=None):
    """Sync the sites named (all by default) with the declarations
    (``found``, by default every registered source's); the changes."""
    found = declarations() if found is None else found
    names = sorted(root.sites.keys()) if names is None else names
    changes = []
    for name in names:
        changes += keep_site_in_step(root, root.get_site(name), found)
    return changes


@acting(SYNC)
def keep_site_in_step(root, site, found=None):
    """One site's crons kept in step; a read-only or unreadable crontab
    is left alone. The changes."""
    crontab = _crontab_or_why(site)
    if isinstance(crontab, str):
        return []          # the restart synchronisation says why it is unreadable
    found = declarations() if found is None else found
    wanted = {d.uid_for(site.name): d for d in found if d.for_site(site.name)}
    changes = [_keep(root, site, crontab, uid, d) for uid, d in wanted.items()]
    changes += [_remove(root, site, crontab, uid, identity)
                for uid, identity in list(_known(root, site.name).items())
                if uid not in wanted]
    return [change for change in changes if change is not None]


def _keep(root, site, crontab, uid, declaration):
    """Add or update the cron of ``declaration``; None when in step."""
    identity = identity_text(declaration)
    try:
        wanted = wanted_fields(declaration)
        if uid not in crontab:
            crontab.add_cron(Cron(uid=uid, **wanted))
            change = Change(site.name, "added", identity, uid)
        else:
            cron = crontab.get(uid)
            changed = {f: v for f, v in wanted.items() if getattr(cron, f) != v}
            if not changed:
                return None
            cron.edit(**changed)
            change = Change(site.name, "updated", identity, uid,
                            [LABELS.get(f, f) for f in changed])
    except InvalidInput as e:        # e.g. a calendar this site does not have
        logger.warning("site %s: cannot keep %s in step: %s", site.name, identity, e)
        return Change(site.name, "failed", identity, uid, [str(e)])
    if _known(root, site.name).get(uid) != identity:
        _index(root, site.name)[uid] = identity
    crontab.save_cron(uid)
    logger.info("%s", change)
    return change


def _remove(root, site, crontab, uid, identity):
    """Remove the cron of a declaration gone (if still there and still
    its), and forget it."""
    del _index(root, site.name)[uid]
    if uid not in crontab or crontab.get(uid).declared != identity:
        return None
    crontab.remove_cron(uid)
    crontab.save_cron(uid)
    change = Change(site.name, "removed", identity, uid)
    logger.info("%s: its declaration is gone", change)
    return change


def _known(root, site_name):
    """uid -> identity of the crons made on the site (read only: an empty
    mapping when there are none, so that nothing is written)."""
    index = root.components.get(INDEX)
    known = None if index is None else index.get(site_name)
    return {} if known is None else known


def _index(root, site_name):
    index = root.component_data(INDEX, OOBTree)
    known = index.get(site_name)
    if known is None:
        known = index[site_name] = OOBTree()
    return known


def forget_site(root, site_name):
    """A site removed: its declared uids are forgotten."""
    index = root.components.get(INDEX)
    if index is not None and site_name in index:
        del index[site_name]
