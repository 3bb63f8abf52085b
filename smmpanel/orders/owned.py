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
