"""The storage factory of a file:// or memory:// URI with plain options,
made without zodburi: its entry-point scan and its resolvers' imports
(ZEO, ZConfig, importlib.metadata, email) cost every command about 60 ms
and a worker about 3 MB. Any other option goes to zodburi, which knows
them all."""
import os
from urllib.parse import parse_qsl

# zodburi's defaults for ZODB.DB, which its resolvers give every URI
DB_DEFAULTS = {"cache_size": 10000, "pool_size": 7, "database_name": "unnamed"}
STORAGE_INTS = ("create", "read_only", "quota")
STORAGE_TEXTS = ("blobstorage_dir", "blobstorage_layout")
DB_INTS = {f"connection_{name}": name for name in (
    "cache_size", "cache_size_bytes", "pool_size", "pool_timeout",
    "historical_pool_size", "historical_cache_size", "historical_timeout")}


def resolve(uri):
    """(storage factory, ZODB.DB keywords) as zodburi's would be, or None
    when zodburi must read the URI (another scheme, another option, a
    value that is not a whole number)."""
    scheme, _, rest = uri.partition("://")
    if scheme not in ("file", "memory"):
        return None
    where, _, query = rest.partition("?")
    storage_kw, db_kw = {}, dict(DB_DEFAULTS)
    for name, value in parse_qsl(query):
        if name == "database_name":
            db_kw[name] = value
        elif name in DB_INTS and value.isdigit():
            db_kw[DB_INTS[name]] = int(value)
        elif scheme == "file" and name in STORAGE_INTS and value.isdigit():
            storage_kw[name] = int(value)
        elif scheme == "file" and name in STORAGE_TEXTS:
            storage_kw[name] = value
        else:
            return None
    if scheme == "memory":
        return _memory(where), db_kw
    return _file(os.path.normpath(where), storage_kw), db_kw


def _memory(name):
    def factory():
        from ZODB.MappingStorage import MappingStorage
        return MappingStorage(name)
    return factory


def _file(path, kw):
    blob_dir = kw.pop("blobstorage_dir", None)
    layout = kw.pop("blobstorage_layout", "automatic")

    def factory():
        from ZODB.FileStorage.FileStorage import FileStorage
        storage = FileStorage(path, **kw)
        if blob_dir is None:
            return storage
        from ZODB.blob import BlobStorage
        return BlobStorage(blob_dir, storage, layout=layout)
    return factory
