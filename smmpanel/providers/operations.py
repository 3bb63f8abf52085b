"""Adding providers and checking on them. Network calls happen before or after the database
transaction, never inside it."""

import argparse
import contextlib
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from smmpanel.client import (
    Balance,
    ClientError,
    Dialect,
    ProviderAddressRefused,
    command,
    detect_dialect,
)
from smmpanel.money import quantize
from smmpanel.netpolicy import ProviderUrlError, check_provider_url, provider_transport
from smmpanel.providers import connection
from smmpanel.providers.errors import ProviderError, ProviderErrorCode, call_failed, url_refused
from smmpanel.providers.keys import encrypt_key, key_hint
from smmpanel.providers.models import Provider


def provider_named(name: str) -> Provider:
    provider = Provider.objects.filter(name=name.strip()).first()
    if provider is None:
        raise ProviderError(ProviderErrorCode.UNKNOWN_PROVIDER, f"No provider named {name!r}")
    return provider


def _check_new(name: str, url: str, key: str) -> None:
    if not name.strip() or len(name.strip()) > 100:
        raise ProviderError(ProviderErrorCode.INVALID_NAME, "A name of 1 to 100 characters")
    if Provider.objects.filter(name=name.strip()).exists():
        raise ProviderError(ProviderErrorCode.DUPLICATE_NAME, f"A provider {name!r} exists")
    if len(url) > 500:
        raise ProviderError(ProviderErrorCode.INVALID_URL, "A URL of at most 500 characters")
    try:
        # http(s) only, no credentials, public addresses unless SMMPANEL_ALLOW_PRIVATE_PROVIDERS.
        check_provider_url(url)
    except ProviderUrlError as error:
        raise url_refused(error) from None
    if not key.strip():
        raise ProviderError(ProviderErrorCode.INVALID_KEY, "The API key is empty")


def parse_dialect(spec: str) -> Dialect | None:
    """`auto` -> None; else the words of `smmpanel api --dialect` (`json,bearer`, `get`, …)."""
    try:
        return command.parse_dialect(spec)
    except argparse.ArgumentTypeError as error:
        raise ProviderError(ProviderErrorCode.INVALID_DIALECT, str(error)) from None


def _dialect(url: str, key: str, spec: str) -> Dialect:
    dialect = parse_dialect(spec)
    if dialect is not None:
        return dialect
    try:
        return detect_dialect(
            url, key, timeout=settings.PROVIDER_TIMEOUT_SECONDS, transport=provider_transport()
        )
    except ProviderAddressRefused as error:
        raise call_failed(error) from None
    except ClientError as error:
        raise ProviderError(
            ProviderErrorCode.CONNECTION_FAILED, f"No dialect worked: {error.message}"
        ) from None


def add_provider(
    *,
    name: str,
    url: str,
    key: str,
    dialect: str = "auto",
    exchange_rate: Decimal | None = None,
    low_balance: Decimal | None = None,
) -> Provider:
    """Register a provider after one successful `balance` call (which also gives its currency).

    `dialect="auto"` probes the provider for the dialect it speaks; otherwise it is given in
    the words of `smmpanel api --dialect` (`form`, `json`, `get`, `bearer`, `numeric`, …).
    The key is stored encrypted.
    ProviderError when the provider can't be reached or refuses the key; nothing is stored then.
    """
    name, url, key = name.strip(), url.strip(), key.strip()
    _check_new(name, url, key)
    found = _dialect(url, key, dialect)
    provider = Provider(
        name=name,
        url=url,
        key_encrypted=encrypt_key(key),
        key_hint=key_hint(key),
        dialect=found.to_json(),
    )
    balance = _fetch_balance(provider)
    if exchange_rate is not None:
        if exchange_rate <= 0:
            raise ProviderError(
                ProviderErrorCode.INVALID_EXCHANGE_RATE, "The exchange rate must be > 0"
            )
        provider.exchange_rate = exchange_rate
    currency = (balance.currency or "").upper()[:8]
    if currency == settings.CURRENCY:
        provider.exchange_rate = Decimal(1)
    elif exchange_rate is None and currency:
        raise ProviderError(
            ProviderErrorCode.INVALID_EXCHANGE_RATE,
            f"The provider's currency is {currency}: give its exchange rate to "
            f"{settings.CURRENCY} (panel units per 1 {currency})",
        )
    provider.currency = currency
    provider.low_balance = low_balance or Decimal(0)
    _set_balance(provider, balance, timezone.now())
    try:
        with transaction.atomic():
            provider.save()
    except IntegrityError:
        raise ProviderError(
            ProviderErrorCode.DUPLICATE_NAME, f"A provider {name!r} exists"
        ) from None
    return provider


def _fetch_balance(provider: Provider) -> Balance:
    try:
        with connection.client_for(provider) as client:
            return client.balance()
    except ClientError as error:
        raise call_failed(error) from None


def _set_balance(provider: Provider, balance: Balance, now: datetime) -> None:
    provider.balance = quantize(balance.amount)
    provider.balance_checked_at = now
    provider.last_error = ""
    provider.next_attempt_at = now + timedelta(seconds=settings.PROVIDER_BALANCE_SECONDS)


def set_key(*, provider: Provider, key: str) -> None:
    """Replace the provider's API key (stored encrypted)."""
    if not key.strip():
        raise ProviderError(ProviderErrorCode.INVALID_KEY, "The API key is empty")
    Provider.objects.filter(pk=provider.pk).update(
        key_encrypted=encrypt_key(key.strip()), key_hint=key_hint(key.strip())
    )


def check_balance(*, provider: Provider, now: datetime | None = None) -> Provider:
    """Ask the provider for its balance and record it (or the error). Safe to repeat."""
    now = now or timezone.now()
    try:
        balance = _fetch_balance(provider)
    except ProviderError as error:
        Provider.objects.filter(pk=provider.pk).update(
            last_error=error.message,
            next_attempt_at=now + timedelta(seconds=settings.PROVIDER_BALANCE_SECONDS),
        )
        raise
    _set_balance(provider, balance, now)
    Provider.objects.filter(pk=provider.pk).update(
        balance=provider.balance,
        balance_checked_at=now,
        last_error="",
        next_attempt_at=provider.next_attempt_at,
    )
    return provider


def poll_balance(provider: Provider, now: datetime) -> datetime | None:
    """The worker's step for a provider due a balance check: returns when to check again."""
    if not provider.enabled:
        return None
    # A failure is recorded as the provider's last error; the back-office shows it.
    with contextlib.suppress(ProviderError):
        check_balance(provider=provider, now=now)
    return now + timedelta(seconds=settings.PROVIDER_BALANCE_SECONDS)
