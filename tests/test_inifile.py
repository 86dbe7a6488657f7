"""zcron.inifile: the config file found and read the same way by every
section's owner."""
import pytest

from zcron import inifile
from zcron.alerts.config import read_channels
from zcron.cli.settings import read_config as zcron_section
from zcron.exceptions import InvalidInput
from zcron.users import load_users


def test_config_path(monkeypatch):
    monkeypatch.delenv("ZCRON_CONFIG", raising=False)
    assert inifile.config_path() is None
    assert inifile.config_path("a.ini") == "a.ini"
    monkeypatch.setenv("ZCRON_CONFIG", "env.ini")
    assert inifile.config_path() == "env.ini"
    assert inifile.config_path("a.ini") == "a.ini"


def test_keys_keep_their_case_and_only_equals_separates(tmp_path):
    path = tmp_path / "zcron.ini"
    path.write_text("[alerts]\nURL = http://h:1/x\nkey: value = 2\n")
    section = inifile.read_config(str(path))["alerts"]
    assert section["URL"] == "http://h:1/x"
    assert section["key: value"] == "2"


READERS = [inifile.read_config, zcron_section, load_users, read_channels]


@pytest.mark.parametrize("read", READERS)
def test_a_file_not_utf8_is_one_line_for_every_reader(tmp_path, read):
    path = tmp_path / "latin1.ini"
    path.write_bytes("[alerts]\nren\xe9 = x\n".encode("latin-1"))
    with pytest.raises(InvalidInput, match="invalid config file .*utf-8"):
        read(str(path))


@pytest.mark.parametrize("read", READERS)
def test_a_broken_or_missing_file_is_one_line_for_every_reader(tmp_path, read):
    path = tmp_path / "broken.ini"
    path.write_text("no section header\n")
    with pytest.raises(InvalidInput, match="config file"):
        read(str(path))
    with pytest.raises(InvalidInput, match="config file"):
        read(str(tmp_path / "gone.ini"))
