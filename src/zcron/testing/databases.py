"""zcron.testing.databases owns the database factories sharing one shape
(``kind``, ``multi_process``, ``uri``, ``open()``, ``close()``), so one
test runs against each storage: memory, FileStorage, ZEO, PostgreSQL."""
import os

from zcron.db import open_db
from zcron.testing.servers import PostgreSQLServer, ZEOServer


class MemoryDatabase:
    kind = "memory"
    multi_process = False

    def __init__(self, tmp_path):
        self.uri = "memory://"

    def open(self):
        return open_db(self.uri)

    def close(self):
        pass


class FileStorageDatabase:
    kind = "file"
    multi_process = False

    def __init__(self, tmp_path):
        self.uri = f"file://{tmp_path}/Data.fs"

    def open(self):
        return open_db(self.uri)

    def close(self):
        pass


class ZEODatabase:
    kind = "zeo"
    multi_process = True

    def __init__(self, tmp_path):
        self.server = ZEOServer(os.path.join(str(tmp_path), "zeo")).start()
        self.uri = self.server.uri

    def open(self):
        return open_db(self.uri)

    def close(self):
        self.server.stop()


class PostgreSQLDatabase:
    """A database in a throw-away PostgreSQL cluster (RelStorage). Given a
    running ``server``, a new database in it (dropped by ``close()``);
    otherwise a cluster of its own (stopped by ``close()``)."""
    kind = "postgresql"
    multi_process = True

    def __init__(self, tmp_path, server=None):
        if server is None:
            self.server, self._own = PostgreSQLServer().start(), True
            self.uri = self.server.uri
        else:
            self.server, self._own = server, False
            self._dbname = "zcron_" + os.urandom(6).hex()
            self.uri = server.create_database(self._dbname)

    def open(self):
        return open_db(self.uri)

    def close(self):
        if self._own:
            self.server.stop()
        else:
            self.server.drop_database(self._dbname)
