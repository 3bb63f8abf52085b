"""Fulfilment by upstream providers: orders are forwarded over API v2 and their progress is
polled back; `smmpanel.providers` does the work. Orders are taken as a whole claimed batch
(`advance_orders`), so that status polls go out 100 ids per call and providers are asked in
parallel."""

from collections.abc import Callable
from datetime import datetime

from smmpanel.orders.models import Order, Refill
from smmpanel.providers import processing, refills


def advance_orders(
    orders: list[Order], now: datetime, keepalive: Callable[[], None]
) -> dict[int, datetime | None]:
    """Advance a batch of orders; returns when each is due next (None: not by itself).
    `keepalive` renews the worker's claim on the batch during slow provider calls."""
    return processing.process(orders, now, keepalive)


def advance_refill(refill: Refill, now: datetime) -> datetime | None:
    return refills.advance(refill, now)
