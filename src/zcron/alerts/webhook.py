"""The webhook channel: each alert POSTed as JSON to a URL, with the
shared secret in ``X-Zcron-Secret`` and the body's HMAC-SHA256 under it
in ``X-Zcron-Signature`` (``sha256=HEX``), for receivers that check either."""
import hashlib
import hmac
import json
import urllib.request

TIMEOUT = 10.0
SECRET_HEADER = "X-Zcron-Secret"
SIGNATURE_HEADER = "X-Zcron-Signature"


def signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookChannel:
    def __init__(self, url, secret="", events=()):
        self.url = url
        self.secret = secret
        self.events = frozenset(events)

    def deliver(self, data):
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", "User-Agent": "zcron"}
        if self.secret:
            headers[SECRET_HEADER] = self.secret
            headers[SIGNATURE_HEADER] = signature(self.secret, body)
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read()

    def __str__(self):
        return self.url
