"""Open a ZODB database from a URI and find zcron's root container in it;
read many objects in one transaction without keeping them all."""
import os
import threading
from urllib.parse import parse_qsl, urlencode, urlsplit

import transaction
import ZODB
from zc.lockfile import LockError

from zcron import local_uri
from zcron.exceptions import DatabaseLocked, DatabaseUnavailable, InvalidURI
from zcron.model.site import ROOT_KEY, ZcronRoot

DEFAULT_URI = "file://var/Data.fs"
CACHE_SIZE = 20_000     # objects per connection
CONNECT_TIMEOUT = 10    # seconds a ZEO server has to answer a new client
GC_EVERY = 1000         # objects a long read loads between two collections of its cache
# Seconds a closed connection may wait in the pool before DB.open releases
# it: until reopened it collects the oid of every object any commit changes
# (ZODB hands them over when it reopens), which in a worker or a dashboard
# running for days grows without end. (ZODB's own default: 68 years.)
POOL_TIMEOUT = 120


def normalize_uri(uri):
    """Accept a bare path to a Data.fs; make file:// paths absolute."""
    if not uri:
        uri = DEFAULT_URI
    if "://" not in uri:
        uri = "file://" + uri
    if uri.startswith("file://"):
        path, sep, query = uri[len("file://"):].partition("?")
        if not path:
            raise InvalidURI(uri, "no file path after file://")
        uri = "file://" + os.path.abspath(path) + sep + query
    return uri


def open_db(uri=None, create_dirs=True, create=True, **db_options):
    """A ZODB.DB for a zodburi URI: file://..., memory://, zeo://host:port,
    postgres://... (with the 'postgresql' extra). Without ``create``, no
    FileStorage is made: a mistyped path is reported, not left behind."""
    uri = normalize_uri(uri)
    storage_factory, dbkw = local_uri.resolve(uri) or _zodburi_resolve(uri)
    if uri.startswith("postgres://"):
        _check_postgres_uri(uri)
    if uri.startswith("file://"):
        _prepare_file(uri, create, create_dirs)
    try:
        storage = storage_factory()
    except Exception as e:
        raise _storage_error(uri, e) from None
    dbkw.update(_defaults_not_in(uri), **db_options)
    if hasattr(storage, "ping") and hasattr(storage, "server_sync"):
        # ZEO: start every transaction from the server's latest state, so
        # that a worker never judges another's lease or claims from stale
        # data (one round trip per transaction)
        storage.server_sync = True
        storage.sync = storage.ping
    db = ZODB.DB(storage, **dbkw)
    ensure_root(db)
    return db


def _zodburi_resolve(uri):
    """zodburi's reading of a URI zcron's own (``local_uri``) leaves to it;
    imported only then (it imports ZEO and scans the installed packages)."""
    import zodburi
    try:
        return zodburi.resolve_uri(zeo_options(uri))
    except zodburi.NoResolverForScheme:
        scheme = uri.split("://", 1)[0]
        if scheme == "postgres":
            raise InvalidURI(uri, "postgres:// needs RelStorage: pip install "
                                  "'zcron[postgresql]'") from None
        raise InvalidURI(uri, f"unknown scheme {scheme!r} (file, memory, zeo, "
                              "postgres)") from None
    except Exception as e:
        # KeyError and ValueError carry their message as their first arg
        raise InvalidURI(uri, str(e.args[0]) if e.args else type(e).__name__) from None


def _defaults_not_in(uri):
    """zcron's connection settings the URI's query does not give.
    zodburi's 10,000 objects per connection are too few for the buckets of
    a big crontab's indexes: a restart re-reading 100,000 crons would
    reload them over and over (26 s instead of 15 s)."""
    query = uri.partition("?")[2]
    defaults = {"pool_timeout": POOL_TIMEOUT, "cache_size": CACHE_SIZE}
    return {name: value for name, value in defaults.items()
            if f"connection_{name}=" not in query}


def zeo_options(uri):
    """A zeo:// URI with zcron's ``connect_timeout`` (seconds, default
    CONNECT_TIMEOUT; ZEO's own ``wait_timeout`` is taken too) as ZEO's
    ``wait_timeout``: how long the first connection may take."""
    if not uri.startswith("zeo://"):
        return uri
    address, _, query = uri.partition("?")
    options = dict(parse_qsl(query, keep_blank_values=True))
    given = [options.pop(name, None) for name in ("connect_timeout", "wait_timeout")]
    timeout = next((t for t in given if t is not None), str(CONNECT_TIMEOUT))
    if not timeout.isdigit() or int(timeout) < 1:
        raise InvalidURI(uri, f"connect_timeout {timeout!r} is not a whole number "
                              "of seconds >= 1")
    options["wait_timeout"] = timeout
    return f"{address}?{urlencode(options)}"


def _prepare_file(uri, create, create_dirs):
    """Refuse a missing FileStorage unless creating; make its directory."""
    path = uri[len("file://"):].partition("?")[0]
    if not create and not os.path.isfile(path):
        raise InvalidURI(uri, f"no database at {path} (zcron site add creates one)")
    if create and create_dirs:
        os.makedirs(os.path.dirname(path), exist_ok=True)


POSTGRES_FORM = "postgres://user[:password]@host:port/dbname[?options]"


def _check_postgres_uri(uri):
    """RelStorage's resolver writes every part of the URI into the libpq DSN,
    a missing one as the string 'None' (user 'None', port 'None'): a URI
    without them would fail as an unreachable server instead of bad input."""
    parts = urlsplit("http://" + uri[len("postgres://"):])
    missing = [name for name, value in (
        ("user", parts.username), ("host", parts.hostname),
        ("port", parts.port), ("dbname", parts.path.strip("/"))) if not value]
    if missing:
        raise InvalidURI(uri, f"no {', '.join(missing)}: the form is {POSTGRES_FORM}")


def _storage_error(uri, error):
    if isinstance(error, LockError):
        return DatabaseLocked(
            f"{uri} is already open (in this process or another): a "
            "FileStorage opens in one process only; stop the other user, or "
            "use zeo:// or postgres:// to run several workers")
    name = type(error).__name__
    if name == "ClientDisconnected" and uri.startswith("zeo://"):
        timeout = zeo_options(uri).rpartition("wait_timeout=")[2]
        return DatabaseUnavailable(
            f"cannot reach the database at {uri.partition('?')[0]}: no ZEO server "
            f"answered within {timeout} s (the URI's connect_timeout, default "
            f"{CONNECT_TIMEOUT})")
    if not uri.startswith("file://") and (
            isinstance(error, OSError) or name in ("ClientDisconnected", "OperationalError")):
        detail = " ".join(str(error).split())    # libpq's messages span lines
        return DatabaseUnavailable(f"cannot reach the database at {uri} ({name}: {detail})")
    return InvalidURI(uri, f"cannot open it ({name}: {error})")


def ensure_root(db):
    """Create zcron's root container on first open."""
    with db.transaction("zcron: create root") as conn:
        if ROOT_KEY not in conn.root():
            conn.root()[ROOT_KEY] = ZcronRoot()


def get_root(conn):
    """zcron's root container in an open connection."""
    return conn.root()[ROOT_KEY]


class Session:
    """A connection with its own transaction manager, for one thread."""

    def __init__(self, db):
        self.db = db
        self.tm = transaction.TransactionManager(explicit=False)
        self.conn = db.open(self.tm)

    @property
    def root(self):
        return get_root(self.conn)

    def close(self):
        """Back to the database's pool with the database's cache size (a
        worker's run threads keep a smaller one, ``zcron.worker.pool``)."""
        self.tm.abort()
        self.conn._cache.cache_size = self.db.getCacheSize()
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class PoolKeeper:
    """Opens and closes a connection every ``every`` seconds in a thread of
    its own, for a process whose connections are opened only now and then
    (the dashboard between requests): DB.open releases the connections
    closed longer ago than POOL_TIMEOUT, and the one it opens takes the
    oids handed to it meanwhile. (A worker's dispatcher reopens its own.)"""

    def __init__(self, db, every=POOL_TIMEOUT / 2):
        self.db = db
        self.every = every
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="zcron-pool-keeper",
                                        daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopped.set()
        self._thread.join(5)

    def _loop(self):
        while not self._stopped.wait(self.every):
            self.db.open().close()


def sparingly(objects, anchor):
    """``objects`` as they are read, the cache of ``anchor``'s connection
    collected every GC_EVERY: a transaction reading 100,000 crons need not
    hold them all (ZODB collects only between transactions)."""
    jar = getattr(anchor, "_p_jar", None)
    for count, obj in enumerate(objects, 1):
        yield obj
        if jar is not None and count % GC_EVERY == 0:
            jar.cacheGC()
