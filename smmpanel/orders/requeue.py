"""Sending an order to its fulfilment again, at the operator's request."""

from django.db import transaction
from django.utils import timezone

from smmpanel.catalog.models import Fulfilment
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import Order


def requeue_order(*, order_id: int) -> Order:
    """Make an unfinished automatic order due now and drop any lease on it, so that the worker
    hands it to its fulfilment at its next pass. The status is unchanged; a final order or a
    manual one is refused (OrderError)."""
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",)).select_related("service").get(pk=order_id)
        )
        if order.is_final:
            raise OrderError(OrderErrorCode.ORDER_FINAL)
        if order.service.fulfilment == Fulfilment.MANUAL:
            raise OrderError(OrderErrorCode.INVALID_STATUS)
        order.next_attempt_at = timezone.now()
        order.lease_expires_at = None
        order.save(update_fields=["next_attempt_at", "lease_expires_at", "updated_at"])
    return order
