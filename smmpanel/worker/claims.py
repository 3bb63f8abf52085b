"""Work is claimed by rows: due rows get a lease, so that several workers never take the same one
and a dead worker's claims expire and are taken over."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

BATCH_SIZE = 100


def claim_due(model: type[models.Model], now: datetime, limit: int = BATCH_SIZE) -> list[int]:
    """Lease up to `limit` due rows of `model` (fields next_attempt_at, lease_expires_at) and
    return their ids. PostgreSQL skips rows other workers are claiming; SQLite runs one worker
    and serializes writers anyway."""
    due = model._default_manager.filter(next_attempt_at__lte=now).filter(
        Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
        if ids:
            model._default_manager.filter(pk__in=ids).update(
                lease_expires_at=now + timedelta(seconds=settings.WORKER_LEASE_SECONDS)
            )
    return ids


def release(model: type[models.Model], pk: int, next_attempt_at: datetime | None) -> None:
    model._default_manager.filter(pk=pk).update(
        lease_expires_at=None, next_attempt_at=next_attempt_at
    )


def release_many(model: type[models.Model], next_times: dict[int, datetime | None]) -> None:
    """Release many leases at once: one UPDATE per distinct next time."""
    by_time: dict[datetime | None, list[int]] = {}
    for pk, when in next_times.items():
        by_time.setdefault(when, []).append(pk)
    for when, pks in by_time.items():
        model._default_manager.filter(pk__in=pks).update(
            lease_expires_at=None, next_attempt_at=when
        )


def extend_leases(model: type[models.Model], ids: list[int]) -> None:
    """Renew the leases of rows still being worked on (a long provider call in flight)."""
    model._default_manager.filter(pk__in=ids, lease_expires_at__isnull=False).update(
        lease_expires_at=timezone.now() + timedelta(seconds=settings.WORKER_LEASE_SECONDS)
    )
