"""The worker as a systemd unit: ``ExecStart`` runs ``zcron worker``;
``KillSignal=SIGTERM`` stops it cleanly, runs in progress finish within
``TimeoutStopSec``; ``Restart=on-failure`` brings it back."""
import re

NEEDS_QUOTES = re.compile(r"[\s\"'\\;]")


def escaped(text):
    """A text systemd takes literally: its specifiers (%) and variables ($) doubled."""
    return text.replace("%", "%%").replace("$", "$$")


def argument(text):
    """One ExecStart argument, double-quoted when it holds blanks or quotes."""
    text = escaped(text)
    if not text or NEEDS_QUOTES.search(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def unit(service):
    """The unit file's text (install it as NAME.service)."""
    environment = [f"Environment={argument(f'{name}={text}')}"
                   for name, text in service.environment.items()]
    return "\n".join([
        "[Unit]",
        f"Description=zcron worker {service.name}",
        "After=network-online.target",
        "Wants=network-online.target",
        "",
        "[Service]",
        "Type=simple",
        f"WorkingDirectory={escaped(service.directory)}",
        *environment,
        "ExecStart=" + " ".join(argument(arg) for arg in service.argv),
        "Restart=on-failure",
        "KillSignal=SIGTERM",
        # TERM to the worker only: its runs' own processes finish with it
        "KillMode=mixed",
        f"TimeoutStopSec={service.stop_wait}",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
    ]) + "\n"
