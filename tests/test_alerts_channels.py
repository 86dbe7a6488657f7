"""The shipped alert channels against local servers: email to an SMTP
sink, JSON POSTs to an HTTP sink (secret and signature), the [alerts]
section, events chosen per channel, and failing targets logged, not raised."""
import hashlib
import hmac
import json
import logging
from datetime import datetime, timezone

import pytest

import zcron
from zcron.testing.sinks import HTTPSink, SMTPSink

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def smtp():
    with SMTPSink() as sink:
        yield sink


@pytest.fixture
def http():
    with HTTPSink() as sink:
        yield sink


def config(tmp_path, text):
    path = tmp_path / "zcron.ini"
    path.write_text("[zcron]\n\n[alerts]\n" + text)
    return str(path)


def events():
    from zcron.events import (CronAutoPausedEvent, CronOverdueEvent,
                              CronRecoveredEvent, CronRunningLongEvent,
                              FinishedCronJobEvent)
    from zcron.model import CronSite, Log
    site = CronSite("shop")
    cron = zcron.Cron("backup", "@daily")
    return [CronOverdueEvent(site, cron, T0), CronRecoveredEvent(site, cron, T0),
            CronRunningLongEvent(site, cron, "e" * 32, T0),
            CronAutoPausedEvent(site, cron, "paused after 3 consecutive failures"),
            FinishedCronJobEvent(cron, site, None, Log(T0, "FAILURE", ["boom"])),
            FinishedCronJobEvent(cron, site, None, Log(T0, "OK"))]


def deliver(path, zca=None):
    from zope.event import notify
    from zcron.alerts.config import Alerts, read_channels
    alerts = Alerts(read_channels(path)).install()
    for event in events():
        notify(event)
    alerts.uninstall()


def test_email_and_webhook(zca, tmp_path, smtp, http):
    path = config(tmp_path, f"smtp_host = 127.0.0.1\nsmtp_port = {smtp.port}\n"
                  "from = zcron@example.com\nto = ops@example.com, b@example.com\n"
                  "email_events = overdue, failure\n"
                  f"url = {http.url}\nsecret = s3cret\n")
    deliver(path)
    assert [m["Subject"].strip() for m in smtp.messages] == [
        f"[zcron] shop/backup is overdue: no success since {T0.isoformat()}",
        "[zcron] shop/backup failed: boom"]
    assert smtp.recipients[0] == ["ops@example.com", "b@example.com"]
    assert smtp.messages[0]["From"] == "zcron@example.com"
    bodies = [json.loads(body) for _, _, body in http.requests]
    assert [b["event"] for b in bodies] == ["overdue", "recovered", "running_long",
                                            "auto_paused", "failure"]
    assert bodies[2]["execution_id"] == "e" * 32
    assert bodies[3]["note"].startswith("paused after 3")
    assert {b["site"] for b in bodies} == {"shop"} and bodies[0]["since"] == T0.isoformat()
    for _, headers, body in http.requests:
        assert headers["X-Zcron-Secret"] == "s3cret"
        expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        assert headers["X-Zcron-Signature"] == "sha256=" + expected


def test_failing_targets_are_logged(zca, tmp_path, caplog):
    with SMTPSink(fail=True) as smtp, HTTPSink(fail=True) as http:
        path = config(tmp_path, f"smtp_host = 127.0.0.1\nsmtp_port = {smtp.port}\n"
                      f"to = ops@example.com\nurl = {http.url}\nwebhook_events = overdue\n")
        with caplog.at_level(logging.WARNING, logger="zcron.alerts"):
            deliver(path)
    failed = [r.getMessage() for r in caplog.records]
    assert len(failed) == 6      # 5 emails, 1 POST: each logged, none raised
    assert any("to http://127.0.0.1" in line and "500" in line for line in failed)


@pytest.mark.parametrize("text, message", [
    ("smtp_host = h\n", "[alerts] to"),
    ("smtp_host = h\nto = a@b\nsmtp_port = 99999\n", "smtp_port"),
    ("url = ftp://x\n", "[alerts] url"),
    ("url = http://x\nwebhook_events = overdue, sometimes\n", "sometimes"),
])
def test_bad_sections(zca, tmp_path, text, message):
    from zcron.alerts.config import read_channels
    from zcron.exceptions import InvalidInput
    with pytest.raises(InvalidInput, match=message.replace("[", r"\[")):
        read_channels(config(tmp_path, text))


def test_no_section_no_channel(tmp_path):
    from zcron.alerts.config import read_channels
    path = tmp_path / "zcron.ini"
    path.write_text("[zcron]\ndb = file://Data.fs\n")
    assert read_channels(str(path)) == []


def test_events_provide_their_interfaces():
    from zope.interface import providedBy
    from zope.interface.verify import verifyObject
    for event in events()[:4]:
        [interface] = list(providedBy(event).interfaces())[:1]
        assert verifyObject(interface, event)
        assert event.cron is event.object and event.site.name == "shop"
