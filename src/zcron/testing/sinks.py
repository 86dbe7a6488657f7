"""Throw-away local servers that receive what zcron sends, for tests:
``SMTPSink`` (a small SMTP server keeping each message) and ``HTTPSink``
(keeping each POST). Both serve from a thread on 127.0.0.1 until
``stop()``; ``fail=True`` makes them refuse everything."""
import email
import socketserver
import threading
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Sink:
    server = None

    def start(self):
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def port(self):
        return self.server.server_address[1]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class _SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self):
        sink = self.server.sink
        self.reply("421 closing" if sink.fail else "220 zcron test sink")
        if sink.fail:
            return
        envelope = {"to": []}
        for raw in self.rfile:
            verb = raw.decode("utf-8", "replace").strip().split(" ")[0].upper()
            if verb == "DATA":
                self.reply("354 go on")
                sink.add(envelope, self._data())
                envelope = {"to": []}
                self.reply("250 kept")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                if verb == "RCPT":
                    envelope["to"].append(raw.decode().split(":", 1)[1].strip(" <>\r\n"))
                self.reply("250 ok")

    def _data(self):
        lines = []
        for raw in self.rfile:
            if raw in (b".\r\n", b".\n"):
                break
            lines.append(raw[1:] if raw.startswith(b"..") else raw)
        return email.message_from_bytes(b"".join(lines), policy=policy.default)


class SMTPSink(_Sink):
    """``messages``: the email.message.EmailMessage objects received."""

    def __init__(self, fail=False):
        self.fail = fail
        self.messages, self.recipients = [], []
        self.lock = threading.Lock()
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
        self.server.daemon_threads = True
        self.server.sink = self

    def add(self, envelope, message):
        with self.lock:
            self.recipients.append(envelope["to"])
            self.messages.append(message)


class _HTTPHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        sink = self.server.sink
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if sink.fail:
            self.send_error(500, "the sink refuses")
            return
        with sink.lock:
            sink.requests.append((self.path, dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class HTTPSink(_Sink):
    """``requests``: (path, headers, body bytes) of each POST received."""

    def __init__(self, fail=False):
        self.fail = fail
        self.requests = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _HTTPHandler)
        self.server.daemon_threads = True
        self.server.sink = self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hook"
