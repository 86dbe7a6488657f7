"""zcron.web (the package's __init__): the application factory, its
settings, commit veto and renderer globals, and serve().
"""
import base64
import threading

import pytest
from pyramid.interfaces import ISessionFactory

import zcron
import zcron.config
from zcron.exceptions import InvalidInput
from zcron import web

from web_support import (Client, alice, app, client, components, db, ini,  # noqa: F401
                         read, shared_app)


def serving(fake_serve):
    """A stand-in for waitress.create_server whose server's run() is
    ``fake_serve(app, **options)``."""
    class Server:
        effective_port = 8080

        def __init__(self, app, **kw):
            self.run = lambda: fake_serve(app, **kw)
    return Server


class TestApp:
    def test_commit_veto(self):
        class R:
            def __init__(self, method, status):
                self.method, self.status = method, status
        assert web.commit_veto(R("GET", None), R(None, "200 OK"))
        assert web.commit_veto(R("POST", None), R(None, "422 Unprocessable"))
        assert web.commit_veto(R("POST", None), R(None, "500 Error"))
        assert not web.commit_veto(R("POST", None), R(None, "303 See Other"))

    def test_renderer_globals_need_a_template_and_a_request(self):
        event = {"renderer_name": "json"}
        web.add_renderer_globals(event)
        assert event == {"renderer_name": "json"}
        event = {"renderer_name": "x.pt", "request": None}
        web.add_renderer_globals(event)
        assert "fmt" not in event

    def test_settings(self, ini, tmp_path, monkeypatch):
        monkeypatch.setenv("ZCRON_CONFIG", ini)
        app = web.make_app({"zcron.db": "memory://"})
        assert self.scrape(app).status_int == 200          # $ZCRON_CONFIG's users
        app.zcron_db.close()
        plain = tmp_path / "plain.ini"
        plain.write_text("[users]\n")
        app = web.make_app({"zcron.db": "memory://", "zcron.config": str(plain)})
        assert web.web_options(str(plain)) == {}
        app.zcron_db.close()
        monkeypatch.delenv("ZCRON_CONFIG")
        assert web.web_options(None) == {}
        app = web.main({}, **{"zcron.db": "memory://", "zcron.secret": "x"})
        assert self.scrape(app).status_int == 401           # no users at all
        app.zcron_db.close()

    @staticmethod
    def scrape(app):
        auth = "Basic " + base64.b64encode(b"alice:alice-pw").decode()
        return Client(app).get("/metrics", headers={"Authorization": auth})

    def test_web_options(self, tmp_path):
        path = tmp_path / "w.ini"
        path.write_text("[web]\nsecret = s\ncookie_secure = true\nsession_timeout = 60\n")
        assert web.web_options(str(path)) == {"secret": "s", "cookie_secure": "true",
                                              "session_timeout": "60"}
        app = web.make_app({"zcron.db": "memory://", "zcron.config": str(path)})
        factory = app.registry.getUtility(ISessionFactory)
        assert factory._cookie_secure and factory._timeout == 60
        app.zcron_db.close()

    def test_zcml(self, tmp_path, ini):
        zcml = tmp_path / "host.zcml"
        zcml.write_text('<configure xmlns="http://namespaces.zope.org/zope">'
                        '<include package="zcron" />'
                        '<adapter factory="zcron.runners.Runner" name="from-zcml" /></configure>')
        zcron.config.reset()
        try:
            app = web.make_app({"zcron.db": "memory://", "zcron.config": ini,
                                "zcron.zcml": str(zcml)})
            assert "from-zcml" in zcron.config.runner_names()
            app.zcron_db.close()
            app = web.make_app({"zcron.db": "memory://", "zcron.config": ini,
                                "zcron.zcml": [str(zcml)]})
            assert app.registry.settings["zcron.zcml"] == [str(zcml)]
            app.zcron_db.close()
        finally:
            zcron.config.reset()

    def test_serve(self, ini, monkeypatch):
        import waitress
        calls = []

        def fake_serve(app, **kw):
            calls.append((app, kw))
            raise KeyboardInterrupt
        monkeypatch.setattr(waitress, "create_server", serving(fake_serve))
        closed = []
        real = web.make_app

        def spy(settings):
            app = real(settings)
            close = app.zcron_db.close
            app.zcron_db.close = lambda: closed.append(app) or close()
            return app
        monkeypatch.setattr(web, "make_app", spy)
        web.serve("memory://", None, config=ini)
        app, kw = calls[-1]
        assert kw == {"host": "127.0.0.1", "port": 8080, "max_request_body_size": 20 << 20}
        assert closed == [app]                     # the database is closed at the end
        web.serve("memory://", [], host="0.0.0.0", port="9000", config=ini, threads=8)
        assert calls[-1][1] == {"host": "0.0.0.0", "port": 9000, "threads": 8,
                                "max_request_body_size": 20 << 20}

    def test_serve_stops_on_sigterm(self, ini, monkeypatch):
        import signal
        import waitress
        seen = []

        def fake_serve(app, **kw):
            seen.append(signal.getsignal(signal.SIGTERM))
            web._interrupt(signal.SIGTERM, None)
        monkeypatch.setattr(waitress, "create_server", serving(fake_serve))
        before = signal.getsignal(signal.SIGTERM)
        web.serve("memory://", None, config=ini)
        assert seen == [web._interrupt] and signal.getsignal(signal.SIGTERM) == before

    def test_serve_in_a_thread(self, ini, monkeypatch):
        import waitress
        done = []
        monkeypatch.setattr(waitress, "create_server",
                            serving(lambda app, **kw: done.append(app)))
        thread = threading.Thread(target=web.serve, args=("memory://", None),
                                  kwargs={"config": ini})
        thread.start()
        thread.join()
        assert done

    def test_serve_needs_users(self, tmp_path, monkeypatch):
        monkeypatch.delenv("ZCRON_CONFIG", raising=False)
        with pytest.raises(InvalidInput, match="needs users"):
            web.serve("memory://", None)
        empty = tmp_path / "empty.ini"
        empty.write_text("[users]\n")
        with pytest.raises(InvalidInput, match="needs users"):
            web.serve("memory://", None, config=str(empty))

    def test_serve_with_zcml_path(self, ini, tmp_path, monkeypatch):
        """A single path (not a list) is loaded as the host's ZCML."""
        import waitress
        zcml = tmp_path / "host.zcml"
        zcml.write_text('<configure xmlns="http://namespaces.zope.org/zope">'
                        '<include package="zcron" />'
                        '<adapter factory="zcron.runners.Runner" name="served" /></configure>')
        served = []
        monkeypatch.setattr(waitress, "create_server",
                            serving(lambda app, **kw: served.append(app)))
        zcron.config.reset()
        try:
            web.serve("memory://", str(zcml), config=ini)
            assert "served" in zcron.config.runner_names()
            assert [app.registry.settings["zcron.zcml"] for app in served] == [[str(zcml)]]
        finally:
            zcron.config.reset()


BAD_PATHS = ["/%ff", "/sites/%ff%fe", "/sites/default/crons/%ff/logs", "/metrics%ff",
             "/login?came_from=%ff", "/sites/default?status=%C3"]


class TestUndecodableURLs:
    """A path or query that is not UTF-8 gets 400 and the error page, not a 500."""

    @pytest.mark.parametrize("path", BAD_PATHS)
    def test_anonymous(self, client, path):
        res = client.get(path)
        assert res.status_int == 400 and res.content_type == "text/html"
        assert "<h1>Bad request</h1>" in res.text and "not valid UTF-8" in res.text
        assert res.headers["X-Frame-Options"] == "DENY"

    @pytest.mark.parametrize("path", BAD_PATHS)
    def test_logged_in(self, alice, db, path):
        before = read(db, lambda root: root._p_jar.db().lastTransaction())
        res = alice.post(path, {"x": "1"}) if path == "/%ff" else alice.get(path)
        assert res.status_int == 400 and "Log out" in res.text    # the user's page
        assert read(db, lambda root: root._p_jar.db().lastTransaction()) == before
        assert alice.get("/").status_int == 200

    def test_good_paths_still_routed(self, alice):
        assert alice.get("/sites/%C3%A9").status_int == 404       # é: no such site
        assert alice.get("/sites/default").status_int == 200


class TestSavedSlashSite:
    def test_listed_not_opened(self, alice, db):
        import transaction
        from zcron.db import get_root
        tm = transaction.TransactionManager()
        conn = db.open(tm)
        site = zcron.CronSite("legacy")           # '/' is refused now: saved before
        site.name = "a/b"
        get_root(conn).add_site(site)
        tm.commit()
        conn.close()
        home = alice.get("/")
        assert home.status_int == 200 and "a/b" in home.text
        assert alice.get("/sites/a%2Fb").status_int == 404
        assert alice.get("/sites/default").status_int == 200
