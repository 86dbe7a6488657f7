"""Dashboard users, kept in the ``[users]`` section of an ini file.

Each line gives a user's role and password hash::

    [users]
    alice = manager:pbkdf2_sha256$600000$9f2c...$4b1e...
    bob = viewer:pbkdf2_sha256$600000$77aa...$01cd...

Roles: ``viewer`` (reads everything, changes nothing) and ``manager``
(changes too). Passwords are never stored: only a salted PBKDF2-HMAC-SHA256
hash, compared in constant time. ``add_user`` writes a line and leaves the
rest of the file (comments, other sections) as it was.

The file is found as given, or through the ``ZCRON_CONFIG`` environment
variable.
"""
import hashlib
import hmac
import os
import re
import secrets
import tempfile

from zcron.exceptions import InvalidInput
from zcron.inifile import read_config

ALGORITHM = "pbkdf2_sha256"
# OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
DEFAULT_ITERATIONS = 600_000
ROLES = ("viewer", "manager")
SECTION = "users"
TOKENS = "tokens"       # name = sha256 of the user's API token (zcron.tokens)
NAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{1,64}$")


class User:
    """A user as the config file gives it."""

    def __init__(self, name, role, password_hash, token_hash=None):
        self.name = name
        self.role = role
        self.password_hash = password_hash
        self.token_hash = token_hash      # of its API token (zcron.tokens)

    @property
    def can_manage(self):
        return self.role == "manager"

    def __repr__(self):
        return f"<User {self.name} {self.role}>"


# -- hashing ---------------------------------------------------------------------

def hash_password(password, iterations=DEFAULT_ITERATIONS, salt=None):
    """``pbkdf2_sha256$iterations$salt$hash`` (salt and hash in hex)."""
    if not isinstance(password, str) or not password:
        raise InvalidInput("password", "***", "expected a non-empty password")
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
        raise InvalidInput("iterations", iterations, "expected a whole number >= 1")
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"),
                                 salt.encode("ascii"), iterations)
    return f"{ALGORITHM}${iterations}${salt}${digest.hex()}"


def _split_hash(encoded):
    """(iterations, salt, hex digest), or None when malformed."""
    parts = encoded.split("$") if isinstance(encoded, str) else []
    if len(parts) != 4 or parts[0] != ALGORITHM:
        return None
    algorithm, iterations, salt, digest = parts
    if not iterations.isdigit() or int(iterations) < 1 or not salt or not digest:
        return None
    try:
        salt.encode("ascii")
        bytes.fromhex(digest)
    except ValueError:
        return None
    return int(iterations), salt, digest


def _dummy_hash(users):
    """A hash that matches nothing, as costly to check as the users' own:
    an unknown name then takes as long as a wrong password (no user
    enumeration by timing)."""
    costs = [_split_hash(u.password_hash) for u in users.values()]
    iterations = max([c[0] for c in costs if c] or [DEFAULT_ITERATIONS])
    return f"{ALGORITHM}${iterations}${'0' * 32}${'0' * 64}"


def verify_password(password, encoded):
    """True if ``password`` matches ``encoded``; constant-time compare."""
    parts = _split_hash(encoded)
    if parts is None or not isinstance(password, str):
        return False
    iterations, salt, digest = parts
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"),
                                    salt.encode("ascii"), iterations).hex()
    return hmac.compare_digest(candidate, digest.lower())


def authenticate(users, name, password):
    """The User ``name`` of the mapping ``users`` if ``password`` is
    right, else None; as slow for an unknown name as for a wrong password."""
    user = users.get(name) if isinstance(name, str) else None
    if user is None:
        verify_password(password if isinstance(password, str) else "",
                        _dummy_hash(users))
        return None
    return user if verify_password(password, user.password_hash) else None


# -- the ini file ------------------------------------------------------------------

def check_name(name):
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise InvalidInput("user name", name,
                           "expected 1-64 letters, digits or . _ @ + -")
    return name


def check_role(role):
    if role not in ROLES:
        raise InvalidInput("role", role, "expected viewer or manager")
    return role


def parse_user(name, value):
    """A User from one line of ``[users]``: ``role:hash``."""
    role, sep, encoded = value.strip().partition(":")
    if not sep or role not in ROLES or _split_hash(encoded.strip()) is None:
        raise InvalidInput(f"user {name!r}", "***",
                           "expected 'viewer:pbkdf2_sha256$...' or "
                           "'manager:pbkdf2_sha256$...' (see hash_password)")
    return User(check_name(name), role, encoded.strip())


def load_users(path):
    """{name: User} from the ``[users]`` section of the ini file ``path``,
    with their API token hashes from ``[tokens]``."""
    parser = read_config(path)
    if not parser.has_section(SECTION):
        return {}
    users = {name: parse_user(name, value) for name, value in parser.items(SECTION)}
    if parser.has_section(TOKENS):
        for name, value in parser.items(TOKENS):
            if name in users:          # a removed user's token opens nothing
                users[name].token_hash = value.strip()
    return users


def add_user(ini_path, name, role, password, iterations=DEFAULT_ITERATIONS):
    """Add the user ``name`` to the ini file (created if missing, readable
    by its owner only), or replace its role and password. Other lines are
    kept as they are. Returns the User."""
    user = User(check_name(name), check_role(role),
                hash_password(password, iterations=iterations))
    set_line(ini_path, name, f"{role}:{user.password_hash}")
    return user


def remove_user(ini_path, name):
    """Remove a user (and its API token) from the ini file; False if it
    had no such user."""
    if not remove_line(ini_path, name, SECTION):
        return False
    remove_line(ini_path, name, TOKENS)
    return True


def set_line(ini_path, name, value, section=SECTION):
    """Write ``name = value`` in ``section`` of the ini file (created if
    missing, readable by its owner only), keeping the other lines."""
    lines = []
    if os.path.exists(ini_path):
        read_config(ini_path)          # refuse to edit a file we cannot read
        with open(ini_path, encoding="utf-8") as f:
            lines = f.readlines()
    _write_lines(ini_path, _set_user_line(lines, name, f"{name} = {value}\n", section))


def remove_line(ini_path, name, section=SECTION):
    """Remove ``name`` from ``section``; False if it had no such line."""
    read_config(ini_path)
    with open(ini_path, encoding="utf-8") as f:
        lines = f.readlines()
    start, end = _section_bounds(lines, section)
    index = None if start is None else _user_line(lines, start, end, name)
    if index is None:
        return False
    del lines[index]
    _write_lines(ini_path, lines)
    return True


_SECTION_RE = re.compile(r"^\s*\[([^\]]*)\]")


def _section_bounds(lines, section=SECTION):
    """(index after the section's header, index of the next header), or
    (None, None) without such a section."""
    start = None
    for i, text in enumerate(lines):
        match = _SECTION_RE.match(text)
        if match is None:
            continue
        if start is not None:
            return start, i
        if match.group(1).strip() == section:
            start = i + 1
    return (start, len(lines)) if start is not None else (None, None)


def _user_line(lines, start, end, name):
    for i in range(start, end):
        key, sep, _ = lines[i].partition("=")
        if sep and key.strip() == name and not lines[i][:1].isspace():
            return i
    return None


def _set_user_line(lines, name, line, section=SECTION):
    lines = list(lines)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start, end = _section_bounds(lines, section)
    if start is None:
        if lines and lines[-1].strip():
            lines.append("\n")
        return lines + [f"[{section}]\n", line]
    index = _user_line(lines, start, end, name)
    if index is not None:
        lines[index] = line
        return lines
    # after the section's last non-blank line
    insert = end
    while insert > start and not lines[insert - 1].strip():
        insert -= 1
    lines.insert(insert, line)
    return lines


def _write_lines(path, lines):
    """Replace the file in one step, keeping its mode (0600 when new)."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        mode = 0o600
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".zcron-users-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.writelines(lines)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
