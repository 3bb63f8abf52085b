"""A customer's own orders and refills, found by the id the customer gave: another customer's
is exactly like a missing one, so ids can't be probed."""

from smmpanel.accounts.models import Account
from smmpanel.inputs import parse_id
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import Order, Refill


def owned_order(account: Account, raw_id: str | int | None) -> Order:
    """The account's order with this id (its service loaded); OrderError INCORRECT_ORDER else."""
    pk = parse_id(raw_id)
    order = (
        Order.objects.select_related("service").filter(pk=pk, account=account).first()
        if pk
        else None
    )
    if order is None:
        raise OrderError(OrderErrorCode.INCORRECT_ORDER)
    return order


def owned_refill(account: Account, raw_id: str | int | None) -> Refill:
    """The refill with this id of one of the account's orders; OrderError else."""
    pk = parse_id(raw_id)
    if pk is None:
        raise OrderError(OrderErrorCode.INCORRECT_REFILL)
    refill = Refill.objects.filter(pk=pk, order__account=account).first()
    if refill is None:
        raise OrderError(OrderErrorCode.REFILL_NOT_FOUND)
    return refill


def owned_orders(account: Account, ids: list[int]) -> dict[int, Order]:
    """The account's orders among `ids` (their services loaded), by id; another customer's are
    absent, like missing ones."""
    found = Order.objects.filter(account=account, pk__in=ids).select_related("service")
    return {order.pk: order for order in found}


def refill_statuses(account: Account, ids: list[int]) -> dict[int, str]:
    """The status of each of the account's refills among `ids`, by id (others absent)."""
    found = Refill.objects.filter(order__account=account, pk__in=ids)
    return dict(found.values_list("pk", "status"))
