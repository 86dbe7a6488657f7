"""What a refused or failed ``/api/`` request gets: its status and
``{"error": "one sentence"}`` (never the dashboard's HTML pages)."""
from pyramid.httpexceptions import HTTPError
from pyramid.view import forbidden_view_config, notfound_view_config, view_config

from zcron.exceptions import InvalidInput
from zcron.web.security import FAILURE_WINDOW, THROTTLED

API_PATH = r"^/api/"


def error(request, status, message, **headers):
    request.response.status = status
    request.response.headers.update(headers)
    return {"error": message}


@view_config(context=InvalidInput, path_info=API_PATH, renderer="json")
def invalid_input(exc, request):
    return error(request, 400, str(exc).rstrip(".") + ".")


@notfound_view_config(path_info=API_PATH, renderer="json")
def not_found(exc, request):
    return error(request, 404, f"Nothing at {request.path_info}: "
                               f"{exc.detail or 'no such resource'}")


@view_config(context=HTTPError, path_info=API_PATH, renderer="json")
def http_error(exc, request):
    return error(request, exc.code, exc.detail or exc.explanation)


@forbidden_view_config(path_info=API_PATH, renderer="json")
def forbidden(exc, request):
    """401 without a valid token (429 while its user or address is
    throttled), 403 for a write by a viewer."""
    if request.identity is not None:
        return error(request, 403, "This needs the manager role.")
    if request.environ.get(THROTTLED):
        return error(request, 429, "Too many failed attempts: wait a few minutes.",
                     **{"Retry-After": str(int(FAILURE_WINDOW))})
    return error(request, 401, "Send a valid API token as 'Authorization: Bearer "
                               "TOKEN' (zcron user token NAME makes one).",
                 **{"WWW-Authenticate": 'Bearer realm="zcron"'})
