"""The circuit breaker: a cron whose runs keep failing pauses itself, and
the pause note saying so (its wording, and telling such a pause apart).

Its log record counts the FAILUREs in a row whose retries are exhausted
(``CronLogs.failures``: a retried FAILURE is one failure, counted when
its last attempt fails). At ``pause_after_failures`` the cron is paused
until resumed, in the run's own transaction, through ``Cron.pause`` and
saved as any pause is; the caller fires ``CronAutoPausedEvent`` once that
transaction committed.
"""
NOTE_START = "paused after "


def note(failures, when):
    """The pause note of a cron the breaker paused at ``when`` (UTC)."""
    return (f"{NOTE_START}{failures} consecutive failures at "
            f"{when.strftime('%Y-%m-%d %H:%M')} UTC")


def is_auto_paused(cron, now):
    """Paused at ``now``, and by the breaker (its note says so)."""
    return bool(cron.paused_at(now)) and cron.pause_note.startswith(NOTE_START)


def trip(cron, now):
    """Pause ``cron`` when its failures in a row reached its limit;
    returns the pause note, or None when it keeps running."""
    limit = cron.pause_after_failures
    if limit is None or cron.paused_at(now):
        return None
    failures = cron.log_record().failures
    if failures < limit:
        return None
    text = note(failures, now)
    cron.pause(note=text)
    if cron.__parent__ is not None:
        cron.__parent__.save_cron(cron)     # its scheduled job goes, as for any pause
    return text
