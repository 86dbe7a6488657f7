"""zcron.web.metrics: the /metrics exposition format and its helpers."""
import os
from datetime import timedelta

from zcron.components import load_crontab, queue_for
from zcron.db import get_root
from zcron.model import Log
from zcron.web import metrics

from web_support import NOW, alice, app, components, db, ini, shared_app  # noqa: F401


class TestMetrics:
    def test_format(self, alice, db):
        with db.transaction() as conn:
            root = get_root(conn)
            q = queue_for(root)
            q.register_worker("w1", NOW, 30, host="h", pid=1)
            q.register_worker("w2", NOW, -30, host="h", pid=2)
            crontab = load_crontab(root.sites["default"])
            crontab.get("b" * 32).edit(name='we"ird\\name\nx', activated=True)
            crontab.get("b" * 32).pause(None, "")
            crontab.get("b" * 32).add_log(Log(NOW, "NOTRUN", [], fire_time=NOW))
            crontab.save()
        res = alice.get("/metrics")
        assert res.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
        text = res.text
        lines = text.splitlines()
        assert text.endswith("\n")
        assert 'zcron_runs_total{site="default",status="OK"} 1' in lines
        assert 'zcron_runs_total{site="default",status="NOTRUN"} 5' in lines
        assert 'zcron_runs_total{site="ro",status="OK"} 0' in lines
        assert 'zcron_missed_fire_times{site="default"} 4' in lines
        assert 'zcron_skipped_overlap_runs{site="default"} 1' in lines
        assert "zcron_queue_depth 1" in lines
        assert 'zcron_workers{state="alive"} 1' in lines
        assert 'zcron_workers{state="lost"} 1' in lines
        assert 'zcron_crons{site="default",state="paused"} 1' in lines
        assert 'zcron_crontab_activated{site="default"} 1' in lines
        hello = 'site="default",cron="hello",uid="' + "a" * 32 + '"'
        assert f"zcron_last_run_lateness_seconds{{{hello}}} 0.5" in lines
        assert f"zcron_last_run_duration_seconds{{{hello}}} 0.25" in lines
        assert 'zcron_run_duration_seconds{site="default",quantile="0.5"} 0.25' in lines
        assert 'zcron_run_duration_seconds_count{site="default"} 3' in lines
        assert 'zcron_run_lateness_seconds_sum{site="default"} 1.5' in lines
        assert 'cron="we\\"ird\\\\name\\nx"' in text
        # one HELP and TYPE per family, samples grouped under it
        families = [line.split()[2] for line in lines if line.startswith("# TYPE")]
        assert len(families) == len(set(families))
        assert "# TYPE zcron_runs_total counter" in lines
        assert "# TYPE zcron_run_duration_seconds summary" in lines

    def test_a_pause_that_is_over_counts_as_on(self, alice, db):
        with db.transaction() as conn:
            crontab = load_crontab(get_root(conn).sites["default"])
            crontab.get("b" * 32).edit(activated=True)
            crontab.get("b" * 32).pause(NOW - timedelta(minutes=1), "over")
            crontab.get("a" * 32).pause(NOW + timedelta(minutes=1), "holds")
            crontab.save()
        lines = alice.get("/metrics").text.splitlines()
        assert 'zcron_crons{site="default",state="paused"} 1' in lines
        assert 'zcron_crons{site="default",state="on"} 1' in lines

    def test_a_done_cron_counts_as_done(self, alice, db):
        with db.transaction() as conn:
            crontab = load_crontab(get_root(conn).sites["default"])
            crontab.get("a" * 32).edit(max_runs=1)      # it has logged runs
            crontab.save()
        lines = alice.get("/metrics").text.splitlines()
        assert 'zcron_crons{site="default",state="done"} 1' in lines

    def test_broken_registry_and_empty_summaries(self, alice, tmp_path):
        os.unlink(tmp_path / "ro.json")
        lines = alice.get("/metrics").text.splitlines()
        assert 'zcron_crontab_error{site="ro"} 1' in lines
        assert 'zcron_run_duration_seconds_count{site="empty"} 0' in lines
        assert not any(line.startswith('zcron_run_duration_seconds{site="empty"') for line in lines)

    def test_helpers(self):
        assert metrics.quantile([1, 2, 3, 4], 0.5) == 2
        assert metrics.quantile([1, 2, 3, 4], 0.99) == 4
        assert metrics.quantile([7], 0.5) == 7
        assert metrics.number(True) == "1" and metrics.number(False) == "0"
        assert metrics.number(3) == "3" and metrics.number(0.5) == "0.5"
        assert metrics.labels() == ""
        out = metrics.Exposition()
        out.add("x", "gauge", "a\\b\nc", 1)
        assert out.text() == "# HELP x a\\\\b\\nc\n# TYPE x gauge\nx 1\n"
        assert metrics.missed_count(Log(NOW, "NOTRUN", ["missed: at least 100000 fire times"])) \
            == 100000
