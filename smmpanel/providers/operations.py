"""Adding providers and checking on them: the operator's decisions are actions that record their
audit entry in their own transaction. Network calls happen before or after the database
transaction, never inside it."""

import argparse
import contextlib
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from smmpanel.audit.log import Actor, record
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
from smmpanel.notifications import watch
from smmpanel.providers import connection
from smmpanel.providers.errors import ProviderError, ProviderErrorCode, call_failed, url_refused
from smmpanel.providers.keys import decrypt_key, encrypt_key, key_hint
from smmpanel.providers.models import CatalogSync, Provider


def provider_next_sync(provider: Provider, now: datetime) -> datetime | None:
    """When the provider's catalog is next synced: its own interval, else the panel's (0: never).
    (`catalog_sync` uses it too; defined here, where a provider comes to be.)"""
    minutes = provider.sync_minutes
    if minutes is None:
        minutes = settings.PROVIDER_SYNC_MINUTES
    return now + timedelta(minutes=minutes) if minutes > 0 else None


def provider_named(name: str) -> Provider:
    provider = Provider.objects.filter(name=name.strip()).first()
    if provider is None:
        raise ProviderError(ProviderErrorCode.UNKNOWN_PROVIDER, name=name)
    return provider


def _check_new(name: str, url: str, key: str) -> None:
    if not name.strip() or len(name.strip()) > 100:
        raise ProviderError(ProviderErrorCode.INVALID_NAME)
    if Provider.objects.filter(name=name.strip()).exists():
        raise ProviderError(ProviderErrorCode.DUPLICATE_NAME, name=name)
    if len(url) > 500:
        raise ProviderError(ProviderErrorCode.URL_TOO_LONG)
    try:
        # http(s) only, no credentials, public addresses unless SMMPANEL_ALLOW_PRIVATE_PROVIDERS.
        check_provider_url(url)
    except ProviderUrlError as error:
        raise url_refused(error) from None
    if not key.strip():
        raise ProviderError(ProviderErrorCode.INVALID_KEY)


def parse_dialect(spec: str) -> Dialect | None:
    """`auto` -> None; else the words of `smmpanel api --dialect` (`json,bearer`, `get`, …)."""
    try:
        return command.parse_dialect(spec)
    except argparse.ArgumentTypeError as error:
        raise ProviderError(ProviderErrorCode.INVALID_DIALECT, reason=str(error)) from None


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
        raise ProviderError(ProviderErrorCode.NO_DIALECT_WORKED, reason=error.message) from None


def add_provider(
    *,
    acting_user: Actor,
    name: str,
    url: str,
    key: str,
    dialect: str = "auto",
    exchange_rate: Decimal | None = None,
    low_balance: Decimal | None = None,
    min_margin: Decimal | None = None,
) -> Provider:
    """Register a provider after one successful `balance` call (which also gives its currency).
    `min_margin` (percent): its services never sell below cost × (1 + min_margin%).

    `dialect="auto"` probes the provider for the dialect it speaks; otherwise it is given in
    the words of `smmpanel api --dialect` (`form`, `json`, `get`, `bearer`, `numeric`, …).
    The key is stored encrypted; `provider.add` is recorded with its hint, never the key.
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
            raise ProviderError(ProviderErrorCode.INVALID_EXCHANGE_RATE)
        provider.exchange_rate = exchange_rate
    currency = (balance.currency or "").upper()[:8]
    if currency == settings.CURRENCY:
        provider.exchange_rate = Decimal(1)
    elif exchange_rate is None and currency:
        raise ProviderError(
            ProviderErrorCode.EXCHANGE_RATE_NEEDED,
            currency=currency,
            panel_currency=settings.CURRENCY,
        )
    provider.currency = currency
    provider.low_balance = low_balance or Decimal(0)
    if min_margin is not None:
        if not min_margin.is_finite() or not 0 <= min_margin <= 100_000:
            raise ProviderError(ProviderErrorCode.INVALID_MIN_MARGIN)
        provider.min_margin = min_margin
    _set_balance(provider, balance, timezone.now())
    try:
        with transaction.atomic():
            provider.save()
            record(
                acting_user,
                "provider.add",
                obj=provider,
                after={
                    "name": provider.name,
                    "url": provider.url,
                    "currency": provider.currency,
                    "key_hint": provider.key_hint,
                    **({"min_margin": min_margin} if min_margin is not None else {}),
                },
            )
            # Its first scheduled sync, one interval from now.
            CatalogSync.objects.create(
                provider=provider,
                next_attempt_at=provider_next_sync(provider, timezone.now()),
            )
    except IntegrityError:
        raise ProviderError(ProviderErrorCode.DUPLICATE_NAME, name=name) from None
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


def set_key(*, acting_user: Actor, provider_id: int, key: str) -> Provider:
    """Replace the provider's API key (stored encrypted) and record `provider.set_key` with the
    old and new hints, never the key. The key it already has changes nothing."""
    key = key.strip()
    if not key:
        raise ProviderError(ProviderErrorCode.INVALID_KEY)
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider_id)
        try:
            unchanged = decrypt_key(provider.key_encrypted) == key
        except ValueError:  # unreadable since SECRET_KEY changed: replacing it is the fix
            unchanged = False
        if unchanged:
            return provider
        before = {"key_hint": provider.key_hint}
        provider.key_encrypted, provider.key_hint = encrypt_key(key), key_hint(key)
        provider.save(update_fields=["key_encrypted", "key_hint", "updated_at"])
        record(
            acting_user,
            "provider.set_key",
            obj=provider,
            before=before,
            after={"key_hint": provider.key_hint},
        )
    return provider


def _fetch_or_record_error(provider: Provider, now: datetime) -> Balance:
    """The provider's balance; a failure is stored as its last error, then raised."""
    try:
        return _fetch_balance(provider)
    except ProviderError as error:
        Provider.objects.filter(pk=provider.pk).update(
            last_error=error.message,
            next_attempt_at=now + timedelta(seconds=settings.PROVIDER_BALANCE_SECONDS),
        )
        raise


BALANCE_FIELDS = ["balance", "balance_checked_at", "last_error", "next_attempt_at"]


def check_balance(*, acting_user: Actor, provider: Provider) -> Provider:
    """The operator tests the connection: ask for the balance (safe to repeat), store it and
    record `provider.check` when it changed. ProviderError (stored as the provider's last
    error, no audit entry) when the provider can't be reached."""
    now = timezone.now()
    balance = _fetch_or_record_error(provider, now)  # the call, outside any transaction
    with transaction.atomic():
        locked = Provider.objects.select_for_update().get(pk=provider.pk)
        before = locked.balance
        _set_balance(locked, balance, now)
        locked.save(update_fields=BALANCE_FIELDS)
        if locked.balance != before:
            record(
                acting_user,
                "provider.check",
                obj=locked,
                before={"balance": before},
                after={"balance": locked.balance},
            )
    _set_balance(provider, balance, now)
    return provider


def poll_balance(provider: Provider, now: datetime) -> datetime | None:
    """The worker's step for a provider due a balance check: returns when to check again."""
    if not provider.enabled:
        return None
    # A failure is stored as the provider's last error; the back-office shows it. A poll is
    # no operator's decision: it records no audit entry.
    with contextlib.suppress(ProviderError):
        _set_balance(provider, _fetch_or_record_error(provider, now), now)
        Provider.objects.filter(pk=provider.pk).update(
            **{name: getattr(provider, name) for name in BALANCE_FIELDS}
        )
        watch.balance_checked(provider)  # the operators hear of a low balance once
    return now + timedelta(seconds=settings.PROVIDER_BALANCE_SECONDS)


# The settings an operator edits on a provider's page (the key goes through `set_key`).
SETTINGS = ("url", "dialect", "exchange_rate", "low_balance", "enabled")


def provider_settings(provider: Provider) -> dict:
    """A provider's editable settings, the dialect in the words of `smmpanel api --dialect`."""
    values = {name: getattr(provider, name) for name in SETTINGS}
    values["dialect"] = dialect_words(provider.dialect)
    return values


def dialect_words(stored: str) -> str:
    """A stored dialect in the words `parse_dialect` reads back (`json,bearer,numeric`)."""
    try:
        dialect = Dialect.from_json(stored)
    except ValueError:
        return "form,key"
    words: list[str] = ["get"] if dialect.method == "GET" else [dialect.body]
    words.append(dialect.auth)
    if dialect.numeric_ids and dialect.method != "GET":
        words.append("numeric")
    return ",".join(words)


def edit_provider(
    *,
    acting_user: Actor,
    provider_id: int,
    url: str,
    dialect: str,
    exchange_rate: Decimal,
    low_balance: Decimal,
    enabled: bool,
) -> Provider:
    """Change a provider's settings and record `provider.edit` (before -> after).

    The URL is checked like a new provider's; the dialect is given in the words of `smmpanel api
    --dialect` (`auto` keeps the stored one: nothing is probed here). Settings equal to the
    stored ones change nothing. ProviderError on a refused value; nothing is written then."""
    url = url.strip()
    if len(url) > 500:
        raise ProviderError(ProviderErrorCode.URL_TOO_LONG)
    try:
        url = check_provider_url(url)
    except ProviderUrlError as error:
        raise url_refused(error) from None
    parsed = parse_dialect(dialect)
    if not exchange_rate.is_finite() or exchange_rate <= 0:
        raise ProviderError(ProviderErrorCode.INVALID_EXCHANGE_RATE)
    if not low_balance.is_finite() or low_balance < 0:
        raise ProviderError(ProviderErrorCode.INVALID_LOW_BALANCE)
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider_id)
        before = provider_settings(provider)
        provider.url, provider.enabled = url, enabled
        provider.exchange_rate, provider.low_balance = exchange_rate, quantize(low_balance)
        if parsed is not None:
            provider.dialect = parsed.to_json()
        after = provider_settings(provider)
        if after == before:
            return provider
        provider.save(update_fields=[*SETTINGS, "updated_at"])
        provider.refresh_from_db()  # the values as stored (the rate at its scale)
        after = provider_settings(provider)
        record(acting_user, "provider.edit", obj=provider, before=before, after=after)
    return provider
