"""``zcron completion bash|zsh|fish``: the script a shell sources to
complete zcron's commands and options (click's shell completion), cron
names and uids, site names and time zones (``zcron.cli.suggest``)."""
import click
from click.shell_completion import get_completion_class

from zcron.cli.app import cli

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VAR = "_ZCRON_COMPLETE"      # what click's scripts set to ask zcron


@cli.command(epilog="""\b
Examples:
  eval "$(zcron completion bash)"                 (in ~/.bashrc)
  eval "$(zcron completion zsh)"                  (in ~/.zshrc)
  zcron completion fish > ~/.config/fish/completions/zcron.fish
""")
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell):
    """Print the completion script of a shell: commands, options, cron
    names and uids, site names and time zones complete with Tab."""
    script = get_completion_class(shell)(cli, {}, "zcron", COMPLETE_VAR)
    click.echo(script.source())
