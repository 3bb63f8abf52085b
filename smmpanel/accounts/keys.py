"""API keys: shown once, stored as a SHA-256 hash, looked up by that hash's unique index."""

import hashlib
import secrets
from decimal import Decimal

from django.db import connection, transaction

from smmpanel import rows
from smmpanel.accounts.errors import AccountError, AccountErrorCode
from smmpanel.accounts.models import Account
from smmpanel.money import from_db_text

# The API's hottest query, written out: the ORM would compile it anew on every request.
_BY_KEY_HASH = (
    f"SELECT id, CAST(balance AS TEXT), status, CAST(rate_discount AS TEXT) "
    f"FROM {Account._meta.db_table} "
    "WHERE api_key_hash = %s"
)


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


def authenticate_key(key: str | None) -> Account:
    """The active account owning `key` (what the API uses of it loaded); AccountError when
    there is none or it is suspended."""
    if not key or len(key) > 200:
        raise AccountError(AccountErrorCode.INVALID_KEY)
    row = rows.fetchone(_BY_KEY_HASH, [hash_key(key)])
    if row is None:
        raise AccountError(AccountErrorCode.INVALID_KEY)
    pk, balance, status, rate_discount = row
    if status != Account.Status.ACTIVE:
        raise AccountError(AccountErrorCode.SUSPENDED)
    return Account.from_db(
        connection.alias,
        ["id", "balance", "status", "rate_discount"],
        [pk, from_db_text(balance), status, Decimal(rate_discount)],
    )
