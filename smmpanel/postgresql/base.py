"""Django's PostgreSQL backend, with a health check that costs no round trip, and what runs the
hot path's written-out statements (`smmpanel.rows`).

With persistent connections (settings: CONN_MAX_AGE None) Django checks the connection before a
request's first statement (CONN_HEALTH_CHECKS), so that one the server has ended since the last
request (a restart, a failover, a terminated backend, a pooler's idle timeout) is replaced
instead of failing the request. Django's check is a `SELECT 1`: one more round trip on every
request, which measured as much as the API's own statement on a `balance` (bench/api.py).

Here the check asks the socket instead: between two requests the connection is idle, and an idle
connection has nothing to read unless the server has ended it (its farewell message, or the end
of the stream, is waiting). Only then is Django's `SELECT 1` run, to decide. A connection whose
server vanished without a word (a network cut) is found by neither check before the request's
statement fails: Django's `SELECT 1` would wait for the same TCP timeout.
"""

import select

import psycopg
from django.db.backends.postgresql import base

from smmpanel.postgresql.statements import Statements, read_as_django


class DatabaseWrapper(base.DatabaseWrapper):
    _statement_cursor: psycopg.Cursor | None = None
    _statements: Statements | None = None

    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        try:
            waiting = select.select([self.connection.fileno()], [], [], 0)[0]
        except (OSError, ValueError):
            return False
        return not waiting or super().is_usable()

    def statements(self) -> Statements | None:
        """The open connection's runner of `rows`' statements (see `statements`), when a
        statement now would be a transaction of its own; None inside a transaction."""
        found = self._statements
        if found is None or found.connection is not self.connection:
            prepare = self.connection.prepare_threshold is not None
            found = self._statements = Statements(self.connection, prepare)
        return found if found.usable() else None

    def statement_cursor(self) -> psycopg.Cursor:
        """The open connection's cursor for `rows` inside a transaction: it binds parameters on
        the server, so that a statement can be prepared (Django's own cursors bind them on the
        client, which cannot), and it is kept with the connection, because making a psycopg
        cursor costs more CPU than reading the row of an API key (measured: 77 µs a lookup with
        a new cursor each time, 62 µs with this one). Connections are per thread, so is this."""
        cursor = self._statement_cursor
        if cursor is None or cursor.connection is not self.connection:
            cursor = self._statement_cursor = psycopg.Cursor(self.connection)
            read_as_django(cursor.adapters)  # rows come in binary (see `statements`)
        return cursor
