"""zcron as a Plone add-on: the install and uninstall profiles that
create and remove a Plone site's crontab, and its "Cron jobs" control
panel. Picked up by plone.autoinclude (the ``plone`` extra)."""
