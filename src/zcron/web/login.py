"""The login and logout pages, and what a refused request is shown."""
from pyramid.exceptions import BadCSRFOrigin, BadCSRFToken
from pyramid.httpexceptions import HTTPSeeOther, HTTPTooManyRequests, HTTPUnauthorized
from pyramid.security import NO_PERMISSION_REQUIRED, forget, remember
from pyramid.view import forbidden_view_config, view_config

from zcron.users import authenticate
from zcron.web.security import FAILURE_WINDOW, THROTTLED, safe_came_from

TOO_MANY = "Too many failed attempts: wait a few minutes."


@view_config(route_name="login", request_method=("GET", "HEAD"),
             renderer="templates/login.pt", permission=NO_PERMISSION_REQUIRED)
def login_form(request):
    if request.identity is not None:
        return HTTPSeeOther(safe_came_from(request.params.get("came_from")))
    return {"error": None, "login": "",
            "came_from": safe_came_from(request.params.get("came_from"))}


@view_config(route_name="login", request_method="POST",
             renderer="templates/login.pt", permission=NO_PERMISSION_REQUIRED)
def login(request):
    name = request.POST.get("login", "").strip()
    password = request.POST.get("password", "")
    came_from = safe_came_from(request.POST.get("came_from"))
    user, blocked = request.registry.zcron_throttle.attempt(
        name, request.remote_addr,
        lambda: authenticate(request.registry.zcron_users.users(), name, password))
    if user is not None:
        return HTTPSeeOther(came_from, headers=remember(request, user.name))
    request.response.status = 429 if blocked else 401
    error = TOO_MANY if blocked else "Wrong user name or password."
    return {"error": error, "login": name, "came_from": came_from}


@view_config(route_name="logout", request_method="POST",
             permission=NO_PERMISSION_REQUIRED)
def logout(request):
    headers = forget(request)
    request.session.flash("You are logged out.", "info")
    return HTTPSeeOther(request.route_url("login"), headers=headers)


@forbidden_view_config(renderer="templates/error.pt")
def forbidden(exc, request):
    """Not logged in: to the login form (GET) or 401 with a Basic
    challenge (/metrics; 429 while its login is throttled); logged in
    without the role: 403."""
    if request.identity is None:
        if request.environ.get(THROTTLED):
            return HTTPTooManyRequests(TOO_MANY, headers={"Retry-After": str(int(FAILURE_WINDOW))})
        if request.path_info == "/metrics":
            response = HTTPUnauthorized()
            response.headers["WWW-Authenticate"] = 'Basic realm="zcron", charset="UTF-8"'
            return response
        if request.method in ("GET", "HEAD"):
            came_from = request.path_qs
            return HTTPSeeOther(request.route_url("login", _query={"came_from": came_from}))
    request.response.status = 403
    return {"title": "Forbidden",
            "message": "You are not allowed to do this."
                       if request.identity is not None else "Log in first."}


@view_config(context=BadCSRFToken, renderer="templates/error.pt")
@view_config(context=BadCSRFOrigin, renderer="templates/error.pt")
def csrf_refused(exc, request):
    """A POST without the session's CSRF token: refused, nothing changed."""
    request.response.status = 403
    return {"title": "Refused",
            "message": "The form's security token is missing or out of date. "
                       "Reload the page and try again."}

