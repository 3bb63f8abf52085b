"""Cancel requests: a customer asks, and the order's fulfilment (or, for a manual order, the
operator) accepts or rejects. Accepting ends the order Canceled through `orders.status`, which
refunds it and closes the request."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor, record
from smmpanel.catalog.models import Fulfilment
from smmpanel.orders.changes import cancel_changed
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import (
    FINAL_STATUSES,
    CancelRequest,
    CancelStatus,
    Order,
    OrderStatus,
)
from smmpanel.orders.status import apply_status


def request_cancel(*, account: Account, order: Order) -> CancelRequest:
    """Ask for an order to be canceled. The order ends Canceled (full refund) or Partial (refund
    of remains) when its fulfilment confirms; a finished order can't be canceled."""
    if order.account_id != account.pk:
        raise OrderError(OrderErrorCode.INCORRECT_ORDER)
    if not order.service.cancel:
        raise OrderError(OrderErrorCode.CANCEL_NOT_AVAILABLE)
    try:
        with transaction.atomic():
            # Under the order's lock, so that a request can't slip in after the final status.
            status = Order.objects.select_for_update().values_list("status", flat=True)
            if status.get(pk=order.pk) in FINAL_STATUSES:
                raise OrderError(OrderErrorCode.ORDER_FINAL)
            if order.service.fulfilment != Fulfilment.MANUAL:
                # The fulfilment hears of the cancel at its next pass, not at its next poll.
                Order.objects.filter(pk=order.pk).update(next_attempt_at=timezone.now())
            cancel = CancelRequest.objects.create(order=order)
            cancel_changed.send(sender=CancelRequest, cancel=cancel)
            return cancel
    except IntegrityError:
        raise OrderError(OrderErrorCode.CANCEL_PENDING) from None


def mark_cancel_rejected(*, cancel_request_id: int) -> None:
    """The fulfilment could not cancel (the provider refused): a pending request ends Rejected.
    No audit entry: the operator's decision is `reject_cancel`."""
    with transaction.atomic():
        pending = CancelRequest.objects.select_for_update().filter(
            pk=cancel_request_id, status=CancelStatus.PENDING
        )
        for cancel in pending:
            cancel.status = CancelStatus.REJECTED
            cancel.save(update_fields=["status", "updated_at"])
            cancel_changed.send(sender=CancelRequest, cancel=cancel)


def _snapshot(cancel: CancelRequest) -> dict[str, str]:
    return {"status": cancel.status, "order_status": cancel.order.status}


def _pending(cancel_id: int) -> CancelRequest:
    # The order's row first, as apply_status locks it, then the request's.
    order_id = CancelRequest.objects.values_list("order_id", flat=True).get(pk=cancel_id)
    Order.objects.select_for_update(of=("self",)).only("pk").get(pk=order_id)
    return (
        CancelRequest.objects.select_for_update(of=("self",))
        .select_related("order__service")
        .get(pk=cancel_id)
    )


def accept_cancel(*, cancel_id: int, acting_user: Actor) -> CancelRequest:
    """The operator accepts a pending cancel of a manual order: the order ends Canceled with a
    full refund (through `orders.status`, so once), and the request Accepted; recorded as
    "cancel.accept" (request and order status, before → after).

    Locks the order and the request. A request no longer pending is left as it is, with no
    entry. An automatic order's cancel is its fulfilment's to carry out: OrderError
    CANCEL_BY_FULFILMENT. CancelRequest.DoesNotExist for an unknown id.
    """
    with transaction.atomic():
        cancel = _pending(cancel_id)
        if cancel.status != CancelStatus.PENDING:
            return cancel
        if cancel.order.service.fulfilment != Fulfilment.MANUAL:
            raise OrderError(OrderErrorCode.CANCEL_BY_FULFILMENT)
        before = _snapshot(cancel)
        cancel.order = apply_status(order_id=cancel.order_id, status=OrderStatus.CANCELED)
        cancel.refresh_from_db(fields=["status", "updated_at"])
        record(acting_user, "cancel.accept", obj=cancel, before=before, after=_snapshot(cancel))
    return cancel


def reject_cancel(*, cancel_id: int, acting_user: Actor) -> CancelRequest:
    """The operator rejects a pending cancel: the order goes on as it was; recorded as
    "cancel.reject". A request no longer pending is left as it is, with no entry."""
    with transaction.atomic():
        cancel = _pending(cancel_id)
        if cancel.status != CancelStatus.PENDING:
            return cancel
        before = _snapshot(cancel)
        cancel.status = CancelStatus.REJECTED
        cancel.save(update_fields=["status", "updated_at"])
        cancel_changed.send(sender=CancelRequest, cancel=cancel)
        record(acting_user, "cancel.reject", obj=cancel, before=before, after=_snapshot(cancel))
    return cancel
