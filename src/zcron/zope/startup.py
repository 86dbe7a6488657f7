"""The worker of a Zope instance: on the database its ``zope.conf``
names (``zcron worker --zope-conf``), or in the Zope process itself,
started at Zope's startup when ``zope.conf`` says so::

    <product-config zcron>
        worker on
        concurrency 2
    </product-config>
"""
import atexit
import logging
import os
import signal
import threading

from zcron.db import ensure_root
from zcron.exceptions import InvalidInput

logger = logging.getLogger("zcron.zope")
PRODUCT = "zcron"
STOP_WAIT = 40      # seconds: a little over the worker's shutdown grace
_state = {"in_process": True, "worker": None, "thread": None}


def open_zope(zope_conf):
    """Start Zope from ``zope_conf`` (its ZCML, its database) in this
    process, without the in-process worker, and return its database."""
    if not os.path.isfile(zope_conf):
        raise InvalidInput("--zope-conf", zope_conf, "no such file")
    import Zope2
    from Zope2.Startup.run import make_wsgi_app
    _state["in_process"] = False
    try:
        make_wsgi_app({}, os.path.abspath(zope_conf))
    except Exception as e:         # ZConfig's and ZCML's errors
        raise InvalidInput("--zope-conf", zope_conf, " ".join(str(e).split())) from None
    ensure_environment()
    ensure_root(Zope2.DB)
    return Zope2.DB


def ensure_environment():
    """zcron.zope's components, when the instance's ZCML did not include them."""
    from zope.component import getGlobalSiteManager
    from zope.configuration import xmlconfig

    import zcron.zope
    from zcron.interfaces import IRunEnvironment
    if getGlobalSiteManager().queryUtility(IRunEnvironment) is None:
        xmlconfig.file("configure.zcml", zcron.zope)


def worker_settings():
    """(start?, concurrency) from zope.conf's <product-config zcron>."""
    from App.config import getConfiguration
    config = (getattr(getConfiguration(), "product_config", None) or {}).get(PRODUCT) or {}
    start = config.get("worker", "off").lower() in ("on", "true", "yes", "1")
    return start, int(config.get("concurrency", 2))


def start_in_process(event):
    """IProcessStarting: the in-process worker, when zope.conf asks for it."""
    import Zope2
    start, concurrency = worker_settings()
    if not (start and _state["in_process"]) or _state["worker"] is not None:
        return
    from zcron.worker import Worker
    ensure_root(Zope2.DB)
    worker = _state["worker"] = Worker(Zope2.DB, concurrency=concurrency)
    _state["thread"] = threading.Thread(target=worker.run, name="zcron-worker", daemon=True)
    _state["thread"].start()
    atexit.register(stop_in_process)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)
    logger.info("zcron worker %s started in the Zope process", worker.id)


def _terminated(signum, frame):
    """SIGTERM (a service manager's stop): the worker stops cleanly, then
    Zope exits as it would have."""
    stop_in_process()
    raise SystemExit(0)


def stop_in_process():
    """At Zope's exit: runs in progress finish (for the worker's shutdown
    grace at most), claimed runs not started go back to the queue."""
    worker, _state["worker"] = _state["worker"], None
    if worker is not None:
        worker.stop()
        _state["thread"].join(STOP_WAIT)
