"""The outbox: the events a change of an order, a refill or a cancel request produces.

Receivers of `orders.changes` signals, run inside the transaction of the change (so an event
commits or rolls back with it). The status sync sends batches of 100 orders: one indexed query
finds which of the batch's accounts have an active webhook and one bulk insert writes their
events; a batch with no such account costs that one query. (A process cache would still need to
read its version inside the transaction, one query too: see README "Webhooks".)

Event bodies (the "id", added when sent, is the event's number; "time" is when it changed):
    order.updated   {"id", "type", "order", "status", "remains", "start_count", "charge",
                     "currency", "time"}
    refill.updated  {"id", "type", "refill", "order", "status", "time"}
    cancel.updated  {"id", "type", "cancel", "order", "status", "time"}
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from smmpanel.money import format_amount
from smmpanel.orders.changes import cancel_changed, orders_changed, refill_changed
from smmpanel.orders.models import CancelRequest, Order, Refill
from smmpanel.webhooks.models import Event, Webhook

ORDER_UPDATED = "order.updated"
REFILL_UPDATED = "refill.updated"
CANCEL_UPDATED = "cancel.updated"


def order_payload(order: Order, now: datetime) -> dict[str, Any]:
    return {
        "type": ORDER_UPDATED,
        "order": order.pk,
        "status": order.status,
        "remains": order.remains,
        "start_count": order.start_count,
        "charge": format_amount(order.charge, settings.CURRENCY),
        "currency": settings.CURRENCY,
        "time": now.isoformat(),
    }


def on_orders_changed(sender: Any, orders: list[Order], **kwargs: Any) -> None:
    accounts = {order.account_id for order in orders}
    hooks = dict(
        Webhook.objects.filter(account_id__in=accounts, active=True).values_list("account_id", "pk")
    )
    if not hooks:
        return
    now = timezone.now()
    Event.objects.bulk_create(
        Event(
            webhook_id=hooks[order.account_id],
            type=ORDER_UPDATED,
            order_id=order.pk,
            payload=order_payload(order, now),
            created_at=now,
            next_attempt_at=now,
        )
        for order in orders
        if order.account_id in hooks
    )


def _queue_one(kind: str, name: str, pk: int, order_id: int, status: str) -> None:
    """One event of a refill or a cancel, if its order's account has an active webhook (one
    query, joined through the order: the row's order is not loaded)."""
    webhook_id = (
        Webhook.objects.filter(account__orders__id=order_id, active=True)
        .values_list("pk", flat=True)
        .first()
    )
    if webhook_id is None:
        return
    now = timezone.now()
    Event.objects.create(
        webhook_id=webhook_id,
        type=kind,
        order_id=order_id,
        payload={
            "type": kind,
            name: pk,
            "order": order_id,
            "status": status,
            "time": now.isoformat(),
        },
        created_at=now,
        next_attempt_at=now,
    )


def on_refill_changed(sender: Any, refill: Refill, **kwargs: Any) -> None:
    _queue_one(REFILL_UPDATED, "refill", refill.pk, refill.order_id, refill.status)


def on_cancel_changed(sender: Any, cancel: CancelRequest, **kwargs: Any) -> None:
    _queue_one(CANCEL_UPDATED, "cancel", cancel.pk, cancel.order_id, cancel.status)


def connect() -> None:
    orders_changed.connect(on_orders_changed, dispatch_uid="webhooks.orders")
    refill_changed.connect(on_refill_changed, dispatch_uid="webhooks.refill")
    cancel_changed.connect(on_cancel_changed, dispatch_uid="webhooks.cancel")
