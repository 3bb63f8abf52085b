"""The client's methods, listed once for `Client` and `AsyncClient`.

Each method is an API v2 action's plan (`actions.py`, `products.py`: what to send, how to read
the replies); the client it is read from runs it — `Client` returns the result, `AsyncClient` an
awaitable of it. Both clients inherit `Methods` and differ only in their transport.
"""

import functools
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Generic, ParamSpec, Protocol, TypeVar, overload

from . import actions
from . import products as product_actions
from .protocol import Plan
from .results import OrderStatusInfo

P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R")


class RunsPlans(Protocol):
    def _run(self, plan: Plan[R]) -> R: ...


class AwaitsPlans(Protocol):
    def _run(self, plan: Plan[R]) -> Awaitable[R]: ...


class method(Generic[P, T]):  # noqa: N801 - used as a decorator-like name, as `property` is
    """A client method from a plan builder: the same arguments, run by the client."""

    def __init__(self, build: Callable[P, Plan[T]]) -> None:
        self.build = build

    @overload
    def __get__(self, client: None, owner: type) -> "method[P, T]": ...
    @overload
    def __get__(self, client: AwaitsPlans, owner: type) -> Callable[P, Awaitable[T]]: ...
    @overload
    def __get__(self, client: RunsPlans, owner: type) -> Callable[P, T]: ...
    def __get__(self, client: Any, owner: type) -> Any:
        if client is None:
            return self

        @functools.wraps(self.build)
        def run(*args: P.args, **kwargs: P.kwargs) -> Any:
            return client._run(self.build(*args, **kwargs))

        return run


def _add(
    service: str | int,
    *,
    link: str | None = None,
    quantity: int | None = None,
    **fields: str | int,
) -> Plan[str]:
    """Place an order; the provider's order id. Never retried once it may have been sent."""
    return actions.add(service, link, quantity, fields)


def _statuses(orders: Iterable[str | int]) -> Plan[dict[str, OrderStatusInfo]]:
    """Status of many orders, 100 ids per call; every asked id is a key of the result."""
    return actions.statuses(orders)


def _add_product_order(
    product: str | int, *, quantity: int = 1, require: str | None = None
) -> Plan[str]:
    return product_actions.add_product_order(product, quantity, require)


class Methods:
    """Every API v2 action the client offers (read-only ones are retried; `add`, `refill`,
    `cancel` and `add_product_order` only when nothing was sent)."""

    services = method(actions.services)
    catalog = method(actions.catalog)
    add = method(_add)
    status = method(actions.status)
    statuses = method(_statuses)
    refill = method(actions.refill)
    refills = method(actions.refills)
    refill_status = method(actions.refill_status_plan)
    refill_statuses = method(actions.refill_statuses)
    cancel = method(actions.cancel)
    balance = method(actions.balance)
    products = method(product_actions.products)
    add_product_order = method(_add_product_order)
    product_order_status = method(product_actions.product_order_status)
    product_order_statuses = method(product_actions.product_order_statuses)
    result_product = method(product_actions.result_product)
