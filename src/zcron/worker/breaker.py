"""The circuit breaker: a cron whose runs keep failing pauses itself.

Its log record counts the FAILUREs in a row whose retries are exhausted
(``CronLogs.failures``: a retried FAILURE is one failure, counted when
its last attempt fails). At ``pause_after_failures`` the cron is paused
until resumed, in the run's own transaction, through ``Cron.pause`` and
saved as any pause is; the caller fires ``CronAutoPausedEvent`` once that
transaction committed.
"""


def trip(cron, now):
    """Pause ``cron`` when its failures in a row reached its limit;
    returns the pause note, or None when it keeps running."""
    limit = cron.pause_after_failures
    if limit is None or cron.paused_at(now):
        return None
    failures = cron.log_record().failures
    if failures < limit:
        return None
    note = (f"paused after {failures} consecutive failures at "
            f"{now.strftime('%Y-%m-%d %H:%M')} UTC")
    cron.pause(note=note)
    if cron.__parent__ is not None:
        cron.__parent__.save_cron(cron)     # its scheduled job goes, as for any pause
    return note
