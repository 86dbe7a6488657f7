"""The dashboard served from a thread of a process that already has the
database open: a FileStorage opens in one process only, so ``zcron worker
--web`` and the demo serve the dashboard next to their worker."""
import os
import threading

from zcron.exceptions import ZcronError


class PortInUse(ZcronError):
    """The dashboard's address is taken."""


class DashboardThread:
    def __init__(self, db, zcml, config, host, port):
        import waitress
        from zcron.web import make_app

        if isinstance(zcml, (str, os.PathLike)):
            zcml = [zcml]
        app = make_app({"zcron.db_object": db, "zcron.zcml": [str(z) for z in zcml or ()],
                        "zcron.config": None if config is None else str(config)})
        try:
            # binds now: a port in use fails here, in the caller's thread
            self.server = waitress.create_server(app, host=host, port=port, threads=4)
        except OSError as e:
            raise PortInUse(f"cannot serve the dashboard on {host}:{port}: "
                            f"{e.strerror or e}") from None
        self.url = f"http://{host}:{self.server.effective_port}/"
        self.thread = threading.Thread(target=self.server.run, daemon=True,
                                       name="zcron-web")

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        try:
            self.server.close()
            self.server.task_dispatcher.shutdown()
        finally:
            self.thread.join(5)
