"""``zcron site ...`` and ``zcron crontab ...``: tenants and their crontabs."""
import os

import click
from zope.component import getGlobalSiteManager, queryAdapter
from zope.event import notify

from zcron.cli.app import cli, get_crontab, get_site, pass_app
from zcron.cli.output import echo_json, echo_result, echo_table
from zcron.cli.params import change_options, json_option, site_option
from zcron.exceptions import InvalidInput


def registry_names():
    from zcron.interfaces import IRegistryManager
    return sorted({reg.name for reg in getGlobalSiteManager().registeredAdapters()
                   if reg.provided.isOrExtends(IRegistryManager) and reg.name})


def site_info(site):
    """What people and scripts want to know of a site; a crontab that
    cannot be read (a broken JSON file) is reported, not raised."""
    from zcron.components import load_crontab
    info = {"name": site.name, "registry": site.registry,
            "registry_options": dict(site.registry_options),
            "activated": None, "read_only": None, "crons": None, "error": None}
    try:
        crontab = load_crontab(site)
    except InvalidInput as e:
        info["error"] = str(e)
    else:
        info.update(activated=crontab.activated, read_only=crontab.read_only,
                    crons=len(crontab))
    return info


def describe_site(info):
    state = "on" if info["activated"] else "off"
    text = f"{info['crons']} crons, crontab {state}"
    if info["read_only"]:
        text += ", read-only"
    return text


@cli.group(epilog="""\b
Examples:
  zcron site add default
  zcron site add shop --registry json --path /etc/zcron/shop.json
  zcron site list
  zcron site remove shop
""")
def site():
    """Sites (tenants): each has one crontab, kept by a registry."""


@site.command("add", epilog="""\b
Examples:
  zcron site add default
  zcron site add shop --registry json --path deploy/crontab.json
""")
@click.argument("name")
@click.option("--registry", default="zodb", show_default=True,
              help="Where the site's crontab is kept: 'zodb' (editable with "
                   "zcron), or 'json' (read-only, from the file --path, kept in "
                   "version control).")
@click.option("--path", type=click.Path(dir_okay=False),
              help="With --registry json: the crontab's JSON file.")
@json_option
@pass_app
def site_add(app, name, registry, path, as_json):
    """Add the site NAME, with an empty crontab (or the file's). Creates
    the database if there is none yet (the other commands, but worker and
    serve, refuse a missing one). NAME may not contain '/'."""
    from zcron.components import load_crontab
    from zcron.events import CrontabSynchronisationEvent
    from zcron.interfaces import IRegistryManager
    from zcron.model import CronSite
    from zcron.model.site import check_new_site_name
    check_new_site_name(name)        # before a database is made for it
    if path and registry == "zodb":
        raise click.UsageError("--path is for a file registry (--registry json)")
    options = {"path": os.path.abspath(path)} if path else {}

    def work(root):
        new = CronSite(name, registry=registry, registry_options=options)
        if queryAdapter(new, IRegistryManager, name=registry) is None:
            raise InvalidInput("registry", registry, "no registry manager has this "
                               "name (known: " + ", ".join(registry_names()) + ")")
        root.add_site(new)
        crontab = load_crontab(new)           # a missing or bad file stops here
        if crontab.read_only:
            # nothing to save; schedule the file's crons now
            notify(CrontabSynchronisationEvent(crontab, new))
        else:
            crontab.save()
        return site_info(new)

    info = app.transact(work, note=f"zcron site add {name}", create=True)
    echo_result(info, as_json, f"added site {info['name']!r} (registry "
                               f"{info['registry']}: {describe_site(info)})")


@site.command("list", epilog="""\b
Examples:
  zcron site list
  zcron site list --json
""")
@json_option
@pass_app
def site_list(app, as_json):
    """List the sites, their registries and crontabs."""
    infos = app.transact(lambda root: [site_info(s) for s in root.sites.values()],
                         write=False)
    if as_json:
        echo_json(infos)
        return
    rows = []
    for info in infos:
        if info["error"]:
            crontab, crons, details = "error", None, info["error"]
        else:
            crontab = "on" if info["activated"] else "off"
            crons = info["crons"]
            details = info["registry_options"].get("path", "")
            if info["read_only"]:
                details = ("read-only " + details).strip()
        rows.append([info["name"], info["registry"], crontab, crons, details])
    echo_table(["SITE", "REGISTRY", "CRONTAB", "CRONS", "DETAILS"], rows,
               empty="no sites; add one with: zcron site add default")


@site.command("remove", epilog="""\b
Example:
  zcron site remove shop
""")
@click.argument("name")
@json_option
@pass_app
def site_remove(app, name, as_json):
    """Remove the site NAME, its crontab, its logs and its queued jobs."""
    from zcron.sync import remove_site

    def work(root):
        crons = site_info(get_site(root, name))["crons"]
        jobs = remove_site(root, name)
        return {"removed": name, "crons": crons, "jobs": jobs}

    result = app.transact(work, note=f"zcron site remove {name}")
    crons = "?" if result["crons"] is None else result["crons"]
    echo_result(result, as_json,
                f"removed site {name!r} ({crons} crons, {result['jobs']} queued jobs)")


# -- the crontab as a whole ---------------------------------------------------------

def crontab_info(root, site, crontab):
    from zcron.components import queue_for
    from zcron.clock import now
    moment = now()
    crons = list(crontab)
    states = [c.state(moment) for c in crons]
    return {
        "site": site.name,
        "registry": site.registry,
        "activated": crontab.activated,
        "read_only": crontab.read_only,
        "crons": len(crons),
        "on": states.count("on"),
        "off": states.count("off"),
        "paused": states.count("paused"),
        "queued": sum(1 for _ in queue_for(root).site_pending(site.name)),
    }


def echo_crontab(info, as_json):
    if as_json:
        echo_json(info)
        return
    state = "on" if info["activated"] else "off (no cron runs)"
    lines = [
        ("site", info["site"]),
        ("registry", info["registry"] + (" (read-only)" if info["read_only"] else "")),
        ("crontab", state),
        ("crons", f"{info['crons']}: {info['on']} on, {info['off']} off, "
                  f"{info['paused']} paused"),
        ("queued", f"{info['queued']} jobs"),
    ]
    for label, value in lines:
        click.echo(f"{label + ':':<10} {value}")


@cli.group(epilog="""\b
Examples:
  zcron crontab disable --site shop
  zcron crontab enable --site shop
  zcron crontab show
""")
def crontab():
    """A site's crontab as a whole: its global switch."""


def _switch(app, site, as_json, activated):
    verb = "enable" if activated else "disable"

    def work(root):
        site_obj, tab = get_crontab(root, site, write=True)
        tab.activated = activated
        tab.save()
        return crontab_info(root, site_obj, tab)

    info = app.transact(work, note=f"zcron crontab {verb} --site {site}")
    echo_result(info, as_json, f"{verb}d the crontab of site {site!r} "
                               f"({info['crons']} crons, {info['queued']} jobs queued)")


@crontab.command("enable", epilog="""\b
Example:
  zcron crontab enable --site shop
""")
@site_option
@json_option
@change_options
@pass_app
def crontab_enable(app, site, as_json):
    """Switch a site's crontab on: its active crons run again."""
    _switch(app, site, as_json, True)


@crontab.command("disable", epilog="""\b
Example:
  zcron crontab disable --site shop
""")
@site_option
@json_option
@change_options
@pass_app
def crontab_disable(app, site, as_json):
    """Switch a site's crontab off: none of its crons runs (each keeps its
    own on/off state for when the crontab is switched on again)."""
    _switch(app, site, as_json, False)


@crontab.command("show", epilog="""\b
Example:
  zcron crontab show --site shop --json
""")
@site_option
@json_option
@pass_app
def crontab_show(app, site, as_json):
    """Show a site's crontab: its switch, its crons, its queued jobs."""
    def work(root):
        site_obj, tab = get_crontab(root, site)
        return crontab_info(root, site_obj, tab)
    echo_crontab(app.transact(work, write=False), as_json)
