"""``@zcron.cronjob`` functions, registered only when scanned."""
import zcron

from declhost import CALLS


@zcron.cronjob(hour=8, minute=0, timezone="Europe/Zurich")
def morning_report(recipients="nobody"):
    """Mails the morning report."""
    CALLS.append(("morning_report", recipients))


@zcron.cronjob(schedule="every 10 minutes", name="poll", sites=["tenant"],
               environ={"url": "https://example.org/feed"})
def poll_feed(url, context):
    CALLS.append(("poll", url, context.site.name, context.fire_time, context.window))
    return f"polled {url}"


@zcron.cronjob(schedule="once at 2026-12-24 18:00", once=True, jitter=0, warn_after=None,
               overlap="allow", timeout=60)
def greetings():
    CALLS.append(("greetings",))
