"""Who an ``/api/`` request is: the user of its Bearer token, through the
login throttle (so guessed tokens are refused like guessed passwords).
A scraper of ``/metrics`` may send a token too, instead of Basic
credentials."""
from zcron.tokens import check_token, split_token
from zcron.web.api import API_PREFIX
from zcron.web.security import THROTTLED, DashboardSecurityPolicy

IDENTITY = "zcron.identity"


def bearer_token(request):
    """The token of an ``Authorization: Bearer`` header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_user(request):
    """The token's user, None without a valid token."""
    token = bearer_token(request)
    if token is None:
        return None
    name = (split_token(token) or ("",))[0]
    users = request.registry.zcron_users.users()
    user, blocked = request.registry.zcron_throttle.attempt(
        name, request.remote_addr, lambda: check_token(users, token))
    if blocked:
        request.environ[THROTTLED] = True
    return user


def by_token(request):
    """Whether the request is one a token authenticates."""
    path = request.environ.get("PATH_INFO", "")
    return path.startswith(API_PREFIX) or (path == "/metrics" and bearer_token(request))


class TokenSecurityPolicy(DashboardSecurityPolicy):
    """The dashboard's policy, with tokens (and only tokens) for ``/api/``."""

    def identity(self, request):
        if not by_token(request):
            return super().identity(request)
        if IDENTITY not in request.environ:
            request.environ[IDENTITY] = token_user(request)
        return request.environ[IDENTITY]
