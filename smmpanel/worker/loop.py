"""The worker: claims due orders and refills in batches and hands each to its fulfilment; polls
providers' balances, payments, and syncs providers' catalogs when due."""

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Model, QuerySet
from django.utils import timezone

from smmpanel import fulfilment
from smmpanel.monitoring.heartbeat import beat
from smmpanel.notifications.delivery import deliver_due
from smmpanel.notifications.telegram_poll import poll_telegram
from smmpanel.orders.errors import OrderError
from smmpanel.orders.models import Order, Refill
from smmpanel.payments.models import Payment
from smmpanel.payments.polling import check_payment
from smmpanel.providers.catalog_sync import schedule_new_providers, sync_due
from smmpanel.providers.models import CatalogSync, Provider
from smmpanel.providers.operations import poll_balance
from smmpanel.webhooks import delivery
from smmpanel.webhooks.models import Event
from smmpanel.worker.claims import claim_due, extend_leases, release, release_many
from smmpanel.worker.models import Routine
from smmpanel.worker.routines import ensure_routines, run_routine

logger = logging.getLogger(__name__)
RETRY_AFTER_FAILURE = timedelta(seconds=30)


def _advance_order(order: Order, now: datetime) -> datetime | None:
    module = fulfilment.module_for(order.service.fulfilment)
    return module.advance_order(order, now) if module else None


def _advance_refill(refill: Refill, now: datetime) -> datetime | None:
    module = fulfilment.module_for(refill.order.service.fulfilment)
    return module.advance_refill(refill, now) if module else None


def _process(
    queryset: QuerySet, ids: list[int], now: datetime, step: Callable[..., datetime | None]
) -> None:
    """Run `step` on each claimed row and release its lease with the next time it is due."""
    model: type[Model] = queryset.model
    for row in queryset.filter(pk__in=ids):
        next_attempt_at = None
        try:
            next_attempt_at = step(row, now)
        except OrderError as error:
            logger.info("%s %s: %s", model.__name__, row.pk, error.message)
        except Exception:
            logger.exception("%s %s failed; retrying later", model.__name__, row.pk)
            next_attempt_at = now + RETRY_AFTER_FAILURE
        release(model, row.pk, next_attempt_at)


def _process_orders(ids: list[int], now: datetime) -> None:
    """Hand the claimed orders to their fulfilments, a whole group at once where the fulfilment
    takes batches, and release all leases with each order's next due time."""
    orders = list(Order.objects.select_related("service").filter(pk__in=ids))
    groups: dict[str, list[Order]] = {}
    for order in orders:
        groups.setdefault(order.service.fulfilment, []).append(order)
    next_times: dict[int, datetime | None] = {}

    def keepalive() -> None:
        extend_leases(Order, ids)
        beat()

    for name, group in groups.items():
        module = fulfilment.module_for(name)
        if module is None or not hasattr(module, "advance_orders"):
            _process(Order.objects.select_related("service"), [o.pk for o in group], now,
                     _advance_order)  # fmt: skip
            continue
        try:
            next_times.update(module.advance_orders(group, now, keepalive))
        except Exception:
            logger.exception("a batch of %s orders failed; retrying later", len(group))
            next_times.update({order.pk: now + RETRY_AFTER_FAILURE for order in group})
    release_many(Order, next_times)


def run_once(now: datetime | None = None) -> int:
    """One pass over everything due at `now`; returns how many rows were handled. The worker's
    heartbeat (`/healthz`) is recorded at the start and after each batch: a long pass beats too."""
    now = now or timezone.now()
    beat()
    handled = 0
    while ids := claim_due(Order, now, settings.WORKER_BATCH):
        _process_orders(ids, now)
        handled += len(ids)
        beat()
    while ids := claim_due(Refill, now):
        _process(Refill.objects.select_related("order__service"), ids, now, _advance_refill)
        handled += len(ids)
        beat()
    while ids := claim_due(Provider, now):
        _process(Provider.objects.all(), ids, now, poll_balance)
        handled += len(ids)
        beat()
    while ids := claim_due(Payment, now):
        _process(Payment.objects.select_related("method"), ids, now, check_payment)
        handled += len(ids)
        beat()
    if Event.objects.filter(next_attempt_at__lte=now).exists():
        with delivery.client() as http:
            while ids := claim_due(Event, now, delivery.BATCH):
                delivery.deliver(ids, now, http)
                handled += len(ids)
                beat()
    schedule_new_providers(now)
    while ids := claim_due(CatalogSync, now, limit=1):  # one catalog at a time: each is long
        _process(CatalogSync.objects.select_related("provider"), ids, now, sync_due)
        handled += len(ids)
        beat()
    # Routines (hourly measurements) are not counted: `handled` is the rows of work done.
    ensure_routines(now)
    while ids := claim_due(Routine, now):
        _process(Routine.objects.all(), ids, now, run_routine)
        beat()
    # Telegram chats linking (a routine: not counted), then the outbox (what the steps above
    # queued goes out now).
    poll_telegram(now)
    handled += deliver_due(now)
    return handled


def run_forever(stop: threading.Event | None = None) -> None:
    """Pass over due work every `SMMPANEL_WORKER_TICK_SECONDS` until `stop` is set."""
    stop = stop or threading.Event()
    logger.info("worker started")
    while not stop.is_set():
        close_old_connections()
        try:
            run_once()
        except Exception:
            logger.exception("worker pass failed")
        stop.wait(settings.WORKER_TICK_SECONDS)
    logger.info("worker stopped")
