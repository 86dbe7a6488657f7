"""The dashboard's answer to an unexpected error in a request: its
traceback in the log (stderr under ``zcron serve``) and zcron's own error
page with status 500, instead of the server's bare text."""
import logging

from pyramid.view import exception_view_config
from transaction.interfaces import TransientError

logger = logging.getLogger("zcron.web")


@exception_view_config(Exception, renderer="templates/error.pt")
def unexpected_error(exc, request):
    if isinstance(exc, TransientError):
        raise exc        # a conflict: the execution policy runs the request again
    logger.error("%s %s failed", request.method, request.path_info, exc_info=exc)
    request.response.status = 500
    return {"title": "Internal error",
            "message": "The dashboard met an unexpected error; its traceback is "
                       "in the server's log."}
