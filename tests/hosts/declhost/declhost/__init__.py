"""A host declaring jobs: plugins here (entry points in setup.py),
``@zcron.cronjob`` functions in ``jobs``, ZCML in ``configure.zcml``. Every
job leaves its call in ``CALLS``, for the tests to read."""
import zcron

CALLS = []


class CleanupPlugin(zcron.Plugin):
    """Removes what is older than its days."""

    timezone = "Europe/Zurich"

    def interval(self):
        return self.config.get("interval", "*/15 * * * *")

    def run(self, start_time, end_time):
        CALLS.append(("cleanup", dict(self.config), start_time, end_time))
        if start_time is None:
            return "no previous fire time"


class DormantPlugin(zcron.Plugin):
    """Only declared when its section says enabled = yes."""

    def enabled(self):
        return self.config.get("enabled") == "yes"

    def interval(self):
        return "every day at 03:00"

    def run(self, start_time, end_time):
        CALLS.append(("dormant", start_time, end_time))


class FortnightPlugin(zcron.Plugin):
    """Not in setup.py: a test names it in an entry point of its own."""

    def interval(self):
        return "every fortnight"
