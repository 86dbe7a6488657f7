"""The previous fire time of a schedule, found from the schedule alone (no
logs): the start of the window a plugin's ``run(start_time, end_time)`` is
given, its first run included."""
from datetime import timedelta

# Looked back this far at first, then twice as far each time...
FIRST_SPAN = timedelta(minutes=1)
# ... up to this: a schedule that fired nowhere in it has no previous time.
LONGEST_SPAN = timedelta(days=366 * 30)


def previous_fire_time(periodicity, before):
    """The last fire time of ``periodicity`` strictly before ``before``, or
    None (a ``once`` schedule's only time, or a text anchored later)."""
    span = FIRST_SPAN
    while span <= LONGEST_SPAN:
        last = None
        for fire in periodicity.fire_times(before - span, until=before):
            if fire < before:
                last = fire
        if last is not None:
            return last
        span *= 2
    return None
