"""How an order gets done. Each fulfilment module offers the same two functions, which report
progress through the orders' status-change path and say when to look again:

    advance_order(order, now) -> datetime | None
    advance_refill(refill, now) -> datetime | None

and may also take a whole claimed batch at once (the worker prefers it when present):

    advance_orders(orders, now) -> dict[order id, datetime | None]

Manual fulfilment has no module: the operator reports progress from the back-office, and manual
work is never queued for the worker.
"""

from types import ModuleType

from smmpanel.catalog.models import Fulfilment
from smmpanel.fulfilment import provider, simulated

_MODULES: dict[str, ModuleType] = {Fulfilment.SIMULATED: simulated, Fulfilment.PROVIDER: provider}


def module_for(fulfilment: str) -> ModuleType | None:
    return _MODULES.get(fulfilment)
