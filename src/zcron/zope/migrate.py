"""Bringing a Plone site's collective.cron crontab over: its
plone.app.registry records (the crons as a list of JSON strings, and the
crontab's activated switch) become the crons of the site's zcron crontab,
with the same uids, names, periodicities, users, environs and logs."""
from dataclasses import dataclass, field

from zcron.components import load_crontab
from zcron.exceptions import InvalidDump, InvalidInput
from zcron.model.cron import Cron
from zcron.model.jsonio import parse_json

RECORDS = "collective.cron.interfaces.IRegistryCrontab"
CRONTAB_RECORD = RECORDS + ".crontab"
ACTIVATED_RECORD = RECORDS + ".activated"


@dataclass
class Migration:
    """What a migration did: uids added, uids already there (kept as they are)."""
    added: list = field(default_factory=list)
    kept: list = field(default_factory=list)


def read_records(registry, path):
    """(the crons' JSON strings, activated) from the plone.app.registry
    registry of the site at ``path`` (anything whose ``records`` map
    names to records with a ``value``)."""
    records = registry.records
    if CRONTAB_RECORD not in records:
        raise InvalidInput("--site", path, f"its registry has no {CRONTAB_RECORD} record "
                           "(collective.cron was never installed there)")
    activated = records[ACTIVATED_RECORD].value if ACTIVATED_RECORD in records else True
    return list(records[CRONTAB_RECORD].value or []), bool(activated)


def parse_crons(items, timezone):
    """The crons of collective.cron's JSON strings (bad input named by its
    place); collective.cron read its periodicities in the server's zone,
    given here as ``timezone``."""
    crons = []
    for index, item in enumerate(items):
        try:
            data = parse_json(item) if isinstance(item, str) else item
            if isinstance(data, dict):
                data = dict(data, timezone=data.get("timezone") or timezone)
            crons.append(Cron.load(data))
        except (InvalidDump, InvalidInput) as e:
            raise InvalidInput(f"{CRONTAB_RECORD}[{index}]", str(item)[:80], str(e)) from None
    return crons


def migrate(site, items, activated, timezone="UTC"):
    """Add to ``site``'s crontab the crons it does not have yet (by uid);
    the first migration also takes collective.cron's switch. Again, it
    changes nothing."""
    crons = parse_crons(items, timezone)
    crontab = load_crontab(site)
    done = Migration()
    first = not any(cron.uid in crontab for cron in crons)
    for cron in crons:
        if cron.uid in crontab:
            done.kept.append(cron.uid)
        else:
            crontab.add_cron(cron)
            done.added.append(cron.uid)
    if done.added:
        if first:
            crontab.activated = activated
        crontab.save()
    return done
