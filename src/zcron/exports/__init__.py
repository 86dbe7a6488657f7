"""Exports for operations, one module per format: a site's crontab as a
scheduler.ini (``ini``), and the worker as a supervisord program
(``supervisord``) or a systemd unit (``systemd``), both built from the
worker's command line and stop time (``service``)."""
