"""What the notifications hear of the orders (connected in NotificationsConfig.ready).

`orders_changed` comes inside the status sync's transaction with up to a batch of orders: an
order that is not final costs nothing, and the final ones cost one query for their accounts'
preferences and one insert."""

from typing import Any

from smmpanel.notifications.outbox import notify_customers
from smmpanel.notifications.texts import (
    ORDER_CANCELED,
    ORDER_COMPLETED,
    ORDER_PARTIAL,
    REFILL_FINISHED,
)
from smmpanel.orders.models import Order, OrderStatus, Refill, RefillStatus
from smmpanel.orders.status import refund_due

KIND_OF_STATUS = {
    OrderStatus.COMPLETED: ORDER_COMPLETED,
    OrderStatus.PARTIAL: ORDER_PARTIAL,
    OrderStatus.CANCELED: ORDER_CANCELED,
}
FINISHED_REFILLS = (RefillStatus.COMPLETED, RefillStatus.REJECTED)


def _order_params(order: Order) -> dict:
    params: dict[str, Any] = {"order": order.pk, "service": order.service.name}
    if order.status != OrderStatus.COMPLETED:
        params["refund"] = str(refund_due(order))
        params["remains"] = order.remains if order.remains is not None else 0
    return params


def orders_changed(sender: object, orders: list[Order], **kwargs: object) -> None:
    """Queue "completed", "partial" or "canceled" for each order that has just ended."""
    notices = [
        (order.account_id, KIND_OF_STATUS[order.status], _order_params(order))  # type: ignore[index]
        for order in orders
        if order.status in KIND_OF_STATUS
    ]
    notify_customers(notices)


def refill_changed(sender: object, refill: Refill, **kwargs: object) -> None:
    """Queue "refill finished" when a refill has just completed or been rejected."""
    if refill.status not in FINISHED_REFILLS:
        return
    order = refill.order
    params = {"refill": refill.pk, "order": order.pk, "refill_status": refill.status}
    notify_customers([(order.account_id, REFILL_FINISHED, params)])
