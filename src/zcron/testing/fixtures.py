"""zcron.testing.fixtures owns the small helpers: a clean component
registry with zcron's ZCML, what a transaction wrote, a free TCP port."""
import socket

import zope.component.event  # noqa: F401  (routes zope.event to subscribers)
from zope.component.testing import setUp as _clean_registry
from zope.configuration import xmlconfig

import zcron


def setup_components(*zcml_files, package=None):
    """A clean global registry with zcron's defaults and the given ZCML
    files (paths, or names inside ``package``)."""
    _clean_registry()
    context = xmlconfig.file("configure.zcml", zcron)
    for name in zcml_files:
        context = xmlconfig.file(name, package, context=context)
    return context


def teardown_components():
    _clean_registry()


def written_oids(storage, tid=None):
    """The oids of the records written by transaction ``tid`` (default:
    the last one committed)."""
    tid = tid or storage.lastTransaction()
    # read to its end: the iterator then closes its file
    written = [{record.oid for record in txn} for txn in storage.iterator(tid, tid)]
    if len(written) != 1:
        raise LookupError(f"no transaction {tid!r} in {storage!r}")
    return written[0]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
