"""The hot path's written-out statements (`smmpanel.rows`) run by libpq itself, through psycopg's
low-level `pq` layer: one blocking call per statement, prepared once per connection.

psycopg's cursor spends about as much CPU on a statement as the round trip itself: it builds
its query object, looks the statement up in its preparation cache, and drives libpq from Python
generators, each step a resumption. For the key's lookup, run on every API request, that was
62 µs of the server's CPU against 24 µs for `PQexecPrepared` alone (a loop on the same
connection, bench/inprocess.py's database). Here the statement is sent and its rows received by
one call into libpq, which lets the other threads run while it waits (psycopg's C build releases
the interpreter lock). Parameters and rows are still converted by psycopg's own `Transformer`,
with the connection's adapters, and rows are read in binary, which it reads faster than text: for
the types Django reads as text (jsonb, inet, cidr), binary loaders give the same text, so the
values are the ones Django's cursors give
(https://www.psycopg.org/psycopg3/docs/api/pq.html, https://www.psycopg.org/psycopg3/docs/api/adapt.html).

Only outside a transaction (autocommit, the connection idle), where a statement is a transaction
of its own: inside one, psycopg must open it first, and the caller's cursor path runs instead.
Behind a pooler in transaction mode (settings: `prepare_threshold` None) a statement is sent
unnamed with its parameters each time (PostgreSQL's extended protocol, which PgBouncer passes
on), since a name prepared on one server connection would be missing on the next.
"""

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

import psycopg
from psycopg import errors, pq
from psycopg.abc import Buffer
from psycopg.adapt import AdaptersMap, Loader, PyFormat, Transformer
from psycopg.types.net import CidrBinaryLoader, InetBinaryLoader

_IDLE = pq.TransactionStatus.IDLE
_OK = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK)
# SQLSTATE 26000: the name is unknown to the server, e.g. after psycopg's `DEALLOCATE ALL`,
# which it sends after a ROLLBACK or a DROP or ALTER on the connection.
_UNKNOWN_STATEMENT = b"26000"


@cache
def numbered(sql: str) -> bytes:
    """The statement with PostgreSQL's `$1, $2…` placeholders for `%s` (and `%` for `%%`)."""
    count = 0

    def number(found: re.Match) -> str:
        nonlocal count
        if found.group() == "%%":
            return "%"
        count += 1
        return f"${count}"

    return re.sub(r"%%|%s", number, sql).encode()


class _JsonbAsText(Loader):
    """A jsonb value read in binary as the text Django's JSONField decodes itself (Django reads
    jsonb as text: `register_loader("jsonb", TextLoader)`). PostgreSQL's binary jsonb is a
    version byte, 1, then the text (`jsonb_send`)."""

    format = pq.Format.BINARY

    def load(self, data: Buffer) -> str:
        return bytes(data[1:]).decode()


class _InetAsText(InetBinaryLoader):
    """An inet value as text, as Django reads it (psycopg's own gives an `ipaddress` object,
    whose text is PostgreSQL's)."""

    def load(self, data: Buffer) -> str:  # type: ignore[override]
        return str(super().load(data))


class _CidrAsText(CidrBinaryLoader):
    def load(self, data: Buffer) -> str:  # type: ignore[override]
        return str(super().load(data))


def read_as_django(adapters: AdaptersMap) -> None:
    """Binary loaders that give what Django's text ones do, registered on `adapters`."""
    adapters.register_loader("jsonb", _JsonbAsText)
    adapters.register_loader("inet", _InetAsText)
    adapters.register_loader("cidr", _CidrAsText)


class _Context:
    """The connection, with `read_as_django`'s loaders."""

    def __init__(self, connection: psycopg.Connection):
        self.connection = connection
        self.adapters = AdaptersMap(connection.adapters)
        read_as_django(self.adapters)


class Statements:
    """One connection's prepared statements, by text and parameter types."""

    def __init__(self, connection: psycopg.Connection, prepare: bool):
        self.connection = connection
        self.prepare = prepare
        self.transformer = Transformer(_Context(connection))
        self.names: dict[tuple[str, tuple[int, ...]], bytes] = {}
        self.made = 0  # names are never used twice on a connection

    def usable(self) -> bool:
        """Whether a statement now would be a transaction of its own."""
        connection = self.connection
        return connection.autocommit and connection.pgconn.transaction_status == _IDLE

    def run(self, sql: str, params: Sequence[Any], fetch: str) -> Any:
        """`fetch` is "fetchone", "fetchall" or "rowcount", as `rows` asks."""
        transformer = self.transformer
        values = transformer.dump_sequence(params, [PyFormat.AUTO] * len(params))
        types = transformer.types or ()
        formats = transformer.formats or []
        pgconn = self.connection.pgconn
        if not self.prepare:
            result = pgconn.exec_params(
                numbered(sql), values, types, formats, result_format=pq.Format.BINARY
            )
        else:
            result = self._exec_prepared(sql, values, types, formats)
        if result.status not in _OK:
            raise self._error(result)
        if fetch == "rowcount":
            return result.command_tuples if result.command_tuples is not None else -1
        count = result.ntuples
        transformer.set_pgresult(result)
        if fetch == "fetchone":
            return transformer.load_row(0, tuple) if count else None
        return transformer.load_rows(0, count, tuple)

    def _exec_prepared(
        self, sql: str, values: Sequence[Buffer | None], types: tuple[int, ...], formats: list
    ) -> pq.abc.PGresult:
        pgconn = self.connection.pgconn
        key = (sql, types)
        for _attempt in range(2):
            name = self.names.get(key)
            if name is None:
                self.made += 1
                name = f"smmpanel_{self.made}".encode()
                prepared = pgconn.prepare(name, numbered(sql), types)
                if prepared.status != pq.ExecStatus.COMMAND_OK:
                    raise self._error(prepared)
                self.names[key] = name
            # None is SQL's NULL to libpq (psycopg's own cursors pass it so; its stubs omit it).
            result = pgconn.exec_prepared(
                name,
                values,  # type: ignore[arg-type]
                formats,
                result_format=pq.Format.BINARY,
            )
            state = result.error_field(pq.DiagnosticField.SQLSTATE)
            if state != _UNKNOWN_STATEMENT:
                return result
            self.names.clear()  # deallocated: prepared again
        return result

    def _error(self, result: pq.abc.PGresult) -> psycopg.Error:
        if result.status == pq.ExecStatus.FATAL_ERROR and result.error_field(
            pq.DiagnosticField.SQLSTATE
        ):
            return errors.error_from_result(result, encoding=self.connection.info.encoding)
        # No answer from the server (the connection is gone): psycopg's own class for that.
        message = self.connection.pgconn.get_error_message()
        return psycopg.OperationalError(message or "the statement failed")
