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


def digest(subject, lines="3", context=None):
    """A scheduler.ini callback (not decorated): its keyword arguments are
    the section's other keys; what it says goes to the log."""
    CALLS.append(("digest", subject, lines, context.site.name, context.fire_time))
    return zcron.Result("WARN", f"{lines} lines for {subject}", f"digest of {subject}\n")
