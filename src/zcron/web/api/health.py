"""``/health``, for load balancers and probes: no login, 200 while the
database answers, 503 when it does not, and a short JSON body either way."""
import logging

from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from zcron import clock

logger = logging.getLogger("zcron.web")


def database_state(db):
    """'ok', or why the database does not answer."""
    storage = db.storage
    if getattr(storage, "is_connected", lambda: True)() is False:    # ZEO
        return "not connected"
    try:
        with db.transaction() as conn:
            conn.root()          # a fresh transaction: a read from the storage
    except Exception as e:       # whatever the storage raises, it is down
        logger.warning("zcron web: /health: the database does not answer: %s", e)
        return f"error: {type(e).__name__}"
    return "ok"


@view_config(route_name="health", request_method=("GET", "HEAD"), renderer="json",
             permission=NO_PERMISSION_REQUIRED)
def health(request):
    state = database_state(request.registry.zcron_db)
    request.response.status = 200 if state == "ok" else 503
    return {"status": "ok" if state == "ok" else "unavailable", "database": state,
            "time": clock.now().isoformat()}
