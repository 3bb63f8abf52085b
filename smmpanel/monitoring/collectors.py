"""The gauges read from the database at each scrape: orders by status, the work waiting in each
of the worker's queues and the age of its oldest row, orders in review, the worker's heartbeat.

Every server process answers them alike (they are the database's state, not the process's), so
they are not kept in the multi-process files: `/metrics` adds them to the counted metrics.
"""

import logging
from collections.abc import Iterator
from datetime import datetime

from django.db import DatabaseError, models
from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from smmpanel.monitoring.heartbeat import last_beat
from smmpanel.orders.models import Order, OrderStatus, Refill, Run
from smmpanel.payments.models import Payment
from smmpanel.providers.models import CatalogSync, Provider, UpstreamOrder, UpstreamState
from smmpanel.webhooks.models import Event
from smmpanel.worker.models import Routine

logger = logging.getLogger(__name__)

INFINITY = float("inf")


def _waiting(model: type[models.Model], now: datetime) -> models.QuerySet:
    """Rows due and not held by a worker: what `worker.claims.claim_due` would take now."""
    return model._default_manager.filter(next_attempt_at__lte=now).filter(
        Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    )


def queues(now: datetime) -> dict[str, tuple[int, datetime | None]]:
    """Each queue's waiting rows: (how many, the due time of the oldest)."""
    found: dict[str, tuple[int, datetime | None]] = {}
    orders = {
        row["status"]: (row["n"], row["oldest"])
        for row in _waiting(Order, now)
        .values("status")
        .annotate(n=Count("pk"), oldest=Min("next_attempt_at"))
        .order_by()
    }
    # A pending order is still to be sent to its provider (or started); the others are polled.
    found["orders_to_forward"] = orders.pop(OrderStatus.PENDING, (0, None))
    found["orders_to_poll"] = (
        sum(n for n, _ in orders.values()),
        min((oldest for _, oldest in orders.values() if oldest), default=None),
    )
    runs = Run.objects.filter(status=OrderStatus.PENDING, due_at__lte=now).aggregate(
        n=Count("pk"), oldest=Min("due_at")
    )
    found["runs_due"] = (runs["n"], runs["oldest"])
    for name, model in (
        ("refills", Refill),
        ("payments_to_check", Payment),
        ("provider_balances", Provider),
        ("catalog_syncs", CatalogSync),
        ("webhook_events", Event),
        ("routines", Routine),
    ):
        row = _waiting(model, now).aggregate(n=Count("pk"), oldest=Min("next_attempt_at"))
        found[name] = (row["n"], row["oldest"])
    return found


def _age(now: datetime, then: datetime | None) -> float:
    return max(0.0, (now - then).total_seconds()) if then else 0.0


class DatabaseCollector(Collector):
    """The database's gauges; `smmpanel_database_up` 0 (and nothing else) when it fails."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("smmpanel_database_up", "Whether the database answered the scrape.")
        try:
            families = list(self._families(timezone.now()))
        except DatabaseError:
            logger.exception("metrics: the database did not answer")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self, now: datetime) -> Iterator[GaugeMetricFamily]:
        orders = GaugeMetricFamily("smmpanel_orders", "Orders by status.", labels=["status"])
        counts = dict(Order.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in OrderStatus.values:
            orders.add_metric([status], counts.get(status, 0))
        yield orders

        waiting = GaugeMetricFamily(
            "smmpanel_queue_waiting",
            "Rows due and not being worked on, per queue.",
            labels=["queue"],
        )
        oldest = GaugeMetricFamily(
            "smmpanel_queue_oldest_seconds",
            "How long the oldest waiting row of each queue has been due (0 when none).",
            labels=["queue"],
        )
        lag = 0.0
        for name, (count, due) in queues(now).items():
            waiting.add_metric([name], count)
            oldest.add_metric([name], _age(now, due))
            lag = max(lag, _age(now, due))
        yield waiting
        yield oldest
        yield GaugeMetricFamily(
            "smmpanel_worker_lag_seconds",
            "How long the oldest waiting row of any queue has been due.",
            value=lag,
        )
        yield GaugeMetricFamily(
            "smmpanel_orders_in_review",
            "Orders whose sending may or may not have reached the provider: an operator decides.",
            value=UpstreamOrder.objects.filter(state=UpstreamState.REVIEW).count(),
        )
        beat_at = last_beat()
        yield GaugeMetricFamily(
            "smmpanel_worker_heartbeat_age_seconds",
            "Seconds since a worker last beat (+Inf when none ever did).",
            value=_age(now, beat_at) if beat_at else INFINITY,
        )
