"""The scheduled catalog sync: every provider's catalog imported again on its schedule, with the
import's rules (`catalog_import`), and how it went kept for the back-office (`CatalogSync`).

A provider that can't be reached, answers HTML or no catalog leaves its services as they were;
its failure is stored on its `CatalogSync` row (last sync time, result, error) and the other
providers sync all the same. The provider call happens outside any transaction.
"""

import contextlib
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from smmpanel.audit.log import Actor, record
from smmpanel.providers.catalog_import import ImportReport, import_catalog
from smmpanel.providers.errors import ProviderError, ProviderErrorCode
from smmpanel.providers.models import CatalogSync, Provider
from smmpanel.providers.operations import provider_next_sync as next_sync
from smmpanel.providers.pricing import MAX_MARKUP
from smmpanel.worker.claims import extend_leases

MAX_SYNC_MINUTES = 525_600  # a year


def sync_state(provider: Provider) -> CatalogSync:
    """The provider's sync row, made (due one interval from now) when it has none yet."""
    state, _ = CatalogSync.objects.get_or_create(
        provider=provider, defaults={"next_attempt_at": next_sync(provider, timezone.now())}
    )
    return state


def schedule_new_providers(now: datetime) -> int:
    """Give each provider without a sync row one (the worker's pass calls this first)."""
    new = Provider.objects.filter(catalog_sync__isnull=True)
    rows = [CatalogSync(provider=p, next_attempt_at=next_sync(p, now)) for p in new]
    CatalogSync.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def sync_provider(
    *,
    acting_user: Actor,
    provider: Provider,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import the provider's catalog again now, keeping the routes' markups (the import's rules:
    the operator's names and markups, the price guard), recording `provider.sync` with the
    report's counts when it changed anything. The outcome (or the error) is stored on the
    provider's `CatalogSync` row; ProviderError, after storing it, when the catalog can't be had.
    """
    state = sync_state(provider)
    now = timezone.now()
    try:
        report = import_catalog(
            acting_user=acting_user, provider=provider, progress=progress, action="provider.sync"
        )
    except ProviderError as error:
        CatalogSync.objects.filter(pk=state.pk).update(
            synced_at=now, ok=False, error=error.message, result={}
        )
        raise
    CatalogSync.objects.filter(pk=state.pk).update(
        synced_at=now, ok=True, error="", result=report.summary()
    )
    return report


def sync_due(state: CatalogSync, now: datetime) -> datetime | None:
    """The worker's step for a provider due a sync: returns when to sync it again. A failure is
    stored on the row (the back-office shows it); it is no reason to sync sooner."""
    provider = state.provider

    def keepalive(done: int, total: int) -> None:
        if done % 100 == 0:  # a long catalog keeps its claim while it is being synced
            extend_leases(CatalogSync, [state.pk])

    if provider.enabled:
        with contextlib.suppress(ProviderError):
            sync_provider(acting_user=Actor.system(), provider=provider, progress=keepalive)
    return next_sync(provider, now)


def _percent(value: Decimal | None, code: ProviderErrorCode) -> Decimal | None:
    if value is not None and (not value.is_finite() or not 0 <= value <= MAX_MARKUP):
        raise ProviderError(code)
    return value


SYNC_SETTINGS = ("sync_minutes", "min_margin", "rise_limit")


def set_sync_settings(
    *,
    acting_user: Actor,
    provider_id: int,
    sync_minutes: int | None,
    min_margin: Decimal,
    rise_limit: Decimal | None,
) -> Provider:
    """Set how the provider's catalog is synced: minutes between syncs (None: the panel's
    default, 0: never), the minimum margin over cost (percent) and the cost rise (percent) above
    which a service is disabled instead of repriced (None: always reprice). Records
    `provider.sync_settings` (before -> after) and reschedules the next sync; settings equal to
    the stored ones change nothing. ProviderError on a refused value; nothing is written then.
    The new margin applies from the next sync or import."""
    if sync_minutes is not None and not 0 <= sync_minutes <= MAX_SYNC_MINUTES:
        raise ProviderError(ProviderErrorCode.INVALID_SYNC_MINUTES)
    _percent(min_margin, ProviderErrorCode.INVALID_MIN_MARGIN)
    _percent(rise_limit, ProviderErrorCode.INVALID_RISE_LIMIT)
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider_id)
        before = {name: getattr(provider, name) for name in SYNC_SETTINGS}
        after = {"sync_minutes": sync_minutes, "min_margin": min_margin, "rise_limit": rise_limit}
        if after == before:
            return provider
        provider.sync_minutes, provider.min_margin = sync_minutes, min_margin
        provider.rise_limit = rise_limit
        provider.save(update_fields=[*SYNC_SETTINGS, "updated_at"])
        provider.refresh_from_db()
        state = sync_state(provider)
        CatalogSync.objects.filter(pk=state.pk).update(
            next_attempt_at=next_sync(provider, timezone.now())
        )
        after = {name: getattr(provider, name) for name in SYNC_SETTINGS}
        record(acting_user, "provider.sync_settings", obj=provider, before=before, after=after)
    return provider
