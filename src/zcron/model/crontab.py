"""The crontab of a site: crons in insertion order, indexed by uid and name."""
import re

from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from zope.event import notify
from zope.interface import implementer

from zcron.audit import record
from zcron.components import registry_for
from zcron.events import ModifiedCrontabEvent
from zcron.exceptions import (AmbiguousCron, DuplicateUid, InvalidDump,
                              InvalidInput, UnknownCron, ZcronError)
from zcron.interfaces import ICrontab
from zcron.model import indexes
from zcron.model.calendar import Calendar
from zcron.model.cron import Cron
from zcron.model.defaults import check_defaults, site_defaults
from zcron.model.jsonio import parse_json
from zcron.model.site import check_site_name
from zcron.periodicity import get_periodicity

UID_PREFIX = re.compile(r"^[0-9a-fA-F]{1,31}$")    # a part of a uid's start


@implementer(ICrontab)
class Crontab(Persistent):
    """Each cron is its own record, so saving one cron writes O(1) records
    whatever the size of the crontab."""

    __parent__ = None     # the ICronSite
    read_only = False
    _calendars = None     # name -> Calendar, once it has one
    loaded_defaults = {}  # the site defaults of the dump it was loaded from

    def __init__(self, site: str = "default", activated: bool = True) -> None:
        self.site = check_site_name(site)
        if not isinstance(activated, bool):
            raise InvalidInput("activated", activated, "expected true or false")
        self.activated = activated
        self._crons = OOBTree()      # uid -> Cron
        self._order = LOBTree()      # insertion number -> uid
        self._number = OOBTree()     # uid -> insertion number
        self._names = OOBTree()      # name -> OOTreeSet of uids
        self._next = 0
        indexes.created(self)

    def __setattr__(self, name, value):
        if name == "activated":
            record.crontab_switching(self)
        super().__setattr__(name, value)

    # -- content --------------------------------------------------------------

    def add_cron(self, cron):
        if cron.uid in self._crons:
            raise DuplicateUid(cron.uid)
        for name in cron.exclude:
            self.get_calendar(name)          # raises if unknown
        record.cron_added(self, cron)
        cron.__parent__ = self
        self._crons[cron.uid] = cron
        self._order[self._next] = cron.uid
        self._number[cron.uid] = self._next
        self._next += 1
        indexes.added(self, cron)
        return cron

    def remove_cron(self, uid):
        cron = self.get(uid)
        record.cron_removing(self, cron)
        del self._crons[uid]
        del self._order[self._number.pop(uid)]
        indexes.removed(self, cron)
        cron.__parent__ = None
        return cron

    # -- calendars ------------------------------------------------------------

    def calendars(self):
        return {} if self._calendars is None else self._calendars

    def get_calendar(self, name):
        calendar = self.calendars().get(name)
        if calendar is None:
            raise InvalidInput("calendar", name, f"no such calendar in site {self.site!r}")
        return calendar

    def set_calendar(self, calendar):
        record.calendar_changing(self, calendar.name, calendar)
        if self._calendars is None:
            self._calendars = OOBTree()
        self._calendars[calendar.name] = calendar
        return calendar

    def new_calendars(self, other):
        """The calendars of ``other`` (a loaded dump) this crontab lacks; one
        it has already must have the same rules (a dump's crons name them)."""
        found = []
        for calendar in other.calendars().values():
            known = self.calendars().get(calendar.name)
            if known is None:
                found.append(calendar)
            elif known.dump() != calendar.dump():
                raise InvalidInput("calendar", calendar.name,
                                   "the site has other rules under that name")
        return found

    def users_of(self, name):
        return [cron for cron in self if name in cron.exclude]

    def remove_calendar(self, name):
        calendar = self.get_calendar(name)
        users = self.users_of(name)
        if users:
            names = ", ".join(sorted({cron.name for cron in users}))
            raise InvalidInput("calendar", name, f"still excluded by the crons {names}")
        record.calendar_changing(self, name, None)
        del self._calendars[name]
        return calendar

    # -- lookups --------------------------------------------------------------

    def get(self, uid):
        cron = self._crons.get(uid)
        if cron is None:
            raise UnknownCron(uid)
        return cron

    def __contains__(self, uid):
        return uid in self._crons

    def __len__(self):
        return len(self._number)

    def __iter__(self):
        crons = self._crons
        return (crons[uid] for uid in self._order.values())

    def uids(self):
        return iter(self._order.values())

    def numbered_uids(self, start=0):
        return iter(self._order.items(min=start))

    def uids_after(self, uid=""):
        return iter(self._crons.keys(min=uid, excludemin=True))

    def by_name(self, reverse=False):
        names = self._names.items()
        if reverse:
            names = reversed(list(names))
            return ((name, uid) for name, uids in names for uid in reversed(list(uids)))
        return ((name, uid) for name, uids in names for uid in uids)

    def names(self):
        return self._names.items()

    def find(self, name=None, activated=None, periodicity=None):
        if periodicity is not None:
            # stored expressions are normalised: compare like with like
            periodicity = get_periodicity(periodicity).expression
        if name is not None:
            candidates = (self._crons[uid] for uid in self._names.get(name, ()))
            candidates = sorted(candidates, key=lambda c: self._number[c.uid])
        else:
            candidates = iter(self)
        return [c for c in candidates
                if (activated is None or c.activated == activated)
                and (periodicity is None or c.periodicity == periodicity)]

    def uids_starting(self, prefix, limit=None):
        prefix = prefix.lower()
        found = []
        for uid in self._crons.keys(min=prefix):     # a key range: no cron is loaded
            if not uid.startswith(prefix) or len(found) == limit:
                break
            found.append(uid)
        return found

    def names_starting(self, prefix, limit=None):
        found = []
        for name, uids in self._names.items(min=prefix):
            if not name.startswith(prefix) or len(found) == limit:
                break
            found.append((name, uids.minKey()))
        return found

    def resolve(self, ref):
        """A uid, a name given to exactly one cron, or a unique uid prefix
        (tables show the first 8 characters)."""
        if not isinstance(ref, str) or not ref:
            raise UnknownCron(ref)
        cron = self._crons.get(ref.lower())
        if cron is not None:
            return cron
        uids = self._names.get(ref, ())
        if len(uids) == 1:
            return self._crons[uids.minKey()]
        if len(uids) > 1:
            raise AmbiguousCron(ref, len(uids))
        return self._by_prefix(ref)

    def _by_prefix(self, ref):
        found = self.uids_starting(ref) if UID_PREFIX.match(ref) else []
        if len(found) == 1:
            return self._crons[found[0]]
        if found:
            shown = ", ".join(f"{uid[:len(ref) + 4]} ({self._crons[uid].name})"
                              for uid in found[:5])
            raise UnknownCron(ref, f"{len(found)} crons have a uid starting so: {shown}"
                                   + (", ..." if len(found) > 5 else "")
                                   + "; give more of it")
        raise UnknownCron(ref, f"no such cron in site {self.site!r} "
                               "(give a uid, a part of its start, or a unique name)")

    # -- saving ---------------------------------------------------------------

    def save(self):
        self._save(None)

    def save_cron(self, cron):
        """``cron`` may be a removed cron or its uid: its jobs then go."""
        self.save_crons([cron])

    def save_crons(self, crons):
        self._save([getattr(cron, "uid", cron) for cron in crons])

    def save_calendar(self, name):
        """Its users' job signatures carry its digest: they are re-queued."""
        self._save([cron.uid for cron in self.users_of(name)])

    def _save(self, uids):
        if self.read_only:
            return
        site = self.__parent__
        if site is None:
            raise ZcronError(f"{self!r} belongs to no site: save it with a "
                             "site's registry manager first")
        registry_for(site).save(self, crons=uids)
        notify(ModifiedCrontabEvent(self, site, crons=uids))

    # -- JSON -----------------------------------------------------------------

    def dump(self, with_logs=True):
        data = {
            "site": self.site,
            "activated": self.activated,
            "calendars": [calendar.dump() for calendar in self.calendars().values()],
            "crons": [cron.dump(with_logs) for cron in self],
        }
        defaults = site_defaults(self.__parent__)
        if defaults:
            data["defaults"] = defaults      # the site's, for its crons
        return data

    @classmethod
    def load(cls, data, site=None):
        """From a crontab dump, or a plain list of cron dumps
        (collective.cron kept its crontab as such a list)."""
        data = parse_json(data)
        if isinstance(data, list):
            data = {"crons": data}
        if not isinstance(data, dict) or not isinstance(data.get("crons", []), list):
            raise InvalidDump(str(data)[:80], "a crontab must be an object with a 'crons' list")
        crontab = cls(site=site or data.get("site") or "default",
                      activated=data.get("activated", True))
        _take_defaults(crontab, data)
        calendars = data.get("calendars") or []
        if not isinstance(calendars, list):
            raise InvalidDump(str(calendars)[:80], "a crontab's calendars must be a list")
        for item in calendars:
            calendar = Calendar.load(item)
            if calendar.name in crontab.calendars():
                raise InvalidDump(calendar.name, "a calendar name appears twice")
            crontab.set_calendar(calendar)
        for item in data.get("crons", []):
            if isinstance(item, str):
                item = parse_json(item)   # collective.cron: a list of JSON strings
            crontab.add_cron(Cron.load(item))
        return crontab

    def __repr__(self):
        return f"<Crontab {self.site} {len(self)} crons {'on' if self.activated else 'off'}>"


def _take_defaults(crontab, data):
    """A dump's site defaults, checked, for the loader to give the site."""
    defaults = check_defaults(data.get("defaults") or {})
    if defaults:
        crontab.loaded_defaults = defaults
