"""Delivery proof: every change of an order's status, start count or remains is kept with its
time, written inside the change's transaction (a receiver of `orders.changes.orders_changed`)."""

from typing import Any

from django.utils import timezone

from smmpanel.orders.models import Order
from smmpanel.quality.models import OrderProgress


def record_progress(sender: Any, orders: list[Order], **kwargs: Any) -> None:
    """One row per changed order, in one INSERT; a report that repeats the figures already kept
    (a poll with no news) adds nothing."""
    latest: dict[int, tuple] = {}
    for row in (
        OrderProgress.objects.filter(order_id__in=[order.pk for order in orders])
        .order_by("order_id", "-at", "-id")
        .values_list("order_id", "status", "start_count", "remains")
    ):
        latest.setdefault(row[0], row[1:])
    now = timezone.now()
    OrderProgress.objects.bulk_create(
        [
            OrderProgress(
                order_id=order.pk,
                at=now,
                status=order.status,
                start_count=order.start_count,
                remains=order.remains,
            )
            for order in orders
            if latest.get(order.pk) != (order.status, order.start_count, order.remains)
        ]
    )


def delivery_proof(order: Order) -> list[OrderProgress]:
    """The order's reports, oldest first."""
    return list(order.progress.all())


def delivery_proofs(order_ids: list[int]) -> list[tuple[Order, list[OrderProgress]]]:
    """Each order's reports, oldest first, for the orders a refill ticket names."""
    orders = Order.objects.filter(pk__in=order_ids).select_related("service").order_by("pk")
    reports: dict[int, list[OrderProgress]] = {}
    for report in OrderProgress.objects.filter(order_id__in=order_ids).order_by("at", "pk"):
        reports.setdefault(report.order_id, []).append(report)
    return [(order, reports.get(order.pk, [])) for order in orders]
