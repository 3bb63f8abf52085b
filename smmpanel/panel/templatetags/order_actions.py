"""Which of the customer's buttons an order of the list shows. The domain decides again when
the button is pressed (`orders.requests`); these only avoid offering what it would refuse."""

from datetime import timedelta

from django import template
from django.utils import timezone

from smmpanel.orders.models import Order, OrderStatus

register = template.Library()


@register.filter
def can_refill(order: Order) -> bool:
    if not order.service.refill or order.status != OrderStatus.COMPLETED:
        return False
    if order.completed_at is None:
        return False
    return timezone.now() <= order.completed_at + timedelta(days=order.service.refill_days)


@register.filter
def can_cancel(order: Order) -> bool:
    return order.service.cancel and not order.is_final
