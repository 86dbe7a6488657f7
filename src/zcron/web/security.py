"""Who may do what: login, sessions, roles, CSRF refusals.

- Users and roles come from the ``[users]`` section of the config file
  (see ``zcron.users``), re-read when the file changes.
- A login puts the user's name in a signed session cookie (HttpOnly,
  SameSite=Lax); changing a user's password or role in the file, or
  removing the user, ends that user's sessions.
- Logging out ends all the user's sessions server-side: it replaces the
  user's session token, kept in the ZODB for every dashboard process.
- Permission ``view`` needs any user, ``manage`` a manager.
- ``/metrics`` also accepts HTTP Basic credentials, for scrapers; they
  share the login form's throttle (per user name and per client address).
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

from BTrees.OOBTree import OOBTree
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
TOKEN_KEY = "zcron.token"
TOKENS = "web.session_tokens"     # in the root's components: name -> token
THROTTLED = "zcron.throttled"     # in the environ: Basic credentials refused
# Failed logins of one name, or from one client address (many names
# guessed from one place), before they are refused for a while.
MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
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
    """Refuses a login (the form's or Basic's) after MAX_FAILURES failed
    ones of its name, or MAX_ADDRESS_FAILURES from its client address,
    within FAILURE_WINDOW seconds, until the window has passed."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.failures = {}
        self.lock = threading.Lock()

    @staticmethod
    def _limits(name, address):
        limits = [(name.lower(), MAX_FAILURES)]
        if address:
            limits.append((("address", address), MAX_ADDRESS_FAILURES))
        return limits

    def _recent(self, key):
        cutoff = self.clock() - FAILURE_WINDOW
        return [t for t in self.failures.get(key, ()) if t > cutoff]

    def blocked(self, name, address=None):
        refused = False
        with self.lock:
            for key, limit in self._limits(name, address):
                recent = self._recent(key)
                if recent:
                    self.failures[key] = recent
                else:
                    self.failures.pop(key, None)
                refused = refused or len(recent) >= limit
        return refused

    def failed(self, name, address=None):
        with self.lock:
            for key, _ in self._limits(name, address):
                self.failures[key] = self._recent(key) + [self.clock()]

    def succeeded(self, name, address=None):
        """Forgets the name's failures, not the address's: logging in to
        one's own account must not clear guesses at others'."""
        with self.lock:
            self.failures.pop(name.lower(), None)

    def attempt(self, name, address, check):
        """(user, blocked): ``check()`` (the user, or None) unless the
        name or the address is blocked, its outcome counted."""
        if self.blocked(name, address):
            return None, True
        user = check()
        if user is None:
            self.failed(name, address)
        else:
            self.succeeded(name, address)
        return user, False


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
        # the raw path: one that is not UTF-8 gets its 400 further on
        if user is None and request.environ.get("PATH_INFO") == "/metrics":
            user = self._basic_user(request)
        request.environ["zcron.identity"] = user
        return user

    def _session_user(self, request):
        name = request.session.get(SESSION_KEY)
        if name is None:
            return None
        user = request.registry.zcron_users.get(name)
        if user is None or request.session.get(FINGERPRINT_KEY) != fingerprint(user):
            return None
        if request.session.get(TOKEN_KEY) != session_token(request.zcron_root, name):
            return None           # logged out since (here or in another process)
        return user

    def _basic_user(self, request):
        """The user of valid Basic credentials, through the login throttle."""
        credentials = basic_credentials(request)
        if credentials is None:
            return None
        name, password = credentials
        users = request.registry.zcron_users.users()
        user, blocked = request.registry.zcron_throttle.attempt(
            name, request.remote_addr, lambda: self.basic.check(users, name, password))
        if blocked:
            request.environ[THROTTLED] = True
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
        session[TOKEN_KEY] = session_token(request.zcron_root, user.name)
        session.new_csrf_token()
        request.environ.pop("zcron.identity", None)
        return []

    def forget(self, request, **kw):
        """Ends this session and every other of the same user."""
        name = request.session.get(SESSION_KEY)
        if name is not None:
            new_session_token(request.zcron_root, name)
        request.session.invalidate()
        request.session.new_csrf_token()
        request.environ.pop("zcron.identity", None)
        return []


def session_token(root, name):
    """The token the sessions of user ``name`` must carry: None until the
    user's first logout (a login writes nothing)."""
    tokens = root.components.get(TOKENS)
    return None if tokens is None else tokens.get(name)


def new_session_token(root, name):
    """A new token for ``name``: its sessions until now are over. Written
    in the request's transaction (a logout's POST commits)."""
    token = secrets.token_hex(16)
    root.component_data(TOKENS, OOBTree)[name] = token
    return token


def safe_came_from(value, default="/"):
    """Only a path of this site: no scheme, no host, no '//' or '\\'."""
    if (not isinstance(value, str) or not value.startswith("/")
            or value.startswith("//") or "\\" in value
            or any(ord(c) < 32 for c in value)):
        return default
    return value
