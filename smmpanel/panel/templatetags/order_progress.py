"""How far an order has come, for the progress bars of the orders list."""

from django import template

from smmpanel.orders.models import Order

register = template.Library()


@register.filter
def delivered(order: Order) -> int:
    """Units delivered so far (never negative; over-delivery counts as all)."""
    total = order.total_quantity
    if order.remains is None:
        return 0
    return max(0, min(total, total - order.remains))


@register.filter
def delivered_percent(order: Order) -> int:
    total = order.total_quantity
    return round(100 * delivered(order) / total) if total else 0


@register.filter
def runs_done(order: Order) -> int:
    """Drip-feed runs fully delivered."""
    return delivered(order) // order.quantity if order.runs and order.quantity else 0
