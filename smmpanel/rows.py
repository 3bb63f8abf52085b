"""Hand-written SQL statements for the hot path (the API's requests), run on the driver's
connection, and one-row reads and inserts with the ORM's own value conversions, without compiling
a query on every call.

`fetchone`, `fetchall` and `execute` run a fixed statement (written with `%s` placeholders) on the
database driver's connection itself; on PostgreSQL as a prepared statement, planned once per
connection (settings: not behind a pooler in transaction mode). Django's cursor wraps every
statement in several layers and, on SQLite, rewrites its placeholders with a regular expression
each time; for a request that runs one indexed read, those layers cost more than the read. The
parts of them that matter are kept: the connection health check, the refusal to run in a broken
transaction, Django's error classes, and, while queries are being logged (DEBUG, or a test
capturing them), Django's own cursor.
Values come back as the driver gives them: callers cast what they need in SQL (money as text).

An ORM `get()` or `create()` spends more time building its SQL than the database spends running
it; `add` does several of them per request. These two functions build the statement once per model
(for the process's one database) and reuse Django's field conversions, so the values read and
written are exactly the ones the ORM would read and write. Signals are not sent: nothing here uses
model signals.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

M = TypeVar("M", bound=models.Model)


@cache
def _native(vendor: str, sql: str) -> str:
    """The statement in the driver's placeholder style (SQLite's `?`), converted once."""
    if vendor == "sqlite":
        return FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")
    return sql


def _run(sql: str, params: Sequence[Any], fetch: str) -> Any:
    db = connections[DEFAULT_DB_ALIAS]
    if db.queries_logged:
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount if fetch == "rowcount" else getattr(cursor, fetch)()
    db.close_if_health_check_failed()
    if db.connection is None:
        db.ensure_connection()
    db.validate_no_broken_transaction()
    with db.wrap_database_errors:
        if db.vendor == "postgresql":
            # Prepared on the connection the first time (unless settings turn preparing off):
            # each statement here is fixed text run on every request. Outside a transaction by
            # libpq itself (smmpanel.postgresql.statements). Rows come in binary, which psycopg
            # reads faster than text (the values are the same).
            if (statements := db.statements()) is not None:  # type: ignore[attr-defined]
                return statements.run(sql, params, fetch)
            cursor = db.statement_cursor()  # type: ignore[attr-defined]
            cursor.execute(sql, params, prepare=True, binary=True)
            return cursor.rowcount if fetch == "rowcount" else getattr(cursor, fetch)()
        cursor = db.connection.execute(_native(db.vendor, sql), params)
        try:
            return cursor.rowcount if fetch == "rowcount" else getattr(cursor, fetch)()
        finally:
            cursor.close()


def fetchone(sql: str, params: Sequence[Any]) -> tuple | None:
    """The first row of a written-out SELECT (see the module's docstring)."""
    return _run(sql, params, "fetchone")


def fetchall(sql: str, params: Sequence[Any]) -> list[tuple]:
    return _run(sql, params, "fetchall")


def execute(sql: str, params: Sequence[Any]) -> int:
    """Run a written-out INSERT, UPDATE or DELETE; the number of rows it changed."""
    return _run(sql, params, "rowcount")


def _column(field: models.Field) -> str:
    return connection.ops.quote_name(field.column or field.name)


@cache
def _select(model: type[models.Model]) -> tuple[str, list[str], list[tuple[int, list, Any]]]:
    """The SELECT by primary key of every concrete column, and each column's converters."""
    fields = model._meta.concrete_fields
    table = model._meta.db_table
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(table)}.{_column(field)}" for field in fields)
    pk_column = _column(model._meta.pk)  # type: ignore[arg-type]
    sql = f"SELECT {columns} FROM {quote(table)} WHERE {quote(table)}.{pk_column} = %s"
    converters = []
    for position, field in enumerate(fields):
        column = field.get_col(table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((position, found, column))
    return sql, [field.attname for field in fields], converters


def get(model: type[M], pk: int) -> M | None:
    """`model.objects.filter(pk=pk).first()`, without building the query each time."""
    sql, names, converters = _select(model)
    row = fetchone(sql, [pk])
    if row is None:
        return None
    db = connections[DEFAULT_DB_ALIAS]
    values = list(row)
    for position, found, column in converters:
        value = values[position]
        for convert in found:
            value = convert(value, column, db)
        values[position] = value
    return model.from_db(db.alias, names, values)


def reader(field: models.Field) -> Callable[[Any], Any] | None:
    """What the ORM does to a value of `field` read from the database, as one function (None when
    it keeps it as it is). SQLite's datetimes (text, in UTC) and booleans have shortcuts: Django's
    converters look the connection up on each value, and the datetime's reads the settings and
    the connection's time zone."""
    db = connection
    column = field.get_col(field.model._meta.db_table)
    found = db.ops.get_db_converters(column) + column.get_db_converters(db)
    if not found:
        return None
    if (
        db.vendor == "sqlite"
        and type(field) is models.DateTimeField
        and len(found) == 1
        and settings.USE_TZ
        and db.settings_dict.get("TIME_ZONE") is None
    ):
        return _sqlite_datetime
    if db.vendor == "sqlite" and type(field) is models.BooleanField and len(found) == 1:
        return _sqlite_boolean

    def convert(value: Any) -> Any:
        db = connections[DEFAULT_DB_ALIAS]
        for each in found:
            value = each(value, column, db)
        return value

    return convert


def _sqlite_boolean(value: Any) -> Any:
    # Django's `convert_booleanfield_value`.
    return bool(value) if value in (1, 0) else value


def _sqlite_datetime(value: Any) -> Any:
    # A column declared datetime comes already parsed by the driver (Django's converter), naive.
    if type(value) is datetime:
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if type(value) is str:
        try:
            found = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return found if found.tzinfo is not None else found.replace(tzinfo=UTC)
    return connection.ops.convert_datetimefield_value(value, None, connection)  # type: ignore[attr-defined]


@cache
def _plain(model: type[models.Model]) -> bool:
    """Whether making an instance runs nothing but setting its fields (no init signals)."""
    return not (pre_init.has_listeners(model) or post_init.has_listeners(model))


def instance(model: type[M], names: list[str], values: list[Any]) -> M:
    """`model.from_db` of a row of every concrete field (`names` their attnames, in order, and
    `values` converted), without `Model.__init__`, which costs microseconds per field: the
    instance is the same, its values in its `__dict__` and a `_state` from the database."""
    if not _plain(model):
        return model.from_db(DEFAULT_DB_ALIAS, names, values)
    obj = model.__new__(model)
    state = obj.__dict__["_state"] = ModelState()
    state.adding = False
    state.db = DEFAULT_DB_ALIAS
    obj.__dict__.update(zip(names, values, strict=True))
    return obj


# Columns whose database value is the Python value itself, on both backends, when that value is a
# plain int or str (or None, stored as NULL): the field's conversion would return it unchanged.
_PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "CharField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def _as_is(field: models.Field, db: BaseDatabaseWrapper) -> frozenset[type]:
    """The Python types whose values `field.get_db_prep_save` returns unchanged (or equal)."""
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    kind = target.get_internal_type()
    if kind in _PLAIN_TYPES:
        return frozenset({int, str, type(None)})
    if type(field) is models.BooleanField:
        return frozenset({bool, type(None)})
    if type(field) is models.DecimalField and (
        type(db.ops).adapt_decimalfield_value is BaseDatabaseOperations.adapt_decimalfield_value
    ):
        # The field passes a copy of the Decimal to the backend, which hands it on as it is.
        return frozenset({Decimal, type(None)})
    if type(field) in (models.DateTimeField, models.DecimalField, models.JSONField):
        return frozenset({type(None)})
    return frozenset()


@dataclass(frozen=True)
class _Column:
    field: models.Field
    attname: str
    # The field computes its value on saving (its own `pre_save`: auto_now, auto_now_add…).
    set_on_save: bool
    # The types of value written as they are (see `_as_is`).
    as_is: frozenset[type]
    is_datetime: bool


def datetime_param(db: BaseDatabaseWrapper, value: datetime) -> Any:
    """An aware datetime as `db.ops.adapt_datetimefield_value` gives it to the driver (and so as
    a DateTimeField converts it for saving), with a shortcut for one already in the connection's
    time zone (as `timezone.now()` gives them): the field's conversion takes several microseconds,
    and an order has three of them."""
    if value.tzinfo is not None and value.tzinfo is db.timezone:
        if db.vendor == "sqlite":
            return str(value.replace(tzinfo=None))
        if db.vendor == "postgresql":
            return value
    return db.ops.adapt_datetimefield_value(value)


@cache
def _insert(model: type[models.Model]) -> tuple[str, list[_Column]]:
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(_column(field) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    pk_column = _column(model._meta.pk)  # type: ignore[arg-type]
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders}) "
        f"RETURNING {pk_column}"
    )
    plan = [
        _Column(
            field,
            field.attname,
            type(field).pre_save is not models.Field.pre_save,
            _as_is(field, connection),
            type(field) is models.DateTimeField,
        )
        for field in fields
    ]
    return sql, plan


def insert_params(obj: models.Model) -> list[Any]:
    """The values `insert` writes for `obj`, converted for the database as the fields convert
    them. Converting them before a transaction begins shortens the time it holds the write lock
    (see `insert`)."""
    _, plan = _insert(type(obj))
    db = connections[DEFAULT_DB_ALIAS]
    params = []
    for column in plan:
        if column.set_on_save:
            value = column.field.pre_save(obj, True)
        else:
            value = getattr(obj, column.attname)
            if type(value) in column.as_is:
                params.append(value)
                continue
        if column.is_datetime and type(value) is datetime and value.tzinfo is not None:
            params.append(datetime_param(db, value))
            continue
        params.append(column.field.get_db_prep_save(value, db))
    return params


def insert(obj: M, params: list[Any] | None = None) -> M:
    """Save a new instance (`Model.objects.create`), with its fields' defaults and auto_now values,
    and set its primary key. `params`: `insert_params(obj)`, when taken earlier."""
    sql, _ = _insert(type(obj))
    if params is None:
        params = insert_params(obj)
    obj.pk = fetchone(sql, params)[0]  # type: ignore[index]
    obj._state.adding = False
    obj._state.db = DEFAULT_DB_ALIAS
    return obj


@cache
def insert_select(model: type[models.Model], source: str) -> str:
    """`insert`'s statement as an `INSERT … SELECT` of the same values (`insert_params`), one row
    for each row of `source` (a name in the statement's WITH clause): no row when it has none."""
    sql, _ = _insert(model)
    columns, _, rest = sql.partition(" VALUES ")
    values, _, returning = rest.rpartition(" RETURNING ")
    return f"{columns} SELECT {values[1:-1]} FROM {source} RETURNING {returning}"
