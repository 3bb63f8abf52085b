"""API keys: shown once, stored as a SHA-256 hash, looked up by that hash's unique index."""

import hashlib
import secrets

from django.db import transaction

from smmpanel.accounts.errors import AccountError, AccountErrorCode
from smmpanel.accounts.models import Account


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
    """The active account owning `key`; AccountError when there is none or it is suspended."""
    if not key or len(key) > 200:
        raise AccountError(AccountErrorCode.INVALID_KEY)
    try:
        account = Account.objects.get(api_key_hash=hash_key(key))
    except Account.DoesNotExist:
        raise AccountError(AccountErrorCode.INVALID_KEY) from None
    if not account.is_active:
        raise AccountError(AccountErrorCode.SUSPENDED)
    return account
