"""zcron's web dashboard: a Pyramid application.

- ``make_app(settings)``: the WSGI application (settings below).
- ``main(global_config, **settings)``: the same, for PasteDeploy/pserve.
- ``serve(db_uri, zcml, host, port, config)``: run it with waitress.

Settings:

``zcron.db``
    database URI (``zeo://...`` when workers run in other processes: a
    FileStorage opens in one process only);
``zcron.db_object``
    an open ``ZODB.DB`` instead (tests, embedding hosts);
``zcron.zcml``
    host ZCML files (whitespace separated) loaded with
    ``zcron.config.configure``, so runner names are known;
``zcron.config``
    the ini file with ``[users]`` (see ``zcron.users``) and ``[web]``
    (``secret``, ``cookie_secure``, ``session_timeout``); default
    ``$ZCRON_CONFIG``;
``zcron.secret``
    signs session cookies; else ``[web] secret``, else a random one made
    at start (sessions then end when the server restarts).

Each request gets its own ZODB connection, joined to the request's
transaction manager (pyramid_tm): the request's changes commit together
when the view succeeds, and nothing commits for GET requests or error
responses. A request whose commit conflicts is run again (twice at most).
"""
import hashlib
import logging
import os
import secrets
import signal
import threading
import warnings

# Pyramid still imports pkg_resources, which warns about itself on stderr:
# nothing a dashboard user can act on.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated",
                        category=UserWarning)

import pyramid_tm  # noqa: E402
from pyramid.config import Configurator
from pyramid.events import BeforeRender, NewResponse
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.session import SignedCookieSessionFactory
from pyramid.settings import asbool, aslist
from pyramid.tweens import EXCVIEW
from pyramid.static import QueryStringConstantCacheBuster

from zcron import clock
from zcron.db import PoolKeeper, get_root, open_db
from zcron.retry import retry
from zcron.inifile import config_path, read_config
from zcron.web import formatting
from zcron.web.routes import add_routes
from zcron.web.api.auth import TokenSecurityPolicy
from zcron.web.security import VIEW, LoginThrottle, UserStore

logger = logging.getLogger("zcron.web")

STATIC_DIR = os.path.join(os.path.dirname(__file__), "static")
CONFLICT_ATTEMPTS = 3
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


# -- transactions and connections ---------------------------------------------------

def commit_veto(request, response):
    """Only a successful write (POST, the API's PATCH and DELETE) commits:
    an error response (a bad form, a refusal) leaves everything as it was."""
    return (request.method not in ("POST", "PATCH", "DELETE")
            or response.status.startswith(("4", "5")))


def zcron_root(request):
    """zcron's root container, in a connection opened for this request on
    its transaction manager and closed when the request ends."""
    conn = request.registry.zcron_db.open(transaction_manager=request.tm)
    request.add_finished_callback(lambda r: conn.close())
    return get_root(conn)


def retrying_execution_policy(environ, router):
    """Pyramid's execution policy, run again when the commit conflicts
    with a worker's (ZODB ConflictError is a TransientError)."""
    def attempt():
        with router.request_context(environ) as request:
            request.make_body_seekable()
            return router.invoke_request(request)

    def retried(number, error):
        logger.info("zcron web: conflict on %s, retrying", environ.get("PATH_INFO"))
    return retry(attempt, CONFLICT_ATTEMPTS, base=0.05, on_retry=retried)


# -- rendering -----------------------------------------------------------------------

def add_renderer_globals(event):
    """What every template may use: ``fmt``, ``user``, ``can_manage``,
    ``csrf_token``, ``flashes``, ``now``."""
    request = event.get("request")
    if request is None or not str(event.get("renderer_name", "")).endswith(".pt"):
        return
    user = request.identity
    session = request.session
    flashes = []
    for queue in ("info", "error"):
        if session.peek_flash(queue):
            flashes.extend((queue, text) for text in session.pop_flash(queue))
    event.setdefault("now", clock.now())
    event.setdefault("live", False)
    event.update({
        "fmt": formatting,
        "user": user,
        "can_manage": bool(user is not None and user.can_manage),
        "csrf_token": session.get_csrf_token(),
        "flashes": flashes,
    })


def add_security_headers(event):
    headers = event.response.headers
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    if not event.request.path_info.startswith("/static/"):
        headers.setdefault("Cache-Control", "no-store")


def _static_token():
    digest = hashlib.sha256()
    for name in sorted(os.listdir(STATIC_DIR)):
        with open(os.path.join(STATIC_DIR, name), "rb") as f:
            digest.update(name.encode() + f.read())
    return digest.hexdigest()[:12]


# -- the application ----------------------------------------------------------------------

def web_options(path):
    """The ``[web]`` section of the config file, as a dict."""
    if path is None:
        return {}
    parser = read_config(path)
    return dict(parser.items("web")) if parser.has_section("web") else {}


def make_app(settings):
    """The dashboard's WSGI application (see the module's docstring)."""
    settings = dict(settings or {})
    db = settings.get("zcron.db_object")
    load_zcml(settings.get("zcron.zcml") or (), defaults=db is None)
    path = config_path(settings.get("zcron.config"))
    options = web_options(path)
    secret = session_secret(settings, options)
    if db is None:
        db = open_db(settings.get("zcron.db"))
    settings.setdefault("tm.manager_hook", pyramid_tm.explicit_manager)
    settings["tm.commit_veto"] = commit_veto
    settings.setdefault("tm.annotate_user", True)

    store = UserStore(path)
    config = Configurator(settings=settings)
    config.registry.zcron_db = db
    config.registry.zcron_users = store
    config.registry.zcron_throttle = LoginThrottle()
    config.include("pyramid_chameleon")
    config.include("pyramid_tm")
    config.set_session_factory(session_factory(secret, options))
    add_policies(config)
    add_static(config)
    config.include("zcron.web.history")     # before add_routes: its cron route first
    add_routes(config)
    config.scan("zcron.web")
    app = config.make_wsgi_app()
    app.zcron_db = db
    return app


def load_zcml(zcml, defaults=False):
    """The host's ZCML (paths, or a setting's string), and zcron's own with ``defaults``."""
    if zcml or defaults:
        from zcron.config import configure
        configure(*(aslist(zcml) if isinstance(zcml, str) else zcml))


def session_secret(settings, options):
    """The configured secret, or a random one: sessions then end at restart."""
    secret = settings.get("zcron.secret") or options.get("secret")
    if not secret:
        secret = secrets.token_hex(32)
        logger.info("zcron web: no secret configured; sessions end at restart")
    return secret


def session_factory(secret, options):
    return SignedCookieSessionFactory(
        secret, cookie_name="zcron_session", httponly=True, samesite="Lax",
        secure=asbool(options.get("cookie_secure", False)),
        timeout=int(options.get("session_timeout", 8 * 3600)),
        reissue_time=300)


def add_policies(config):
    """Who may see what, CSRF, conflict retries, and what each request and
    response gets."""
    config.set_security_policy(TokenSecurityPolicy())
    config.set_default_csrf_options(require_csrf=True)
    config.set_execution_policy(retrying_execution_policy)
    config.add_request_method(zcron_root, "zcron_root", reify=True)
    config.add_subscriber(add_renderer_globals, BeforeRender)
    config.add_subscriber(add_security_headers, NewResponse)
    config.add_tween("zcron.web.views.undecodable_url_tween",
                     under="pyramid_tm.tm_tween_factory", over=EXCVIEW)
    config.set_default_permission(VIEW)


def add_static(config):
    """/static, cached for a day, its URLs changing with its files."""
    config.add_static_view("static", "zcron.web:static", cache_max_age=86400,
                           permission=NO_PERMISSION_REQUIRED)
    config.add_cache_buster("zcron.web:static/",
                            QueryStringConstantCacheBuster(_static_token()))


def main(global_config, **settings):
    """PasteDeploy entry point: ``[app:main] use = call:zcron.web:main``."""
    return make_app(settings)


def serve(db_uri, zcml, host="127.0.0.1", port=8080, config=None, ready=None, **options):
    """Serve the dashboard with waitress until interrupted (SIGTERM or
    Ctrl-C). ``zcml``: a path or a list of paths (or None); ``config``:
    the ini file with the users (default ``$ZCRON_CONFIG``); ``ready(url)``
    once it listens. Binds to 127.0.0.1 unless told; ``options``: waitress's."""
    import waitress
    from zcron.exceptions import InvalidInput
    from zcron.users import load_users
    from zcron.web.dumps import DUMP_LIMIT

    path = config_path(config)
    if path is None or not load_users(path):
        raise InvalidInput(
            "config", path or "",
            "the dashboard needs users: add one with "
            "zcron.users.add_user(PATH, NAME, 'manager', PASSWORD) and give "
            "the file as config or $ZCRON_CONFIG")
    if isinstance(zcml, str):
        zcml = [zcml]
    app = make_app({"zcron.db": db_uri, "zcron.config": path,
                    "zcron.zcml": list(zcml or ())})
    # no request needs more than an import of the largest dump allowed
    options.setdefault("max_request_body_size", 4 * DUMP_LIMIT)
    in_main_thread = threading.current_thread() is threading.main_thread()
    if in_main_thread:      # SIGTERM stops it as Ctrl-C does
        previous = signal.signal(signal.SIGTERM, _interrupt)
    keeper = PoolKeeper(app.zcron_db).start()
    try:
        server = waitress.create_server(app, host=host, port=int(port), **options)
        (ready or print)(f"http://{host}:{server.effective_port}/")
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
        keeper.stop()
        app.zcron_db.close()


def _interrupt(signum, frame):
    raise KeyboardInterrupt
