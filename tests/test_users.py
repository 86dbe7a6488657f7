"""zcron.users: password hashes, the [users] section, adding and removing users."""
import os

import pytest

from zcron import users
from zcron.exceptions import InvalidInput

from web_support import FAST, components, ini  # noqa: F401


class TestUsers:
    def test_hash_and_verify(self):
        encoded = users.hash_password("s3cret", iterations=FAST)
        algorithm, iterations, salt, digest = encoded.split("$")
        assert (algorithm, iterations, len(salt), len(digest)) == ("pbkdf2_sha256", "1000", 32, 64)
        assert users.verify_password("s3cret", encoded)
        assert not users.verify_password("S3cret", encoded)
        assert users.hash_password("x", iterations=FAST) != users.hash_password("x", iterations=FAST)
        assert users.hash_password("x", FAST, salt="ab") == users.hash_password("x", FAST, salt="ab")

    def test_default_iterations(self):
        assert users.DEFAULT_ITERATIONS >= 600_000

    @pytest.mark.parametrize("encoded", [
        None, "", "md5$1$ab$cd", "pbkdf2_sha256$x$ab$cd", "pbkdf2_sha256$0$ab$cd",
        "pbkdf2_sha256$1$$cd", "pbkdf2_sha256$1$ab$", "pbkdf2_sha256$1$ab$zz",
        "pbkdf2_sha256$1$é$cd", "pbkdf2_sha256$1$ab", "pbkdf2_sha256$1$a$b$c"])
    def test_verify_malformed(self, encoded):
        assert not users.verify_password("x", encoded)

    def test_verify_non_text_password(self):
        assert not users.verify_password(None, users.hash_password("x", FAST))

    @pytest.mark.parametrize("password, iterations", [
        ("", FAST), (None, FAST), ("x", 0), ("x", True), ("x", "9")])
    def test_hash_refuses(self, password, iterations):
        with pytest.raises(InvalidInput):
            users.hash_password(password, iterations=iterations)

    def test_authenticate(self, ini):
        known = users.load_users(ini)
        assert users.authenticate(known, "alice", "alice-pw").role == "manager"
        assert users.authenticate(known, "alice", "wrong") is None
        assert users.authenticate(known, "nobody", "alice-pw") is None
        assert users.authenticate(known, "nobody", None) is None
        assert users.authenticate(known, None, "x") is None
        assert users.authenticate({}, "nobody", "x") is None     # default cost

    def test_dummy_hash_costs_as_much_as_the_users(self, ini):
        known = users.load_users(ini)
        assert users._dummy_hash(known).split("$")[1] == str(FAST)
        assert users._dummy_hash({}).split("$")[1] == str(users.DEFAULT_ITERATIONS)
        bad = {"x": users.User("x", "viewer", "garbage")}
        assert users._dummy_hash(bad).split("$")[1] == str(users.DEFAULT_ITERATIONS)

    @pytest.mark.parametrize("name", ["", "a b", "a=b", "a:b", "[x]", "x" * 65, None, "#x"])
    def test_bad_names(self, name):
        with pytest.raises(InvalidInput):
            users.check_name(name)

    def test_bad_role(self):
        with pytest.raises(InvalidInput):
            users.check_role("admin")

    @pytest.mark.parametrize("value", [
        "manager", "admin:" + "pbkdf2_sha256$1$ab$cd", "viewer:plain", "viewer"])
    def test_bad_user_lines(self, tmp_path, value):
        path = tmp_path / "u.ini"
        path.write_text(f"[users]\nbob = {value}\n")
        with pytest.raises(InvalidInput, match="user 'bob'"):
            users.load_users(str(path))

    def test_unreadable_files(self, tmp_path):
        with pytest.raises(InvalidInput, match="config file"):
            users.load_users(str(tmp_path / "missing.ini"))
        bad = tmp_path / "bad.ini"
        bad.write_text("no section header\n")
        with pytest.raises(InvalidInput, match="config file"):
            users.load_users(str(bad))

    def test_no_users_section(self, tmp_path):
        path = tmp_path / "u.ini"
        path.write_text("[web]\nsecret = x\n")
        assert users.load_users(str(path)) == {}

    def test_user(self):
        user = users.User("bob", "viewer", "h")
        assert not user.can_manage and repr(user) == "<User bob viewer>"
        assert users.User("ann", "manager", "h").can_manage

    def test_add_user_creates_a_private_file(self, tmp_path):
        path = str(tmp_path / "new.ini")
        user = users.add_user(path, "bob", "viewer", "pw", iterations=FAST)
        assert os.stat(path).st_mode & 0o777 == 0o600
        assert open(path).read() == f"[users]\nbob = viewer:{user.password_hash}\n"
        assert users.authenticate(users.load_users(path), "bob", "pw") is not None

    def test_add_user_keeps_the_rest(self, tmp_path):
        path = tmp_path / "u.ini"
        path.write_text("# settings\n[web]\nsecret = x\n\n[users]\n; admins\n"
                        "ann = viewer:pbkdf2_sha256$1$ab$cd\n\n[other]\nk = v")
        os.chmod(path, 0o640)
        users.add_user(str(path), "bob", "manager", "pw", iterations=FAST)
        users.add_user(str(path), "ann", "manager", "new", iterations=FAST)
        text = path.read_text()
        assert text.startswith("# settings\n[web]\nsecret = x\n\n[users]\n; admins\nann = manager:")
        assert "\nbob = manager:" in text and text.endswith("\n\n[other]\nk = v\n")
        assert os.stat(path).st_mode & 0o777 == 0o640
        loaded = users.load_users(str(path))
        assert sorted(loaded) == ["ann", "bob"]
        assert users.authenticate(loaded, "ann", "new") is not None

    def test_add_user_appends_a_section(self, tmp_path):
        path = tmp_path / "u.ini"
        path.write_text("[web]\nsecret = x")
        users.add_user(str(path), "bob", "viewer", "pw", iterations=FAST)
        assert path.read_text().startswith("[web]\nsecret = x\n\n[users]\nbob = viewer:")
        empty = tmp_path / "empty.ini"
        empty.write_text("")
        users.add_user(str(empty), "bob", "viewer", "pw", iterations=FAST)
        assert empty.read_text().startswith("[users]\nbob = ")

    def test_add_user_matches_names_exactly(self, tmp_path):
        path = tmp_path / "u.ini"
        path.write_text("[users]\nbobby = viewer:pbkdf2_sha256$1$ab$cd\n"
                        "  bob = continuation of bobby\n")
        users.add_user(str(path), "bob", "viewer", "pw", iterations=FAST)
        assert path.read_text().count("bob = viewer:") == 1

    def test_add_user_refuses(self, tmp_path):
        path = tmp_path / "bad.ini"
        path.write_text("garbage\n")
        with pytest.raises(InvalidInput):
            users.add_user(str(path), "bob", "viewer", "pw", iterations=FAST)
        assert path.read_text() == "garbage\n"
        with pytest.raises(InvalidInput):
            users.add_user(str(tmp_path / "x.ini"), "bob", "root", "pw")
        assert not (tmp_path / "x.ini").exists()

    def test_remove_user(self, tmp_path, ini):
        assert users.remove_user(ini, "victor")
        assert sorted(users.load_users(ini)) == ["alice"]
        assert not users.remove_user(ini, "victor")
        path = tmp_path / "nousers.ini"
        path.write_text("[web]\n")
        assert not users.remove_user(str(path), "victor")

    def test_failed_write_leaves_the_file(self, tmp_path, ini, monkeypatch):
        before = open(ini).read()

        def broken(src, dst):
            raise OSError("disk full")
        monkeypatch.setattr(users.os, "replace", broken)
        with pytest.raises(OSError):
            users.add_user(ini, "bob", "viewer", "pw", iterations=FAST)
        assert open(ini).read() == before
        assert [p for p in os.listdir(os.path.dirname(ini)) if p.startswith(".zcron")] == []
