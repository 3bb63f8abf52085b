"""How an order gets done. Each fulfilment module reports progress through the orders'
status-change path and says when to look again, taking orders one at a time or a whole claimed
batch at once (the worker uses the batch form when a module has it):

    advance_order(order, now) -> datetime | None
    advance_orders(orders, now, keepalive) -> dict[order id, datetime | None]
    advance_refill(refill, now) -> datetime | None

`keepalive()` renews the worker's claim on the batch; a module calls it during slow work.

Manual fulfilment has no module here: the operator reports progress from the back-office, or a
staff bot claims the orders through the Admin API (`fulfilment.manual`); manual work is never
queued for the worker.
"""

from types import ModuleType

from smmpanel.catalog.models import Fulfilment
from smmpanel.fulfilment import provider, simulated

_MODULES: dict[str, ModuleType] = {Fulfilment.SIMULATED: simulated, Fulfilment.PROVIDER: provider}


def module_for(fulfilment: str) -> ModuleType | None:
    return _MODULES.get(fulfilment)
