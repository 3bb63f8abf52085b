"""The operator's decisions on an order's status: set it, or end it Partial with its remains.

Each goes through `orders.status.apply_status`, which decides the refund; each is recorded with
the order's status, counts, charge and refund before → after. Resending an order and canceling
it are in `fulfilment.actions`: an order whose upstream attempt is in doubt settles it first,
and `orders` does not look at providers.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction

from smmpanel.accounts.models import LedgerEntry
from smmpanel.audit.log import Actor, record, snapshot
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import Order, OrderStatus
from smmpanel.orders.status import apply_status

ORDER_FIELDS = ("status", "start_count", "remains", "charge", "next_attempt_at")


def refunded(order_id: int) -> Decimal | None:
    """The order's refund (there is at most one), or None."""
    refunds = LedgerEntry.objects.filter(order_id=order_id, kind=LedgerEntry.Kind.REFUND)
    return refunds.values_list("amount", flat=True).first()


def order_snapshot(order: Order) -> dict[str, Any]:
    """What an operator's decision on `order` may change, for its audit entry: the fields and
    the refund (the amount as stored, or None)."""
    refund = refunded(order.pk)
    return {**snapshot(order, ORDER_FIELDS), "refund": None if refund is None else str(refund)}


def lock_order(order_id: int) -> Order:
    """The order, locked (its row only, as `apply_status` locks it) with its service."""
    return Order.objects.select_for_update(of=("self",)).select_related("service").get(pk=order_id)


def _check_remains(order: Order, remains: int | None) -> None:
    # An operator's remains is a count of what was not delivered: more than was ordered is a
    # slip of the keyboard. (A provider's report is stored as given; its refund is capped.)
    if remains is not None and remains > order.total_quantity:
        raise OrderError(OrderErrorCode.REMAINS_ABOVE_QUANTITY, quantity=order.total_quantity)


def _set(
    *,
    order_id: int,
    status: str,
    acting_user: Actor,
    action: str,
    start_count: int | None = None,
    remains: int | None = None,
) -> Order:
    with transaction.atomic():
        order = lock_order(order_id)
        _check_remains(order, remains)
        same_counts = remains in (None, order.remains) and start_count in (None, order.start_count)
        if order.status == status and same_counts:
            return order
        before = order_snapshot(order)
        extra: dict[str, Any] = {} if start_count is None else {"start_count": start_count}
        order = apply_status(order_id=order_id, status=status, remains=remains, **extra)
        after = order_snapshot(order)
        if after != before:  # a final order ignores a report of its own status
            name = action.removeprefix("order.")
            record(
                acting_user,
                action,
                obj=order,
                summary=f"{name} {status}",
                before=before,
                after=after,
            )
    return order


def set_order_status(
    *,
    order_id: int,
    status: str,
    acting_user: Actor,
    start_count: int | None = None,
    remains: int | None = None,
) -> Order:
    """The operator sets an order's status (and start_count, remains), recorded as
    "order.set_status"; a final status refunds what it leaves undelivered, once.

    Completed means all was delivered: its remains is 0 unless given. Locks the order; an order
    already so is left alone, with no entry. OrderError: INVALID_STATUS (not of the order's
    vocabulary), ORDER_FINAL (a finished order), REMAINS_ABOVE_QUANTITY.
    """
    if status == OrderStatus.COMPLETED and remains is None:
        remains = 0
    return _set(
        order_id=order_id,
        status=status,
        start_count=start_count,
        remains=remains,
        acting_user=acting_user,
        action="order.set_status",
    )


def set_partial(*, order_id: int, remains: int, acting_user: Actor) -> Order:
    """The operator ends an order Partial with `remains` not delivered, recorded as
    "order.partial"; the undelivered part is refunded once. As `set_order_status`."""
    return _set(
        order_id=order_id,
        status=OrderStatus.PARTIAL,
        remains=remains,
        acting_user=acting_user,
        action="order.partial",
    )
