"""zcron.model.stamps: when a cron was made, resumed and last succeeded."""
from datetime import timedelta

import zcron
from zcron.model import Log
from zcron.model.logs import CronLogs

YEARLY = "0 0 1 1 *"


def test_created_and_resumed_are_stamped_as_integers(fake_clock):
    start = fake_clock.now()
    cron = zcron.Cron("x", YEARLY, activated=False)
    assert cron.created == start and cron.resumed is None
    fake_clock.advance(hours=1)
    cron.edit(activated=True)
    assert cron.resumed == start + timedelta(hours=1)
    assert isinstance(cron.__dict__["_created_us"], int)
    assert isinstance(cron.__dict__["_resumed_us"], int)


def test_stamps_kept_as_datetimes_still_read(fake_clock):
    then = fake_clock.now()
    older = CronLogs()
    older.__setstate__({"last_success": then})     # as written before the stamp was an integer
    assert older.last_success == then
    older.add(Log(then - timedelta(hours=1), "OK"), 10)
    assert older.last_success == then
    cron = zcron.Cron("x", YEARLY)
    cron.__setstate__({"name": "x", "periodicity": YEARLY, "created": then, "resumed": then})
    assert (cron.created, cron.resumed) == (then, then)
