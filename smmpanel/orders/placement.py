"""Placing an order: check, then charge and record it in one transaction."""

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from smmpanel import rows
from smmpanel.accounts import ledger
from smmpanel.accounts.errors import AccountError, AccountErrorCode
from smmpanel.accounts.models import Account
from smmpanel.catalog import cache as catalog_cache
from smmpanel.catalog.models import Fulfilment, Service
from smmpanel.configuration.current import current
from smmpanel.inputs import parse_id
from smmpanel.money import MAX_AMOUNT
from smmpanel.orders import idempotency, link_guard
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import FINAL_STATUSES, Order
from smmpanel.orders.prices import rate_for
from smmpanel.orders.validation import OrderDraft, validate_order


def service_for_order(service_id: str | int | None) -> Service:
    """The active service with this id; OrderError otherwise."""
    pk = parse_id(service_id)
    service = catalog_cache.service(pk) if pk else None
    if service is None:
        raise OrderError(OrderErrorCode.INCORRECT_SERVICE)
    if not service.active:
        raise OrderError(OrderErrorCode.SERVICE_DISABLED)
    return service


def _check_duplicate_link(service: Service, link: str) -> None:
    """The operator's rule: one active order per service and link, whoever placed it (upstream
    providers refuse a second one for the link anyway)."""
    # The service row's lock serializes this check with concurrent orders of the same service.
    Service.objects.select_for_update().filter(pk=service.pk).exists()
    active = Order.objects.filter(service=service, link=link, link_guarded=True)
    if active.exclude(status__in=FINAL_STATUSES).exists():
        raise OrderError(OrderErrorCode.DUPLICATE_LINK)


def new_order(
    *,
    account: Account,
    service: Service,
    draft: OrderDraft,
    key: str | None = None,
    digest: str = "",
    guarded: bool = False,
) -> Order:
    """The order `draft` makes, not saved yet: due for fulfilment now, unless the service is
    fulfilled by hand. `key`, `digest`: its idempotency key and fingerprint; `guarded`: under the
    duplicate-link rule."""
    return Order(
        account=account,
        service=service,
        link=draft.link,
        quantity=draft.quantity,
        runs=draft.runs,
        interval=draft.interval,
        details=draft.details,
        charge=draft.charge,
        remains=draft.total_quantity,
        next_attempt_at=timezone.now() if service.fulfilment != Fulfilment.MANUAL else None,
        idempotency_key=key,
        idempotency_fingerprint=digest,
        link_guarded=guarded,
    )


def place_order(
    *,
    account: Account,
    params: Mapping[str, str],
    service: Service | None = None,
    idempotency_key: str | None = None,
) -> Order:
    """Place an order as a request asks for it (the API's `add`, the order form, a line of a
    mass order): check `params` against the service, then debit the charge and create the order
    atomically. The service is `params["service"]` (OrderError INCORRECT_SERVICE, or
    SERVICE_DISABLED), unless the caller gives it.

    The account row is locked for the debit, so concurrent orders can never overspend: an order
    that does not fit the balance raises AccountError(NOT_ENOUGH_FUNDS) and leaves no trace.

    With an `idempotency_key`, the order is placed at most once per account and key, even when
    retries arrive concurrently (a unique constraint): a retry returns the original order and
    charges nothing, even when the service has changed since (it is looked up after); the same
    key with other parameters raises OrderError IDEMPOTENCY_KEY_REUSED.
    """
    key = idempotency.clean_key(idempotency_key)
    digest = ""
    if key is not None:
        ordered = params if service is None else {**params, "service": str(service.pk)}
        digest = idempotency.fingerprint("service", ordered)
        if earlier := idempotency.replayed(Order, account=account, key=key, digest=digest):
            return earlier
    if service is None:
        service = service_for_order(params.get("service"))
    draft = validate_order(service, params, rate=rate_for(account, service))
    if draft.charge >= MAX_AMOUNT:
        # No balance can hold it; refuse before the charge overflows the money column.
        raise AccountError(AccountErrorCode.NOT_ENOUGH_FUNDS)
    settings_now = current()
    guarded = settings_now.refuse_duplicate_link and bool(draft.link)
    order = new_order(
        account=account, service=service, draft=draft, key=key, digest=digest, guarded=guarded
    )
    # Converted before the transaction: on SQLite it holds the panel's one write lock.
    values = rows.insert_params(order)
    if guarded:
        link_guard.catch_up()
    try:
        if guarded:
            with transaction.atomic():
                _check_duplicate_link(service, draft.link)
                ledger.charge_new_order(
                    order=order, values=values, amount=draft.charge, savepoint=False
                )
        else:
            ledger.charge_new_order(order=order, values=values, amount=draft.charge)
    except (IntegrityError, OrderError):
        # A concurrent retry won the key (or, with the duplicate-link rule, the link): its order.
        if earlier := idempotency.replayed(Order, account=account, key=key, digest=digest):
            return earlier
        raise
    return order
