"""The one path by which an order's status changes.

Provider sync, simulated fulfilment, an operator's action and a cancel confirmation all call
`apply_status`. It locks the order, ignores a repeated report, and refunds what a final status
leaves undelivered: exactly once, guarded by a database constraint on the ledger.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from smmpanel.accounts import ledger
from smmpanel.catalog.order_types import OrderType
from smmpanel.money import ZERO, proportional_part
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import (
    ORDER_STATUSES,
    SUBSCRIPTION_STATUSES,
    CancelRequest,
    CancelStatus,
    Order,
    OrderStatus,
)


def refund_due(order: Order) -> Decimal:
    """What the order's final status gives back: all of a cancel, the undelivered part otherwise.

    A negative remains (over-delivery) refunds nothing; a remains over the quantity refunds at most
    the whole charge.
    """
    is_subscription = order.service.type == OrderType.SUBSCRIPTIONS
    if order.status == OrderStatus.CANCELED and not is_subscription:
        return order.charge
    if order.status in (OrderStatus.PARTIAL, OrderStatus.EXPIRED, OrderStatus.CANCELED):
        return proportional_part(order.charge, order.remains or 0, order.total_quantity)
    return ZERO


def apply_status(
    *,
    order_id: int,
    status: str,
    start_count: int | None = None,
    remains: int | None = None,
    details: dict | None = None,
) -> Order:
    """Set an order's status (and start_count, remains) and settle its refund when it is final.

    Idempotent: reporting the same final status again changes nothing. A final order never
    changes status again (OrderError ORDER_FINAL). `details` is merged into the order's details.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("service").get(pk=order_id)
        is_subscription = order.service.type == OrderType.SUBSCRIPTIONS
        if status not in (SUBSCRIPTION_STATUSES if is_subscription else ORDER_STATUSES):
            raise OrderError(OrderErrorCode.INVALID_STATUS)
        if order.is_final:
            if order.status != status:
                raise OrderError(OrderErrorCode.ORDER_FINAL)
            return order
        order.status = status
        if start_count is not None and start_count >= 0:
            order.start_count = start_count
        if remains is not None:
            order.remains = remains
        if details:
            order.details = {**order.details, **details}
        if order.is_final:
            order.completed_at = timezone.now()
            order.next_attempt_at = None
        order.save(
            update_fields=[
                "status",
                "start_count",
                "remains",
                "details",
                "completed_at",
                "next_attempt_at",
                "updated_at",
            ]
        )
        if order.is_final:
            ledger.refund(
                account_id=order.account_id,
                amount=refund_due(order),
                reason=f"{order.status} order {order.pk}",
                order_id=order.pk,
            )
            CancelRequest.objects.filter(order=order, status=CancelStatus.PENDING).update(
                status=CancelStatus.ACCEPTED
                if order.status in (OrderStatus.CANCELED, OrderStatus.PARTIAL)
                else CancelStatus.REJECTED,
                updated_at=timezone.now(),
            )
    return order
