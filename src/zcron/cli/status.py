"""``zcron status``: is anything broken? Overdue, failing, running-long and
auto-paused crons, from stored data only, so it answers with every worker
down; exit 1 when something is overdue or failing (for Nagios-style checks)."""
import sys

import click

from zcron import clock
from zcron.cli.app import EXIT_FAILURE, cli, get_site, pass_app
from zcron.cli.output import echo_json, echo_table, plural

LABELS = {"overdue": "OVERDUE", "failing": "FAILING", "running_long": "RUNNING LONG",
          "auto_paused": "AUTO-PAUSED"}


@cli.command(epilog="""\b
Examples:
  zcron status
  zcron status --site shop --json

\b
Exit status: 0 all is well (running-long and auto-paused crons are listed
but do not count), 1 a cron is overdue or its last run failed.
""")
@click.option("--site", metavar="SITE", help="Only this site (default: every site).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def status(app, site, as_json):
    """Overdue, failing, running-long and auto-paused crons of every site."""
    from zcron.alerts.status import PROBLEMS, problems

    def work(root):
        if site:
            get_site(root, site)          # an unknown site: one line, exit 2
        return problems(root, clock.now(), site)
    found = app.transact(work, write=False)
    if as_json:
        echo_json(found)
    else:
        rows = [[LABELS[problem], f"{e['site']}/{e['cron']}", e["since"] or "", e["text"]]
                for problem in PROBLEMS for e in found[problem]]
        if rows:
            echo_table(["PROBLEM", "CRON", "SINCE", "DETAILS"], rows)
        verdict = "all well" if found["ok"] else "NOT WELL"
        click.echo(f"{verdict}: {plural(found['crons'], 'cron')} in "
                   f"{plural(found['sites'], 'site')} checked")
    if not found["ok"]:
        sys.exit(EXIT_FAILURE)
