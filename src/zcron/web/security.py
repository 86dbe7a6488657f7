"""Who may do what: login, sessions, roles, CSRF refusals.

- Users and roles come from the ``[users]`` section of the config file
  (see ``zcron.users``), re-read when the file changes.
- A login puts the user's name in a signed session cookie (HttpOnly,
  SameSite=Lax); changing a user's password or role in the file ends
  that user's sessions.
- Permission ``view`` needs any user, ``manage`` a manager.
- ``/metrics`` also accepts HTTP Basic credentials, for scrapers.
- Every POST needs the session's CSRF token (Pyramid's
  ``require_csrf``): a refused one gets 403 and changes nothing
  (``zcron.web.login`` has the pages a person sees for all this).
"""
import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
import threading
import time

from pyramid.interfaces import ISecurityPolicy
from pyramid.security import Allowed, Denied
from zope.interface import implementer

from zcron.exceptions import InvalidInput
from zcron.users import authenticate, load_users

logger = logging.getLogger("zcron.web")

VIEW = "view"
MANAGE = "manage"
SESSION_KEY = "zcron.user"
FINGERPRINT_KEY = "zcron.fp"
# Failed logins of one name before it is refused for a while.
MAX_FAILURES = 5
FAILURE_WINDOW = 300.0


class UserStore:
    """The users of the config file; re-read when the file changes.
    A file that turns unreadable lets nobody in (fails closed)."""

    def __init__(self, path):
        self.path = path
        self._stamp = None
        self._users = {}
        self._lock = threading.Lock()
        if path is not None:
            self._users = load_users(path)        # a bad file stops the start
            self._stamp = self._stat()

    def _stat(self):
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size, stat.st_ino)

    def users(self):
        if self.path is None:
            return {}
        stamp = self._stat()
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    self._users = load_users(self.path)
                except InvalidInput as e:
                    logger.error("zcron: cannot read the users (%s); nobody can log in", e)
                    self._users = {}
            return self._users

    def get(self, name):
        return self.users().get(name)


def fingerprint(user):
    """Changes when the user's role or password does."""
    text = f"{user.role}:{user.password_hash}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class LoginThrottle:
    """Refuses a name after MAX_FAILURES failed logins within
    FAILURE_WINDOW seconds, until the window has passed."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.failures = {}
        self.lock = threading.Lock()

    def _recent(self, key):
        cutoff = self.clock() - FAILURE_WINDOW
        return [t for t in self.failures.get(key, ()) if t > cutoff]

    def blocked(self, name):
        key = name.lower()
        with self.lock:
            recent = self._recent(key)
            if recent:
                self.failures[key] = recent
            else:
                self.failures.pop(key, None)
            return len(recent) >= MAX_FAILURES

    def failed(self, name):
        key = name.lower()
        with self.lock:
            self.failures[key] = self._recent(key) + [self.clock()]

    def succeeded(self, name):
        with self.lock:
            self.failures.pop(name.lower(), None)


class BasicAuthCache:
    """Remembers Basic credentials checked recently, so a scraper polling
    /metrics every few seconds does not cost a PBKDF2 each time. Only a
    keyed digest of the password is kept, in memory."""

    TTL = 300.0

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.key = secrets.token_bytes(32)
        self.entries = {}
        self.lock = threading.Lock()

    def _digest(self, user, password):
        message = f"{user.name}\x00{user.password_hash}\x00{password}".encode()
        return hmac.new(self.key, message, hashlib.sha256).digest()

    def check(self, users, name, password):
        user = users.get(name)
        if user is not None:
            digest = self._digest(user, password)
            with self.lock:
                expires = self.entries.get(digest)
            if expires is not None and expires > self.clock():
                return user
        user = authenticate(users, name, password)
        if user is not None:
            with self.lock:
                now = self.clock()
                self.entries = {d: t for d, t in self.entries.items() if t > now}
                self.entries[self._digest(user, password)] = now + self.TTL
        return user


def basic_credentials(request):
    """(name, password) of an Authorization: Basic header, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    name, sep, password = decoded.partition(":")
    return (name, password) if sep else None


@implementer(ISecurityPolicy)
class DashboardSecurityPolicy:
    """Users come from the registry's ``zcron_users`` (a UserStore)."""

    def __init__(self):
        self.basic = BasicAuthCache()

    def identity(self, request):
        cache = request.environ.get("zcron.identity", False)
        if cache is not False:
            return cache
        user = self._session_user(request)
        if user is None and request.path_info == "/metrics":
            credentials = basic_credentials(request)
            if credentials is not None:
                user = self.basic.check(request.registry.zcron_users.users(), *credentials)
        request.environ["zcron.identity"] = user
        return user

    def _session_user(self, request):
        name = request.session.get(SESSION_KEY)
        if name is None:
            return None
        user = request.registry.zcron_users.get(name)
        if user is None or request.session.get(FINGERPRINT_KEY) != fingerprint(user):
            return None
        return user

    def authenticated_userid(self, request):
        user = self.identity(request)
        return None if user is None else user.name

    def permits(self, request, context, permission):
        user = self.identity(request)
        if user is None:
            return Denied("login required")
        if permission == MANAGE and not user.can_manage:
            return Denied("this needs the manager role")
        return Allowed("allowed")

    def remember(self, request, userid, **kw):
        """A fresh session (no fixation) holding the user, and a new CSRF token."""
        user = request.registry.zcron_users.get(userid)
        session = request.session
        session.invalidate()
        session[SESSION_KEY] = user.name
        session[FINGERPRINT_KEY] = fingerprint(user)
        session.new_csrf_token()
        request.environ.pop("zcron.identity", None)
        return []

    def forget(self, request, **kw):
        request.session.invalidate()
        request.session.new_csrf_token()
        request.environ.pop("zcron.identity", None)
        return []


def safe_came_from(value, default="/"):
    """Only a path of this site: no scheme, no host, no '//' or '\\'."""
    if (not isinstance(value, str) or not value.startswith("/")
            or value.startswith("//") or "\\" in value
            or any(ord(c) < 32 for c in value)):
        return default
    return value
