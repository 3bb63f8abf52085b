"""Refills: a customer asks for one, the fulfilment reports its progress, the operator decides
it by hand."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor, record
from smmpanel.catalog.models import Fulfilment
from smmpanel.orders.changes import refill_changed
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import Order, OrderStatus, Refill, RefillStatus

OPEN = (RefillStatus.PENDING, RefillStatus.IN_PROGRESS)


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
            refill = Refill.objects.create(
                order=order, next_attempt_at=timezone.now() if automatic else None
            )
            refill_changed.send(sender=Refill, refill=refill)
            return refill
    except IntegrityError:
        raise OrderError(OrderErrorCode.REFILL_PENDING) from None


def report_refill_status(*, refill_id: int, status: str) -> Refill:
    """A fulfilment's report of a refill's progress; a finished refill keeps its outcome.

    The path of every source of truth (a provider, the simulation); it writes no audit entry.
    The operator's decision is `set_refill_status`.
    """
    if status not in RefillStatus.values:
        raise OrderError(OrderErrorCode.INVALID_STATUS)
    with transaction.atomic():
        refill = Refill.objects.select_for_update().get(pk=refill_id)
        if refill.status in OPEN:
            refill.status = status
            if status not in OPEN:
                refill.next_attempt_at = None
            refill.save(update_fields=["status", "next_attempt_at", "updated_at"])
            refill_changed.send(sender=Refill, refill=refill)
    return refill


def set_refill_status(*, refill_id: int, status: str, acting_user: Actor) -> Refill:
    """The operator sets an open refill's status, recorded as "refill.status" (before → after).

    Locks the refill; a finished refill keeps its outcome and a refill already at `status` is
    left alone: either way nothing is written, no entry either. OrderError INVALID_STATUS for a
    status outside the refills' vocabulary; Refill.DoesNotExist for an unknown id.
    """
    if status not in RefillStatus.values:
        raise OrderError(OrderErrorCode.INVALID_STATUS)
    with transaction.atomic():
        refill = Refill.objects.select_for_update().get(pk=refill_id)
        before = refill.status
        if before not in OPEN or before == status:
            return refill
        refill = report_refill_status(refill_id=refill_id, status=status)
        record(
            acting_user,
            "refill.status",
            obj=refill,
            before={"status": before},
            after={"status": refill.status},
        )
    return refill
