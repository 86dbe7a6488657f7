"""The dashboard's routes: every URL it answers, in one table (the JSON
API's come from ``zcron.web.api``)."""
from zcron.web.api import add_api_routes


def add_routes(config):
    route = config.add_route
    route("home", "/")
    route("login", "/login")
    route("logout", "/logout")
    route("workers", "/workers")
    route("metrics", "/metrics")
    route("validate", "/validate.json")
    route("site", "/sites/{site}")
    route("site_rows", "/sites/{site}/rows.json")
    route("site_switch", "/sites/{site}/switch")
    route("site_bulk", "/sites/{site}/bulk")
    route("cron_add", "/sites/{site}/add")
    route("export", "/sites/{site}/export.json")
    route("import", "/sites/{site}/import")
    route("calendars", "/sites/{site}/calendars")
    route("calendar_remove", "/sites/{site}/calendars/{name}/remove")
    route("cron_edit", "/sites/{site}/crons/{uid}/edit")
    route("cron_logs", "/sites/{site}/crons/{uid}/logs")
    route("cron_backfill", "/sites/{site}/crons/{uid}/backfill")
    route("failures", "/sites/{site}/failures")
    route("cron_action", "/sites/{site}/crons/{uid}/{action}")
    add_api_routes(config)
