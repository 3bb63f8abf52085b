"""Fulfilment by upstream providers: orders are forwarded over API v2 and their progress is
polled back; `smmpanel.providers` does the work. Besides the interface's one-order form, this
module takes a whole claimed batch (`advance_orders`), so that status polls go out 100 ids per
call and providers are asked in parallel."""

from datetime import datetime

from smmpanel.orders.models import Order, Refill
from smmpanel.providers import processing, refills


def advance_orders(orders: list[Order], now: datetime) -> dict[int, datetime | None]:
    """Advance a batch of orders; returns when each is due next (None: not by itself)."""
    return processing.process(orders, now)


def advance_order(order: Order, now: datetime) -> datetime | None:
    return advance_orders([order], now)[order.pk]


def advance_refill(refill: Refill, now: datetime) -> datetime | None:
    return refills.advance(refill, now)
