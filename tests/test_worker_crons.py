"""The crons of jobs in one transaction; over a network, fetched in bulk."""
import time
from datetime import datetime, timezone

import zcron

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


class TestPrefetch:
    """Over a network, a group's crons and their logs are asked for in bulk."""

    def test_a_groups_logs_reach_the_cache_before_they_are_loaded(
            self, zeo_server, zca, fake_clock):
        from zcron.components import cron_manager, load_crontab, queue_for
        from zcron.db import Session, open_db
        from zcron.model import CronSite
        from zcron.worker.crons import Crons
        fake_clock.set(T0)
        db = open_db(zeo_server.uri)
        with Session(db) as session:
            site = session.root.add_site(CronSite("default"))
            crontab = load_crontab(site)
            uids = [crontab.add_cron(zcron.Cron("ok", "0 0 1 1 *")).uid for _ in range(3)]
            crontab.save()
            for uid in uids:
                cron_manager(site, crontab.get(uid)).run_now()
            session.tm.commit()
        db.close()
        db = open_db(zeo_server.uri)          # its client cache holds none of them
        session = Session(db)
        try:
            jobs = queue_for(session.root).due(T0)
            Crons(session.root).prefetch(session.conn, jobs)
            crontab = load_crontab(session.root.sites["default"])
            logs = [crontab.get(uid).log_record() for uid in uids]
            assert [log._p_changed for log in logs] == [None] * 3   # not loaded
            # the prefetch answers arrive from the server in their own time: poll
            deadline = time.monotonic() + 10
            while not all(db.storage._cache.load(log._p_oid) for log in logs):
                assert time.monotonic() < deadline, "the logs were not fetched"
                time.sleep(0.01)
        finally:
            session.close()
            db.close()

    def test_a_gone_cron_or_site_is_none(self, site, session):
        from zcron.queue.base import Job
        from zcron.worker.crons import Crons
        crons = Crons(session.root)
        assert crons.of(Job("default", "nope", 0)) is None
        assert crons.of(Job("elsewhere", "nope", 0)) is None
