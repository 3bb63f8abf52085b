"""Manual fulfilment taken by bots: the pending orders of manually fulfilled services are handed
out to whoever claims them (the Admin API's `getOrders`), each to one claimant only."""

from django.db import connection, transaction

from smmpanel.audit.log import Actor, record
from smmpanel.catalog.models import Fulfilment
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.actions import lock_order, order_snapshot
from smmpanel.orders.models import Order, OrderStatus
from smmpanel.orders.status import apply_status

MAX_CLAIM = 100


def claim_manual_orders(
    *, acting_user: Actor, limit: int = MAX_CLAIM, service_id: int | None = None
) -> list[Order]:
    """Claim up to `limit` (at most MAX_CLAIM) of the oldest Pending orders of manually fulfilled
    services (of one service when given), subscriptions aside: each moves to In progress through
    `orders.status` and is recorded as "order.claim" by `acting_user`, all in one transaction.

    Two claimants never get the same order: on PostgreSQL the orders are locked with
    FOR UPDATE SKIP LOCKED (a concurrent claim takes the next ones, it does not wait); on SQLite
    the transaction holds the write lock from its start (BEGIN IMMEDIATE), so claims run one
    after the other and each sees the last one's orders In progress.
    """
    limit = max(0, min(limit, MAX_CLAIM))
    claimed: list[Order] = []
    with transaction.atomic():
        pending = Order.objects.filter(
            status=OrderStatus.PENDING, service__fulfilment=Fulfilment.MANUAL
        ).exclude(service__type=OrderType.SUBSCRIPTIONS)
        if service_id is not None:
            pending = pending.filter(service_id=service_id)
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True, of=("self",))
        ids = list(pending.order_by("pk").values_list("pk", flat=True)[:limit])
        for order_id in ids:
            before = order_snapshot(lock_order(order_id))
            order = apply_status(order_id=order_id, status=OrderStatus.IN_PROGRESS)
            record(
                acting_user,
                "order.claim",
                obj=order,
                summary=f"claim {OrderStatus.IN_PROGRESS}",
                before=before,
                after=order_snapshot(order),
            )
            claimed.append(order)
    return claimed
