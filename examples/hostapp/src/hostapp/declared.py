"""The host's declared jobs, one for each way but the ini file: a plugin
(its entry point is in setup.py), a ``@zcron.cronjob`` function (scanned by
configure.zcml) and a function a ``<zcron:cron>`` calls; ``digest`` is
the callback of scheduler.ini. Their schedules run every few seconds, for
the demo, in the demo's zone."""
import zcron


class RotateLogs(zcron.Plugin):
    """Rotates the host's logs; ``[plugin:rotate-logs]`` of the config file
    is its config (``keep``, and ``interval`` to change its schedule)."""

    def interval(self):
        return self.config.get("interval", "*/5 * * * * *")

    def run(self, start_time, end_time):
        if start_time is None:
            return "first rotation: nothing before"
        return None


@zcron.cronjob(schedule="*/4 * * * * *", timezone="Europe/Zurich", jitter=0)
def tidy_sessions(context, older_than=3600):
    """Drops the sessions older than ``older_than`` seconds on the site."""
    context.site.hostapp_tidied = getattr(context.site, "hostapp_tidied", 0) + 1


def export_orders(format="csv"):
    """Called by the <zcron:cron> of configure.zcml with its environ."""
    if format != "csv":
        raise ValueError(f"cannot export as {format!r}")


def digest(subject, lines="3"):
    """scheduler.ini's callback: the section's other keys are its keyword
    arguments. The message is for everybody, the output for managers."""
    return zcron.Result("WARN", f"{lines} lines for {subject}",
                        "\n".join(f"{subject} line {n + 1}" for n in range(int(lines))))
