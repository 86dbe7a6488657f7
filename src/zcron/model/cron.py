"""A cron: which runner, when, with which arguments, and under which policies."""
import hashlib
import json
from typing import Any
from datetime import timedelta

from persistent import Persistent
from zope.interface import implementer

from zcron.audit import record
from zcron.exceptions import InvalidDump, InvalidInput
from zcron.interfaces import ICron, ILog, NOTRUN
from zcron.model import digest, indexes
from zcron.model.calendar import fire_time_after
from zcron.model.fields import FIELDS, TIMES, check_bounds, new_uid, uid_given, validate
from zcron.model.jsonio import parse_json
from zcron.model.log import Log
from zcron.model.logs import CronLogs, ages_of
from zcron.model.stamps import Stamps
from zcron.model.timeutil import FOREVER, dump_time
from zcron.periodicity import get_periodicity


# How late a cron's first run may be claimed without counting it done.
FIRST_RUN_GRACE = timedelta(days=1)
# Fields whose default is stored on the class, not in each record.
CLASS_DEFAULTS = {f: d for f, (v, d) in FIELDS.items()
                  if f not in ("uid", "name", "periodicity", "environ")}


def _is_default(field, value):
    default = CLASS_DEFAULTS.get(field, _is_default)
    return type(value) is type(default) and value == default


def jitter_offset(uid, jitter):
    """Seconds in [0, jitter), from the uid alone: stable everywhere."""
    if not jitter:
        return 0.0
    digest = hashlib.sha256(uid.encode()).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2.0 ** 64
    return round(fraction * jitter, 3)


@implementer(ICron)
class Cron(Stamps, Persistent):
    """Configuration of one job. Its logs live in a separate record."""

    __parent__ = None    # the Crontab, set when added
    _logs = None         # its CronLogs record, once it has one (see log_record)

    def __init__(self, name: str, periodicity: str, **fields: Any) -> None:
        values = dict(fields, name=name, periodicity=periodicity)
        values["uid"] = values.get("uid") or new_uid()
        values.setdefault("environ", {})
        self._stamp_created()
        self._apply(values)

    def __setattr__(self, name, value):
        if name in FIELDS and self.__parent__ is not None:
            record.cron_changing(self)       # set directly too, not by edit()
        super().__setattr__(name, value)

    # -- editing ------------------------------------------------------------

    def edit(self, **changes):
        """Change fields at once: all are checked before any is set."""
        if "uid" in changes:
            raise InvalidInput("uid", changes["uid"], "a cron's uid cannot change")
        self._apply(changes)

    def _apply(self, changes):
        clean = validate(changes)
        check_bounds(clean.get("start", getattr(self, "start", None)),
                     clean.get("end", getattr(self, "end", None)))
        if "exclude" in clean and self.__parent__ is not None:
            for name in clean["exclude"]:
                self.__parent__.get_calendar(name)      # raises if unknown
        expression = clean.get("periodicity", getattr(self, "periodicity", None))
        zone = clean.get("timezone", getattr(self, "timezone", "UTC"))
        if "periodicity" in clean or "timezone" in clean:
            periodicity = get_periodicity(expression, zone)   # raises if bad
            clean["periodicity"] = periodicity.expression
        before = {field: getattr(self, field, None) for field in clean}
        record.cron_changing(self)
        self._note_resume(clean)
        for field, value in clean.items():
            if _is_default(field, value):
                # kept as the class attribute: a small record, fast to write
                if field in self.__dict__:
                    delattr(self, field)
            else:
                setattr(self, field, value)
        if self.__parent__ is not None:
            indexes.edited(self.__parent__, self, before)

    # -- time -----------------------------------------------------------------

    def get_periodicity(self):
        return get_periodicity(self.periodicity, self.timezone)

    def next_fire_time(self, after):
        return fire_time_after(self.get_periodicity(), after, self.start, self.end,
                               self.calendars())

    def calendars(self):
        crontab = self.__parent__
        if not self.exclude or crontab is None:
            return ()
        known = crontab.calendars()
        return tuple(known[name] for name in self.exclude if name in known)

    def jitter_offset(self):
        """Same offset for this cron on every worker and after restarts."""
        return jitter_offset(self.uid, self.jitter)

    # -- may it run? (the one place that says) --------------------------------

    @property
    def paused(self):
        """A pause is set, over or not (``paused_at`` tells whether it holds)."""
        return self.paused_until is not None

    def paused_at(self, now):
        """True while a pause that is not over yet holds the cron."""
        return self.paused_until is not None and self.paused_until > now

    @property
    def switched_on(self):
        """Its own switch and its crontab's are on: it has a schedule."""
        crontab = self.__parent__
        return bool(self.activated and crontab is not None and crontab.activated)

    def runnable(self, now, retry=False):
        """May a run start at ``now``? A retry may while the cron is
        paused: it finishes a run that started before the pause."""
        return self.switched_on and (retry or not (self.paused_at(now) or self.done(now)))

    def state(self, now):
        """'off' (its own switch), 'done', 'paused' (a pause not over yet) or 'on'."""
        if not self.activated:
            return "off"
        if self.done(now):
            return "done"
        return "paused" if self.paused_at(now) else "on"

    def runs_left(self, running=0):
        """Runs ``max_runs`` still allows, ``running`` claims counted (None: no limit)."""
        return None if self.max_runs is None else self.max_runs - self.runs - running

    def done(self, now):
        """Its runs are over. A cron never run is measured from a day (or
        its catch-up window, if longer) back from ``now``: its first job
        may be that late, and must not be dropped as done."""
        if self.max_runs is not None and self.runs >= self.max_runs:
            return True
        if self.end is None and not self.exclude and not self.get_periodicity().finite:
            return False    # a schedule without end never runs out
        if self.next_fire_time(now) is not None:
            return False    # no entry is logged for a fire time to come: logs unread
        last = next((log.fire_time or log.date for log in self.logs), None)
        if last is None:
            last = now - max(timedelta(seconds=self.catchup_window), FIRST_RUN_GRACE)
        return self.next_fire_time(last) is None

    def pause(self, until=None, note=""):
        self.edit(paused_until=until or FOREVER, pause_note=note)

    def resume(self):
        """Lift the pause; the circuit breaker counts failures from here."""
        self.edit(paused_until=None, pause_note="")
        if self._logs is not None:
            self._logs.reset_failures()

    # -- logs -----------------------------------------------------------------

    @property
    def has_log_record(self):
        return self._logs is not None

    def log_record(self):
        """The record holding this cron's log, created at first need. Not
        at creation: a bulk add then writes one record per cron, not two.
        The worker creates it when it claims the cron's first run (or when
        a run is queued by hand), so that runs write only this record."""
        if self._logs is None:
            self._logs = CronLogs()
        return self._logs

    @property
    def logs(self):
        return () if self._logs is None else self._logs.entries

    @property
    def log_counts(self):
        """How many runs ended with each status, retention aside."""
        return {} if self._logs is None else dict(self._logs.counts)

    @property
    def runs(self):
        counts = self.log_counts
        return sum(counts.values()) - counts.get(NOTRUN, 0)

    def add_log(self, log, summarised=True):
        if not ILog.providedBy(log):
            raise InvalidInput("log", log, "expected a zcron.Log")
        self.log_record().add(log, self.logs_limit, ages_of(self))
        if summarised:
            digest.logged(self, log)
        return log

    def clear_logs(self):
        if self._logs is not None:
            self._logs.clear()
            digest.logged(self, None)

    def last_log(self):
        return None if self._logs is None else self._logs.newest()

    def logs_newest_first(self):
        """Its entries as stored, read lazily (see CronLogs.newest_first)."""
        return iter(()) if self._logs is None else self._logs.newest_first()

    def has_logged(self, execution_id):
        """Whether the run of ``execution_id`` ended (its entry is its end)."""
        return self._logs is not None and self._logs.has(execution_id)

    @property
    def last_run(self):
        last = self.last_log()
        return None if last is None else last.date

    @property
    def last_status(self):
        last = self.last_log()
        return None if last is None else last.status

    # -- JSON -----------------------------------------------------------------

    def dump(self, with_logs=True):
        data = {}
        for field in FIELDS:
            value = getattr(self, field)
            data[field] = dump_time(value) if field in TIMES else value
        data["environ"] = json.loads(json.dumps(self.environ))
        data["exclude"] = list(self.exclude)
        data["logs"] = [log.dump() for log in self.logs] if with_logs else []
        return data

    @classmethod
    def load(cls, data):
        """From a dump of ours or of collective.cron (a dict, or its JSON)."""
        data = parse_json(data)
        if not isinstance(data, dict):
            raise InvalidDump(data, "a cron must be a JSON object")
        for key in ("name", "periodicity"):
            if not data.get(key):
                raise InvalidDump(data.get("uid") or data, f"a cron needs a {key!r}")
        fields = {k: v for k, v in data.items() if k in FIELDS}
        if uid_given(fields.get("uid")):
            validate({"uid": fields["uid"]})
        else:
            fields.pop("uid", None)
        logs = data.get("logs") or []
        if not isinstance(logs, list):
            raise InvalidDump(logs, "a cron's logs must be a list")
        loaded = [Log.load(item) for item in logs]
        cron = cls(**fields)
        if loaded:
            cron._logs = CronLogs(loaded, limit=cron.logs_limit)
        return cron

    def __repr__(self):
        return f"<Cron {self.name} {self.uid} {self.periodicity!r} {self.timezone}>"


for _field, _default in CLASS_DEFAULTS.items():
    setattr(Cron, _field, _default)
