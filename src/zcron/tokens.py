"""API tokens of the dashboard's users, for scripts (``/api/``).

A token reads ``NAME.SECRET``: the user's name (so that a wrong token is
throttled per user, as a wrong password is) and 32 random bytes. Only its
SHA-256 is kept, in the ``[tokens]`` section of the users' ini file (a
random secret needs no slow hash); one token per user, replaced by a new
one, gone with its user.
"""
import hashlib
import hmac
import secrets

from zcron.exceptions import InvalidInput
from zcron.users import TOKENS, check_name, load_users, remove_line, set_line

ALGORITHM = "sha256"


def token_hash(token):
    return f"{ALGORITHM}${hashlib.sha256(token.encode('utf-8')).hexdigest()}"


def split_token(token):
    """(name, secret) of a token's text, or None when it has no name."""
    name, sep, secret = token.rpartition(".")
    return (name, secret) if sep and name and secret else None


def new_token(ini_path, name):
    """A new API token for the user ``name`` (replacing its previous one),
    returned once: only its hash is written."""
    if name not in load_users(ini_path):
        raise InvalidInput("user", name, f"no such user in {ini_path}")
    token = f"{check_name(name)}.{secrets.token_urlsafe(32)}"
    set_line(ini_path, name, token_hash(token), TOKENS)
    return token


def revoke_token(ini_path, name):
    """Remove the user's token; False if it had none."""
    return remove_line(ini_path, name, TOKENS)


def check_token(users, token):
    """The User of the mapping ``users`` whose token ``token`` is, or None."""
    parts = split_token(token) if isinstance(token, str) else None
    user = users.get(parts[0]) if parts else None
    if user is None or not user.token_hash:
        return None
    return user if hmac.compare_digest(token_hash(token), user.token_hash) else None
