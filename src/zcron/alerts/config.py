"""The ``[alerts]`` section of the config file, and the subscriber that
hands each alert to the channels it names::

    [alerts]
    smtp_host = mail.example.com
    smtp_port = 25
    from = zcron@example.com
    to = ops@example.com, oncall@example.com
    email_events = overdue, recovered, auto_paused, failure
    url = https://hooks.example.com/zcron
    secret = s3cret
    webhook_events = overdue, recovered, running_long

Each channel's events default to all of them."""

from zope.component import getGlobalSiteManager

from zcron.alerts.message import KINDS, kind_of, payload
from zcron.alerts.sender import Sender
from zcron.inifile import read_config
from zcron.alerts.smtp import EmailChannel
from zcron.alerts.webhook import WebhookChannel
from zcron.config import add_subscriber
from zcron.exceptions import InvalidInput
from zcron.interfaces import ICronAlertEvent, IFinishedCronJobEvent

SECTION = "alerts"


def _list(text):
    return [item.strip() for item in (text or "").replace(",", " ").split() if item.strip()]


def _events(section, key):
    kinds = _list(section.get(key)) or list(KINDS)
    for kind in kinds:
        if kind not in KINDS:
            raise InvalidInput(f"[alerts] {key}", kind, "expected some of " + ", ".join(KINDS))
    return kinds


def _email(section):
    to = _list(section.get("to"))
    if not to:
        raise InvalidInput("[alerts] to", "", "smtp_host needs the addresses to send to")
    port = section.get("smtp_port", "25").strip()
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise InvalidInput("[alerts] smtp_port", port, "expected a port number")
    return EmailChannel(section["smtp_host"].strip(), int(port),
                        section.get("from", "zcron@localhost").strip(), to,
                        _events(section, "email_events"))


def _webhook(section):
    url = section["url"].strip()
    if not url.startswith(("http://", "https://")):
        raise InvalidInput("[alerts] url", url, "expected an http:// or https:// URL")
    return WebhookChannel(url, section.get("secret", "").strip(),
                          _events(section, "webhook_events"))


def read_channels(path):
    """The channels the ``[alerts]`` section of ``path`` configures (none
    without one; ``zcron.cli.settings`` has read the file already)."""
    parser = read_config(path)
    if not parser.has_section(SECTION):
        return []
    section = parser[SECTION]
    channels = []
    if section.get("smtp_host", "").strip():
        channels.append(_email(section))
    if section.get("url", "").strip():
        channels.append(_webhook(section))
    return channels


class Alerts:
    """The subscriber: each alert's facts taken at once, delivered by the
    sender's thread to every channel choosing its kind."""

    INTERFACES = (ICronAlertEvent, IFinishedCronJobEvent)

    def __init__(self, channels):
        self.channels = list(channels)
        self.sender = Sender()

    def __call__(self, event):
        kind = kind_of(event)
        chosen = [c for c in self.channels if kind in c.events]
        if kind is None or not chosen:
            return
        data = payload(kind, event)
        for channel in chosen:
            self.sender.send(channel, data)

    def install(self):
        for interface in self.INTERFACES:
            add_subscriber(self, interface)
        return self

    def uninstall(self, timeout=10.0):
        """Unsubscribe, deliver what is queued (up to ``timeout``), stop."""
        for interface in self.INTERFACES:
            getGlobalSiteManager().unregisterHandler(self, (interface,))
        self.sender.close(timeout)
