"""Which of the customer's buttons an order of the list shows. The domain decides again when
the button is pressed (`orders.refills`, `orders.cancels`); these only avoid offering what it
would refuse."""

from datetime import timedelta

from django import template
from django.utils import timezone

from smmpanel.orders.models import Order, OrderStatus, RefillStatus

register = template.Library()

OPEN_REFILL = (RefillStatus.PENDING, RefillStatus.IN_PROGRESS)


@register.filter
def refill_open(order: Order) -> bool:
    """A refill of the order is waiting or running (the list annotates `refill_status`)."""
    return getattr(order, "refill_status", None) in OPEN_REFILL


@register.filter
def can_refill(order: Order) -> bool:
    if not order.service.refill or order.status != OrderStatus.COMPLETED:
        return False
    if order.completed_at is None or refill_open(order):
        return False
    return timezone.now() <= order.completed_at + timedelta(days=order.service.refill_days)


@register.filter
def can_cancel(order: Order) -> bool:
    return order.service.cancel and not order.is_final


@register.filter
def has_actions(order: Order) -> bool:
    """The Actions cell has a button or a badge to show."""
    return bool(getattr(order, "refill_status", None)) or can_refill(order) or can_cancel(order)
