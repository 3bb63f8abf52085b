"""The operator's decisions on how an order gets done: send it to its fulfilment again, cancel
it, or settle an order in review (its upstream attempt in doubt, `providers.review`) by
resending it, following it under the upstream id the operator found, or canceling it.

They live here, above `orders` and `providers`, because each must know whether the order has
an attempt in doubt (rule 7: at most once upstream) and `orders` does not look at providers.
Each locks the order, records itself, and changes the status only through `orders.status`.
"""

from typing import Any

from django.db import transaction

from smmpanel.audit.log import Actor, record
from smmpanel.orders.actions import lock_order, order_snapshot
from smmpanel.orders.models import Order, OrderStatus
from smmpanel.orders.requeue import requeue_order
from smmpanel.orders.status import apply_status
from smmpanel.providers import review


def resend_order(*, order_id: int, acting_user: Actor) -> Order:
    """Hand an order to its fulfilment again, recorded as "order.resend".

    An order in review (the operator found it is not with the provider) has its attempts in
    doubt settled and is due now; any other must be unfinished and automatic (OrderError
    ORDER_FINAL, INVALID_STATUS) and is due now with its lease dropped. Locks the order.
    """
    with transaction.atomic():
        before = order_snapshot(lock_order(order_id))
        if review.is_in_review(order_id):
            order = review.resend(order_id=order_id)
        else:
            order = requeue_order(order_id=order_id)
        record(
            acting_user,
            "order.resend",
            obj=order,
            summary="resend",
            before=before,
            after=order_snapshot(order),
        )
    return order


def cancel_order(*, order_id: int, acting_user: Actor) -> Order:
    """Cancel an order with a full refund (once, through `orders.status`), recorded as
    "order.cancel". An order in review has its attempts in doubt settled first (a drip-feed
    order: the runs not under way are canceled and refunded, the others go on).

    Locks the order; an order already Canceled is left alone, with no entry. OrderError
    ORDER_FINAL for an order finished otherwise.
    """
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status == OrderStatus.CANCELED:
            return order
        before = order_snapshot(order)
        if review.is_in_review(order_id):
            order = review.cancel_and_refund(order_id=order_id)
        else:
            order = apply_status(order_id=order_id, status=OrderStatus.CANCELED, remains=None)
        record(
            acting_user,
            "order.cancel",
            obj=order,
            summary=f"cancel {OrderStatus.CANCELED}",
            before=before,
            after=order_snapshot(order),
        )
    return order


def _progress(order: Order) -> dict[str, Any]:
    return {"status": order.status, "next_attempt_at": order.next_attempt_at}


def resend_in_review(*, order_id: int, acting_user: Actor) -> Order:
    """The operator found the order is not with the provider: its attempts in doubt are
    resolved and it is sent again at the next pass; recorded as "review.resend".
    ProviderError NOT_IN_REVIEW when it has no attempt in doubt."""
    with transaction.atomic():
        before = _progress(lock_order(order_id))
        order = review.resend(order_id=order_id)
        record(acting_user, "review.resend", obj=order, before=before, after=_progress(order))
    return order


def follow_in_review(*, order_id: int, upstream_id: str, acting_user: Actor) -> Order:
    """The operator found the order at the provider: it is followed from now on under
    `upstream_id`; recorded as "review.record" (the id as its summary). ProviderError
    NOT_IN_REVIEW when it has no attempt in doubt, the id is empty or another order's."""
    with transaction.atomic():
        before = _progress(lock_order(order_id))
        order = review.record_upstream_id(order_id=order_id, upstream_id=upstream_id)
        record(
            acting_user,
            "review.record",
            obj=order,
            summary=upstream_id[:64],
            before=before,
            after=_progress(order),
        )
    return order


def cancel_in_review(*, order_id: int, acting_user: Actor) -> Order:
    """The operator gives up on an order in review: it ends Canceled with a full refund (a
    drip-feed order: the runs not under way), through `orders.status`; recorded as
    "review.cancel". ProviderError NOT_IN_REVIEW when it has no attempt in doubt."""
    with transaction.atomic():
        before = _progress(lock_order(order_id))
        order = review.cancel_and_refund(order_id=order_id)
        record(acting_user, "review.cancel", obj=order, before=before, after=_progress(order))
    return order
