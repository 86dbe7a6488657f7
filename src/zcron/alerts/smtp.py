"""The email channel: one message per alert, through an SMTP server."""
import smtplib
import socket
from email.message import EmailMessage

TIMEOUT = 10.0


class EmailChannel:
    def __init__(self, host, port=25, sender="zcron@localhost", to=(), events=()):
        self.host = host
        self.port = port
        self.sender = sender
        self.to = tuple(to)
        self.events = frozenset(events)

    def deliver(self, data):
        message = EmailMessage()
        message["Subject"] = f"[zcron] {data['text']}"[:200]
        message["From"] = self.sender
        message["To"] = ", ".join(self.to)
        lines = [data["text"], ""] + [f"{k}: {v}" for k, v in data.items() if k != "text"]
        message.set_content("\n".join(lines) + "\n")
        # the host name as it is: getfqdn() may wait on DNS
        with smtplib.SMTP(self.host, self.port, socket.gethostname(),
                          timeout=TIMEOUT) as smtp:
            smtp.send_message(message)

    def __str__(self):
        return f"smtp://{self.host}:{self.port}"
