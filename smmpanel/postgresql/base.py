"""Django's PostgreSQL backend, with a health check that costs no round trip.

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

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        try:
            waiting = select.select([self.connection.fileno()], [], [], 0)[0]
        except (OSError, ValueError):
            return False
        return not waiting or super().is_usable()
