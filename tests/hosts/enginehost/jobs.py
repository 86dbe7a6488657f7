"""Runners that leave evidence outside the database, so tests can count
invocations independently of zcron's own logs."""
import os
import time

import zcron


class Record(zcron.Runner):
    """Append one line per invocation to environ['out']; sleep
    environ['sleep'] seconds the first time environ['marker'] is absent."""

    def run(self):
        environ = self.environ
        line = f"{self.cron.name} {self.fire_time.isoformat()} {os.getpid()} {self.execution_id}\n"
        fd = os.open(environ["out"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)
        marker = environ.get("marker")
        if marker and not os.path.exists(marker):
            with open(marker, "w") as f:
                f.write(str(os.getpid()))
            time.sleep(environ.get("sleep", 60))
