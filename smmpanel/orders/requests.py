"""Customers' refill and cancel requests, and their outcomes."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from smmpanel.accounts.models import Account
from smmpanel.catalog.models import Fulfilment

# parse_id and parse_ids are imported from here by callers written before smmpanel.inputs.
from smmpanel.inputs import parse_id as parse_id
from smmpanel.inputs import parse_ids as parse_ids
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import (
    FINAL_STATUSES,
    CancelRequest,
    CancelStatus,
    Order,
    OrderStatus,
    Refill,
    RefillStatus,
)


def owned_order(account: Account, raw_id: str | int | None) -> Order:
    """The account's order with this id; another customer's order is exactly like a missing one."""
    pk = parse_id(raw_id)
    order = (
        Order.objects.select_related("service").filter(pk=pk, account=account).first()
        if pk
        else None
    )
    if order is None:
        raise OrderError(OrderErrorCode.INCORRECT_ORDER)
    return order


def request_refill(*, account: Account, order: Order) -> Refill:
    """Open a refill of a completed order inside its service's refill window.

    At most one refill is open per order (a database constraint), so concurrent requests can't
    open two.
    """
    if order.account_id != account.pk:
        raise OrderError(OrderErrorCode.INCORRECT_ORDER)
    if not order.service.refill:
        raise OrderError(OrderErrorCode.REFILL_NOT_AVAILABLE)
    if order.status != OrderStatus.COMPLETED or order.completed_at is None:
        raise OrderError(OrderErrorCode.ORDER_NOT_COMPLETED)
    if timezone.now() > order.completed_at + timedelta(days=order.service.refill_days):
        raise OrderError(OrderErrorCode.REFILL_EXPIRED)
    automatic = order.service.fulfilment != Fulfilment.MANUAL
    try:
        with transaction.atomic():
            return Refill.objects.create(
                order=order, next_attempt_at=timezone.now() if automatic else None
            )
    except IntegrityError:
        raise OrderError(OrderErrorCode.REFILL_PENDING) from None


def owned_refill(account: Account, raw_id: str | int | None) -> Refill:
    pk = parse_id(raw_id)
    if pk is None:
        raise OrderError(OrderErrorCode.INCORRECT_REFILL)
    refill = Refill.objects.filter(pk=pk, order__account=account).first()
    if refill is None:
        raise OrderError(OrderErrorCode.REFILL_NOT_FOUND)
    return refill


def set_refill_status(*, refill_id: int, status: str) -> Refill:
    """Record a refill's progress; a finished refill keeps its outcome."""
    if status not in RefillStatus.values:
        raise OrderError(OrderErrorCode.INVALID_STATUS)
    with transaction.atomic():
        refill = Refill.objects.select_for_update().get(pk=refill_id)
        if refill.status in (RefillStatus.PENDING, RefillStatus.IN_PROGRESS):
            refill.status = status
            if status not in (RefillStatus.PENDING, RefillStatus.IN_PROGRESS):
                refill.next_attempt_at = None
            refill.save(update_fields=["status", "next_attempt_at", "updated_at"])
    return refill


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
            return CancelRequest.objects.create(order=order)
    except IntegrityError:
        raise OrderError(OrderErrorCode.CANCEL_PENDING) from None


def reject_cancel(*, cancel_request_id: int) -> None:
    CancelRequest.objects.filter(pk=cancel_request_id, status=CancelStatus.PENDING).update(
        status=CancelStatus.REJECTED, updated_at=timezone.now()
    )
