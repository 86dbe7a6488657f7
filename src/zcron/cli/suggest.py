"""What shell completion suggests from the data: the sites and crons of
the database the command line names, and the tz database's zones (the
``shell_complete`` callbacks of the options and arguments)."""
from click.shell_completion import CompletionItem

from zcron.cli.app import App
from zcron.cli.output import SHORT_UID
from zcron.exceptions import ZcronError

SHOWN = 100      # names, and uids, completion offers at most


def _read(ctx, work):
    """``work(root)`` on the database the command line names, read-only;
    nothing when it cannot be read (completion never fails loudly)."""
    params = ctx.find_root().params
    app = App(db=params.get("db"), zcml=params.get("zcml"), config=params.get("config"))
    try:
        return app.transact(work, write=False)
    except (ZcronError, OSError):
        return []
    finally:
        app.close()


def complete_sites(ctx, param, incomplete):
    names = _read(ctx, lambda root: list(root.sites))
    return [CompletionItem(n) for n in sorted(names) if n.startswith(incomplete)]


def complete_crons(ctx, param, incomplete):
    """Names and short uids of the crons of the command's --site: only the
    ranges of the crontab's indexes that start so are read."""
    from zcron.components import load_crontab

    def work(root):
        crontab = load_crontab(root.get_site(ctx.params.get("site") or "default"))
        names = crontab.names_starting(incomplete, SHOWN)
        uids = crontab.uids_starting(incomplete, SHOWN)
        return ([CompletionItem(name, help=uid[:SHORT_UID]) for name, uid in names]
                + [CompletionItem(uid[:SHORT_UID], help=crontab.get(uid).name)
                   for uid in uids])
    return sorted(_read(ctx, work), key=lambda item: item.value)


def complete_zones(ctx, param, incomplete):
    import zoneinfo
    lowered = incomplete.lower()
    return [CompletionItem(z) for z in sorted(zoneinfo.available_timezones())
            if z.lower().startswith(lowered)]
