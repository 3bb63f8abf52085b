"""Count what each API action costs the database per request: statements, and round trips.

Run by bench/api.py with the server's SMMPANEL_* environment, before the server starts: reads a
JSON file {action: [path, [form body, …]]} and sends the first bodies, one after another, through
the WSGI application itself (what `smmpanel serve` runs: middleware, signals, health checks and
all). They are sent twice: the first time fills the process's caches (the services ordered…), the
second is counted, on the database driver's own connection, so that nothing the panel does escapes
the count:

- PostgreSQL: libpq's trace of the wire protocol. A statement is a CommandComplete (BEGIN and
  COMMIT are statements too); a round trip is each time the panel, having sent something, waits
  for the server's reply (a pipeline sends several statements in one).
- SQLite: the driver's trace callback, one call per statement (a trigger's statements are not
  counted: they run inside the statement that fired them). SQLite has no round trips.

The rate limits' counts are shared through the cache at most twice a second per key and process,
whatever the load: they are left out (a flush interval of an hour here), so that the counts are
the same from one run to the next.

Prints one JSON object {action: {"statements": s, "round_trips": r or null}}, averages per
request.
"""

# ruff: noqa: E402 (Django is set up before the panel is imported)
import argparse
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable
from urllib.parse import urlencode

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smmpanel.settings")
os.environ["SMMPANEL_RATE_LIMIT_FLUSH_SECONDS"] = "3600"
django.setup()

from django.db import connection

from smmpanel.wsgi import application

# Requests counted per action.
COUNTED = 40


def post(path: str, body: dict[str, str]) -> int:
    """One POST through the WSGI application; its HTTP status."""
    data = urlencode(body).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(data)),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(data),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    statuses = []
    reply = application(environ, lambda status, headers, *_: statuses.append(status))
    try:
        b"".join(reply)
    finally:
        getattr(reply, "close", lambda: None)()
    return int(statuses[0].split()[0])


class PostgresCount:
    """Statements and round trips read from libpq's trace of the connection."""

    def __init__(self) -> None:
        from psycopg import pq

        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop)
        self.pgconn = connection.connection.pgconn
        self.pgconn.trace(self.file.fileno())
        self.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)

    def stop(self) -> tuple[int, int | None]:
        self.pgconn.untrace()
        self.file.seek(0)
        statements = round_trips = 0
        sending = False
        for line in self.file.read().decode(errors="replace").splitlines():
            direction, _, rest = line.partition("\t")
            message = rest.split("\t")[1] if "\t" in rest else ""
            if direction == "F":
                sending = True
            elif direction == "B":
                if sending:
                    round_trips += 1
                    sending = False
                statements += message == "CommandComplete"
        self.file.close()
        return statements, round_trips


class SqliteCount:
    def __init__(self) -> None:
        self.statements = 0
        self.driver = connection.connection
        self.driver.set_trace_callback(self._traced)

    def _traced(self, sql: str) -> None:
        if not sql.lstrip().startswith("--"):
            self.statements += 1

    def stop(self) -> tuple[int, int | None]:
        self.driver.set_trace_callback(None)
        return self.statements, None


COUNTERS: dict[str, Callable[[], PostgresCount | SqliteCount]] = {
    "postgresql": PostgresCount,
    "sqlite": SqliteCount,
}


def count(path: str, bodies: list[dict[str, str]]) -> dict[str, float | None]:
    counted = [bodies[n % len(bodies)] for n in range(COUNTED)]
    # The same requests first: what they read from caches is cached when they are counted.
    for body in counted:
        post(path, body)
    connection.ensure_connection()
    counter = COUNTERS[connection.vendor]()
    failed = 0
    try:
        for body in counted:
            failed += post(path, body) != 200
    finally:
        statements, round_trips = counter.stop()
    if failed:
        raise SystemExit(f"{failed} of {COUNTED} requests to {path} failed")
    return {
        "statements": statements / COUNTED,
        "round_trips": None if round_trips is None else round_trips / COUNTED,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("loads", help="a JSON file: {action: [path, [form body, …]]}")
    args = parser.parse_args()
    with open(args.loads) as file:
        loads = json.load(file)
    print(json.dumps({action: count(path, bodies) for action, (path, bodies) in loads.items()}))


if __name__ == "__main__":
    main()
