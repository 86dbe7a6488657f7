"""The base class of job runners, and what the worker hands them."""
import copy

from zope.component import adapter
from zope.interface import Interface, implementer

from zcron.interfaces import ICron, IJobRunner


@adapter(Interface, ICron)
@implementer(IJobRunner)
class Runner:
    """Subclass, override ``run()``, and register it under a name::

        <adapter factory=".jobs.MyCronJob" name="mycronjob" />

    Return None for OK, a text for WARN, raise for FAILURE. The worker sets
    ``fire_time``, ``window`` and ``execution_id`` before calling ``run``.
    """

    fire_time = None
    window = (None, None)
    execution_id = None

    def __init__(self, site, cron):
        self.site = site
        self.cron = cron

    @property
    def environ(self):
        """A deep copy: a runner changing it changes nothing stored."""
        return copy.deepcopy(self.cron.environ)

    def run(self):
        raise NotImplementedError(f"{type(self).__name__}.run() is not written")
