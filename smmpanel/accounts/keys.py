"""API keys: shown once, stored as a SHA-256 hash, looked up by that hash's unique index."""

import hashlib
import secrets
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, partial
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from smmpanel import rows
from smmpanel.accounts.errors import AccountError, AccountErrorCode
from smmpanel.accounts.models import Account
from smmpanel.versions import cache as versions


class Along:
    """A read of the account's own rows that rides along with its key's lookup, as one more
    column of that statement: on PostgreSQL, where each statement is a round trip, a request
    that needs both makes one instead of two. `column` is an SQL expression of the account's
    row, `a` (its `%s` placeholders take `params`); after the lookup `value` holds what it gave
    (None when the key is unknown). `given`: whatever its maker wants handed back with it."""

    __slots__ = ("column", "params", "value", "given")

    def __init__(self, column: str, params: list):
        self.column = column
        self.params = params
        self.value: Any = None
        self.given: Any = None


@cache
def _by_key_hash(
    along: str = "",
) -> tuple[str, list[str], list[tuple[int, Callable[[Any], Any]]]]:
    """The API's hottest query, written out (the ORM would compile it anew on every request):
    the whole account, and the versions of what the request may read from caches, in one
    statement, with an `Along` column last when one is given. One row always (no account: its
    columns are NULL). Decimals are read as text, which SQLite prints exactly; each other
    column's conversion (`rows.reader`), by position."""
    db = connections[DEFAULT_DB_ALIAS]
    fields = Account._meta.concrete_fields
    columns = []
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    for position, field in enumerate(fields):
        column = f"a.{db.ops.quote_name(field.column or field.attname)}"
        if isinstance(field, models.DecimalField):
            columns.append(f"CAST({column} AS TEXT)")
            quantum = Decimal(1).scaleb(-field.decimal_places)  # type: ignore[arg-type]
            converters.append((position, partial(_decimal, quantum=quantum)))
            continue
        if db.vendor == "sqlite" and type(field) is models.DateTimeField:
            # As text: read by `datetime.fromisoformat`, not by the driver's converter and then
            # Django's (the reader's shortcut takes either).
            column = f"CAST({column} AS TEXT)"
        columns.append(column)
        if (convert := rows.reader(field)) is not None:
            converters.append((position, convert))
    sql = (
        f"SELECT {', '.join(columns)}, {versions.COLUMNS}{', ' if along else ''}{along} "
        f"FROM (SELECT 1) AS one LEFT JOIN {Account._meta.db_table} a ON a.api_key_hash = %s"
    )
    return sql, [field.attname for field in fields], converters


def _decimal(text: str, quantum: Decimal) -> Decimal:
    return Decimal(text).quantize(quantum, ROUND_HALF_UP)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_api_key(*, account: Account) -> str:
    """Give the account a new key, replacing any old one, and return it: it is never stored."""
    key = secrets.token_hex(16)
    with transaction.atomic():
        Account.objects.filter(pk=account.pk).update(
            api_key_hash=hash_key(key), api_key_hint=key[:6]
        )
    account.api_key_hash = hash_key(key)
    account.api_key_hint = key[:6]
    return key


def authenticate_key(key: str | None, along: Along | None = None) -> Account:
    """The active account owning `key`, every field loaded as the ORM would, read by one
    statement that also reads the versions of the cached things (`versions.note`: a request
    within a `versions.scope` reads them no more) and `along`'s column; AccountError when there
    is none or it is suspended. Nothing about accounts is cached: a new key or a suspension
    counts at once."""
    if not key or len(key) > 200:
        raise AccountError(AccountErrorCode.INVALID_KEY)
    column, params = ("", []) if along is None else (along.column, along.params)
    sql, names, converters = _by_key_hash(column)
    # `along`'s column comes before the key's condition in the statement, and so its parameters.
    row = rows.fetchone(sql, [*params, hash_key(key)])
    assert row is not None  # one row always
    count = len(names)
    versions.note(row[count : count + len(versions.NAMES)])
    if along is not None:
        along.value = row[-1]
    values = list(row[:count])
    if values[0] is None:
        raise AccountError(AccountErrorCode.INVALID_KEY)
    for position, convert in converters:
        if values[position] is not None:
            values[position] = convert(values[position])
    account = rows.instance(Account, names, values)
    if account.status != Account.Status.ACTIVE:
        raise AccountError(AccountErrorCode.SUSPENDED)
    return account
