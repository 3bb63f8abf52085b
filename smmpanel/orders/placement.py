"""Placing an order: check, then charge and record it in one transaction."""

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from smmpanel.accounts import ledger
from smmpanel.accounts.errors import AccountError, AccountErrorCode
from smmpanel.accounts.models import Account
from smmpanel.catalog.models import Fulfilment, Service
from smmpanel.configuration.current import current
from smmpanel.money import MAX_AMOUNT
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import FINAL_STATUSES, Order
from smmpanel.orders.validation import parse_whole, validate_order


def service_for_order(service_id: str | int | None) -> Service:
    """The active service with this id; OrderError otherwise."""
    pk = parse_whole(str(service_id)) if service_id is not None else None
    if pk is None or not 0 < pk < 2**63:
        raise OrderError(OrderErrorCode.INCORRECT_SERVICE)
    try:
        service = Service.objects.get(pk=pk)
    except Service.DoesNotExist:
        raise OrderError(OrderErrorCode.INCORRECT_SERVICE) from None
    if not service.active:
        raise OrderError(OrderErrorCode.SERVICE_DISABLED)
    return service


def _check_duplicate_link(service: Service, link: str) -> None:
    """The operator's rule: one active order per service and link, whoever placed it (upstream
    providers refuse a second one for the link anyway)."""
    if not (current().refuse_duplicate_link and link):
        return
    # The service row's lock serializes this check with concurrent orders of the same service.
    Service.objects.select_for_update().filter(pk=service.pk).exists()
    active = Order.objects.filter(service=service, link=link).exclude(status__in=FINAL_STATUSES)
    if active.exists():
        raise OrderError(OrderErrorCode.DUPLICATE_LINK)


def place_order(*, account: Account, service: Service, params: Mapping[str, str]) -> Order:
    """Check `params` against `service`, then debit the charge and create the order atomically.

    The account row is locked for the debit, so concurrent orders can never overspend: an order
    that does not fit the balance raises AccountError(NOT_ENOUGH_FUNDS) and leaves no trace.
    """
    draft = validate_order(service, params, discount=account.rate_discount)
    if draft.charge >= MAX_AMOUNT:
        # No balance can hold it; refuse before the charge overflows the money column.
        raise AccountError(AccountErrorCode.NOT_ENOUGH_FUNDS)
    now = timezone.now()
    with transaction.atomic():
        _check_duplicate_link(service, draft.link)
        order = Order.objects.create(
            account=account,
            service=service,
            link=draft.link,
            quantity=draft.quantity,
            runs=draft.runs,
            interval=draft.interval,
            details=draft.details,
            charge=draft.charge,
            remains=draft.total_quantity,
            next_attempt_at=now if service.fulfilment != Fulfilment.MANUAL else None,
        )
        ledger.charge(
            account_id=account.pk,
            amount=draft.charge,
            reason=f"Order {order.pk}",
            order_id=order.pk,
        )
    return order
