"""Alerts built in: crons that stopped succeeding, runs running long,
failures and auto-pauses, told by email and webhook without an outside
monitor.

``rules``    when a cron is overdue, a run long, a cron failing or auto-paused
``state``    the episodes and runs already alerted, in the database
``check``    one check over every site, returning the events to fire
``message``  an alert's kind, facts and sentence
``sender``   deliveries from a thread of their own
``smtp``     the email channel
``webhook``  the webhook channel (JSON POST, shared secret, HMAC)
``config``   the ``[alerts]`` section and the subscriber using it

The worker runs the check periodically (``zcron.worker.alerting``).
"""
