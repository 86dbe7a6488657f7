"""The "Cron jobs" control panel of a Plone site: its crons with their
state, next and last run and status; toggle, run now, pause and resume
(POST, with plone.protect's token), and each cron's logs."""
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from Products.statusmessages.interfaces import IStatusMessage

from zcron import clock
from zcron.components import cron_manager, load_crontab
from zcron.exceptions import UnknownCron
from zcron.plone.setuphandlers import portal_path, zcron_root
from zcron.zope.binding import site_name_for

ACTIONS = ("toggle", "run", "pause", "resume")


def when(moment):
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


class CronJobsPanel(BrowserView):
    template = ViewPageTemplateFile("panel.pt")

    def __call__(self):
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            message = self.act(self.request.form.get("action"), self.request.form.get("uid", ""))
            IStatusMessage(self.request).add(message, "info")
            # POST, then redirect: a reload does not act twice
            return self.request.response.redirect(self.url())
        return self.template()

    def url(self):
        return f"{self.context.absolute_url()}/@@zcron-controlpanel"

    def site(self):
        """This Plone site's zcron site, or None before the add-on's install."""
        return zcron_root(self.context).sites.get(site_name_for(portal_path(self.context)))

    def crontab(self):
        site = self.site()
        return None if site is None else load_crontab(site)

    def rows(self):
        crontab, now = self.crontab(), clock.now()
        if crontab is None:
            return []
        return [self.row(cron, now) for cron in sorted(crontab, key=lambda c: c.name)]

    @staticmethod
    def row(cron, now):
        last, state = cron.last_log(), cron.state(now)
        return {"uid": cron.uid, "name": cron.name, "schedule": cron.periodicity,
                "zone": cron.timezone, "state": state,
                "next": when(cron.next_fire_time(now)) if state == "on" else "",
                "last": when(last.date) if last else "", "status": last.status if last else "",
                "paused": state == "paused", "activated": cron.activated}

    def act(self, action, uid):
        """Do ``action`` on the cron ``uid``; the message saying what happened."""
        crontab = self.crontab()
        if action not in ACTIONS or crontab is None:
            return "Unknown action."
        try:
            cron = crontab.get(uid)
        except UnknownCron:
            return "No such cron."
        if action == "run":
            if not cron.runnable(clock.now()):
                return f"{cron.name} is {cron.state(clock.now())}: turn it on or resume it first."
            cron_manager(self.site(), cron).run_now()
            return f"{cron.name} will run now."
        if action == "toggle":
            cron.edit(activated=not cron.activated)
        elif action == "pause":
            cron.pause(note=self.request.form.get("note", "")[:500])
        else:
            cron.resume()
        crontab.save_cron(cron)
        return f"{cron.name} is {cron.state(clock.now())}."

    def logs(self):
        """(the cron, its log entries) asked for with ?logs=UID, else None."""
        uid, crontab = self.request.form.get("logs"), self.crontab()
        if not uid or crontab is None or uid not in crontab:
            return None
        cron = crontab.get(uid)
        return {"name": cron.name, "entries": [
            {"date": when(log.date), "status": log.status, "messages": " ".join(log.messages),
             "traceback": log.traceback or ""} for log in cron.logs]}
