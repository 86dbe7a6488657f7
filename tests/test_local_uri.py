"""zcron.local_uri: file:// and memory:// URIs read as zodburi reads them,
anything else left to zodburi."""
import pytest
import zodburi

from zcron.local_uri import resolve


@pytest.mark.parametrize("uri", [
    "file:///srv/zcron/Data.fs",
    "file:///srv/zcron/../zcron/Data.fs?read_only=1&quota=1000000",
    "file:///srv/Data.fs?connection_cache_size=500&connection_pool_timeout=7"
    "&database_name=main&create=1",
    "memory://",
    "memory://name?connection_pool_size=3",
])
def test_the_database_keywords_are_zodburis(uri):
    assert resolve(uri)[1] == zodburi.resolve_uri(uri)[1]


def test_a_filestorage_as_zodburi_makes_it(tmp_path):
    uri = f"file://{tmp_path}/Data.fs?quota=1000000"
    ours, theirs = resolve(uri)[0](), zodburi.resolve_uri(uri)[0]
    try:
        assert type(ours).__name__ == "FileStorage"
        assert ours._quota == 1000000 and ours._file_name == str(tmp_path / "Data.fs")
    finally:
        ours.close()
    theirs = theirs()
    assert theirs._quota == 1000000
    theirs.close()


def test_blobs(tmp_path):
    storage = resolve(f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs")[0]()
    try:
        assert type(storage).__name__ == "BlobStorage"
        assert storage.fshelper.base_dir.rstrip("/") == str(tmp_path / "blobs")
    finally:
        storage.close()


def test_memory_has_its_name():
    assert resolve("memory://cache")[0]().getName() == "cache"


@pytest.mark.parametrize("uri", [
    "zeo://127.0.0.1:8100",
    "postgres://u@h:5432/db",
    "file:///srv/Data.fs?demostorage=1",          # zodburi's, deprecated there
    "file:///srv/Data.fs?quota=10MB",             # units: zodburi's reading
    "file:///srv/Data.fs?read_only=yes",          # zodburi's error, not ours
    "memory://?bogus=1",
    "memory://?read_only=1",                      # no such MappingStorage option
])
def test_the_rest_is_left_to_zodburi(uri):
    assert resolve(uri) is None
