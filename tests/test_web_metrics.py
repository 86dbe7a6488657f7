"""zcron.web.metrics: the /metrics exposition format and its helpers."""
import os
from datetime import timedelta

from zcron.components import load_crontab, queue_for
from zcron.db import get_root
from zcron.model import Log
from zcron.web import metrics

from web_support import NOW, alice, app, components, db, ini, shared_app  # noqa: F401

LABEL_ORDER = ("site", "cron", "uid", "state", "status", "quantile")


def exposition(text):
    """The comment lines of ``/metrics`` as written, and its samples as
    ``name{labels} value`` in one order of labels (LABEL_ORDER) with whole
    numbers written without a decimal point (as prometheus_client does not)."""
    from prometheus_client.parser import text_string_to_metric_families
    lines = [line for line in text.splitlines() if line.startswith("#")]
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = sorted(sample.labels.items(), key=lambda kv: LABEL_ORDER.index(kv[0]))
            inner = ",".join('{}="{}"'.format(k, v.replace("\\", r"\\").replace(
                "\n", r"\n").replace('"', r'\"')) for k, v in labels)
            value = int(sample.value) if sample.value.is_integer() else sample.value
            lines.append(f"{sample.name}{{{inner}}} {value}" if inner
                         else f"{sample.name} {value}")
    return lines


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
        lines = exposition(text)
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
        lines = exposition(alice.get("/metrics").text)
        assert 'zcron_crons{site="default",state="paused"} 1' in lines
        assert 'zcron_crons{site="default",state="on"} 1' in lines

    def test_a_done_cron_counts_as_done(self, alice, db):
        with db.transaction() as conn:
            crontab = load_crontab(get_root(conn).sites["default"])
            crontab.get("a" * 32).edit(max_runs=1)      # it has logged runs
            crontab.save()
        lines = exposition(alice.get("/metrics").text)
        assert 'zcron_crons{site="default",state="done"} 1' in lines

    def test_broken_registry_and_empty_summaries(self, alice, tmp_path):
        os.unlink(tmp_path / "ro.json")
        lines = exposition(alice.get("/metrics").text)
        assert 'zcron_crontab_error{site="ro"} 1' in lines
        assert 'zcron_run_duration_seconds_count{site="empty"} 0' in lines
        assert not any(line.startswith('zcron_run_duration_seconds{site="empty"') for line in lines)

    def test_helpers(self):
        assert metrics.quantile([1, 2, 3, 4], 0.5) == 2
        assert metrics.quantile([1, 2, 3, 4], 0.99) == 4
        assert metrics.quantile([7], 0.5) == 7
        out = metrics.Families()
        out.gauge("x", "a\\b\nc", 1)
        assert metrics.generate_latest(out).decode() == \
            "# HELP x a\\\\b\\nc\n# TYPE x gauge\nx 1.0\n"
        assert metrics.missed_count(Log(NOW, "NOTRUN", ["missed: at least 100000 fire times"])) \
            == 100000


def test_a_metric_is_one_function(alice):
    """What another metric takes: one function, registered per cron here."""
    @metrics.per_cron
    def log_entries_kept(out, labels, cron, now):
        out.gauge("zcron_test_kept_entries", "Entries kept.", len(cron.logs), **labels)
    try:
        lines = exposition(alice.get("/metrics").text)
    finally:
        metrics.PER_CRON.remove(log_entries_kept)
    assert f'zcron_test_kept_entries{{site="default",cron="hello",uid="{"a" * 32}"}} 7' in lines
    assert "# TYPE zcron_test_kept_entries gauge" in lines
