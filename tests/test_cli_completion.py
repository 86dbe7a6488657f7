"""Shell completion through click's protocol, as the scripts of
``zcron completion SHELL`` drive it: the console script in a subprocess
with ``_ZCRON_COMPLETE`` and the shell's words in the environment."""
import os
import subprocess

import pytest

from cli_support import (ZCRON_SCRIPT, cli_env, database, json_crontab,  # noqa: F401
                         populated, uri, zcron, zeo_storages)


def complete(words, shell="bash", incomplete=None):
    """The values zcron offers for the last of ``words`` (a list)."""
    env = dict(os.environ, _ZCRON_COMPLETE=f"{shell}_complete",
               COMP_WORDS=" ".join(["zcron", *words]), COMP_CWORD=str(len(words)))
    if shell == "fish":
        env["COMP_CWORD"] = words[-1]
    result = subprocess.run([str(ZCRON_SCRIPT)], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    if shell == "zsh":        # type, value, help: three lines each
        lines = result.stdout.splitlines()
        return [lines[i + 1] for i in range(0, len(lines), 3)]
    return [line.split(",", 1)[1].split("\t")[0] for line in result.stdout.splitlines()
            if line]


def test_commands_and_options():
    assert complete(["li"]) == ["list"]
    assert {"--status", "--state", "--site"} <= set(complete(["list", "--s"]))
    assert complete(["completion", ""]) == ["bash", "zsh", "fish"]


def test_cron_names_and_short_uids(uri, populated):
    offered = complete(["--db", uri, "show", ""])
    assert {"hello", "twin", "off", populated["hello"][:8]} <= set(offered)
    assert complete(["--db", uri, "pause", "he"]) == ["hello"]
    assert complete(["--db", uri, "show", populated["off"][:4]]) == [populated["off"][:8]]
    ro = complete(["--db", uri, "show", "--site", "ro", ""])
    assert "hello" not in ro and ro


def test_site_names(uri, populated):
    assert complete(["--db", uri, "list", "--site", ""]) == ["default", "ro"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_time_zones_in_every_shell(shell):
    assert complete(["add", "x", "--tz", "Europe/Zu"], shell) == ["Europe/Zurich"]


def test_no_database_offers_nothing(tmp_path):
    missing = f"file://{tmp_path}/nothing/Data.fs"
    assert complete(["--db", missing, "show", ""]) == []
    assert not (tmp_path / "nothing").exists()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_scripts(zcron, shell):
    script = zcron("completion", shell).stdout
    assert "_ZCRON_COMPLETE" in script and f"{shell}_complete" in script
    assert "invalid choice" in zcron.bad("completion", "tcsh") or \
           "is not one of" in zcron.bad("completion", "tcsh")
