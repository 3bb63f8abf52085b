"""Reading and inserting one row for the API's hot paths: the ORM's own value conversions, without
compiling a query on every call.

An ORM `get()` or `create()` spends more time building its SQL than the database spends running
it; `add` does several of them per request. These two functions build the statement once per model
(for the process's one database) and reuse Django's field conversions, so the values read and
written are exactly the ones the ORM would read and write. Signals are not sent: nothing here uses
model signals.
"""

from functools import cache
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

M = TypeVar("M", bound=models.Model)


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
    # The connection itself: each attribute read through the `connection` proxy costs a lookup.
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, found, column in converters:
        value = values[position]
        for convert in found:
            value = convert(value, column, db)
        values[position] = value
    return model.from_db(db.alias, names, values)


@cache
def _insert(model: type[models.Model]) -> tuple[str, list[models.Field]]:
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(_column(field) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    pk_column = _column(model._meta.pk)  # type: ignore[arg-type]
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders}) "
        f"RETURNING {pk_column}"
    )
    return sql, fields


def insert(obj: M) -> M:
    """Save a new instance (`Model.objects.create`), with its fields' defaults and auto_now values,
    and set its primary key."""
    sql, fields = _insert(type(obj))
    db = connections[DEFAULT_DB_ALIAS]
    params = [field.get_db_prep_save(field.pre_save(obj, True), db) for field in fields]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = db.alias
    return obj
