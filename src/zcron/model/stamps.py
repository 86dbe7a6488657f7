"""The times a cron's alerts count from: when it was made, last resumed or
switched on, and last succeeded (``Stamps``, a base of ``Cron``).

Kept as integer microseconds: every run loads its cron, and an aware
datetime in a record costs three class lookups at each load. Records
that kept datetimes (``created``, ``resumed``) still read."""
from zcron import clock
from zcron.model.logs import SUCCESSES
from zcron.model.timeutil import stamp_time, to_us


class Stamps:
    _created_us = _resumed_us = None     # None for crons saved before these were kept

    def _stamp_created(self):
        self._created_us = to_us(clock.now())

    def _note_resume(self, clean):
        """A pause lifted, or the switch turned on: stamp ``resumed``."""
        lifted = "paused_until" in clean and clean["paused_until"] is None and self.paused
        switched = clean.get("activated") is True and not self.activated
        if lifted or switched:
            self._resumed_us = to_us(clock.now())

    @property
    def created(self):
        return stamp_time(self._created_us, self.__dict__.get("created"))

    @property
    def resumed(self):
        return stamp_time(self._resumed_us, self.__dict__.get("resumed"))

    @property
    def last_success(self):
        """The date of its newest OK or WARN entry, pruned or not (None: never)."""
        if self._logs is None:
            return None
        stamp = self._logs.last_success
        if stamp is None:       # a record written before the stamp was kept
            stamp = next((e.date for e in self._logs.entries if e.status in SUCCESSES),
                         None)
        return stamp
