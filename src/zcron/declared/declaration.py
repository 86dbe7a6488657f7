"""A declaration: one job as code or config declares it, for the sites it names.

Its identity is its origin and name (``("zcml", "cleanup")``): the cron it
keeps on a site has a uid derived from that identity and the site's name,
so several workers syncing at once converge on one cron. ``source`` only
tells operators where to look (``configure.zcml:12``) and may change with
every edit of the file.
"""
import hashlib
from dataclasses import dataclass, field

from zcron.exceptions import InvalidInput

ALL_SITES = ("*",)
ORIGINS = ("plugin", "decorator", "zcml", "ini")


@dataclass
class Declaration:
    origin: str             # one of ORIGINS
    name: str               # unique within its origin
    runner: str             # the IJobRunner name its crons run
    schedule: str           # a schedule text of any kind
    source: str = ""        # where it is declared, for people
    timezone: str = "UTC"
    environ: dict = field(default_factory=dict)
    policies: dict = field(default_factory=dict)   # other cron fields it sets
    sites: tuple = ALL_SITES
    description: str = ""

    @property
    def identity(self):
        return (self.origin, self.name)

    def for_site(self, site):
        """Whether the declaration wants a cron on the site named ``site``."""
        return self.sites == ALL_SITES or site in self.sites

    def uid_for(self, site):
        """The uid of its cron on ``site``: the same in every process."""
        key = "\x00".join((self.origin, self.name, site)).encode()
        return hashlib.md5(key, usedforsecurity=False).hexdigest()

    def cron_fields(self):
        """The cron fields the declaration owns (operators keep the others)."""
        return dict(self.policies, name=self.runner, periodicity=self.schedule,
                    timezone=self.timezone, environ=self.environ)

    def check(self):
        """Raise InvalidInput, naming where it is declared, when a cron could
        not be made from it; returns it otherwise."""
        from zcron.model import Cron
        if self.origin not in ORIGINS:
            raise InvalidInput("origin", self.origin, "expected one of " + ", ".join(ORIGINS))
        try:
            Cron(**self.cron_fields())
        except InvalidInput as e:
            raise InvalidInput(e.field, e.value,
                               f"{e.reason} (declared at {self.source or self.name})") from None
        return self
