"""The JSON API under ``/api/``, for scripts: what the pages show and do.

Requests authenticate with a user's API token (``zcron user token NAME``)
as ``Authorization: Bearer TOKEN``, never with the session cookie (so no
CSRF token is asked for); the user's role decides as on the pages. Bad
input gets 400 and ``{"error": "..."}``, and nothing is written. The
routes are ``add_api_routes``'s; the README's "JSON API" lists them.
"""
API_PREFIX = "/api/"


def add_api_routes(config):
    route = config.add_route
    route("health", "/health")
    route("api_sites", "/api/sites")
    route("api_workers", "/api/workers")
    route("api_site", "/api/sites/{site}")
    route("api_site_toggle", "/api/sites/{site}/toggle")
    route("api_crons", "/api/sites/{site}/crons")
    route("api_cron", "/api/sites/{site}/crons/{uid}")
    route("api_logs", "/api/sites/{site}/crons/{uid}/logs")
    route("api_action", "/api/sites/{site}/crons/{uid}/{action}")
