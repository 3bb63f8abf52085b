"""Orders of digital products: Auto products are delivered from stock at once, Service products
by the operator."""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from smmpanel.accounts import ledger
from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor, record, snapshot
from smmpanel.catalog.models import Product, ProductItem
from smmpanel.inputs import parse_id, parse_whole
from smmpanel.money import ZERO, order_charge, proportional_part
from smmpanel.orders import idempotency
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import (
    FINAL_STATUSES,
    PRODUCT_ORDER_STATUSES,
    OrderStatus,
    ProductOrder,
)

REQUIRE_MAX_LENGTH = 5000


def product_for_order(raw_id: str | int | None) -> Product:
    pk = parse_id(raw_id)
    product = Product.objects.select_related("category").filter(pk=pk).first() if pk else None
    if product is None:
        raise OrderError(OrderErrorCode.INCORRECT_PRODUCT)
    if not product.active:
        raise OrderError(OrderErrorCode.PRODUCT_DISABLED)
    return product


def _digest(product_id: str | int | None, quantity: str, require: str) -> str:
    params = {"product": str(product_id), "quantity": quantity, "require": require}
    return idempotency.fingerprint("product", params)


def place_product_order(
    *,
    account: Account,
    quantity: str,
    require: str = "",
    product: Product | None = None,
    product_id: str | int | None = None,
    idempotency_key: str | None = None,
) -> ProductOrder:
    """Charge for `quantity` units and, for an Auto product, deliver them from stock, atomically.
    The product is `product_id` as a request gives it (OrderError INCORRECT_PRODUCT, or
    PRODUCT_DISABLED), unless the caller gives it.

    Stock items are locked (skipped when another order holds them), so no item is sold twice.
    With an `idempotency_key`, placed at most once per account and key, as `place_order` (a
    retry gets its order back even when the product has changed since: it is looked up after).
    """
    key = idempotency.clean_key(idempotency_key)
    digest = _digest(product.pk if product else product_id, quantity, require) if key else ""
    if earlier := idempotency.replayed(ProductOrder, account=account, key=key, digest=digest):
        return earlier
    if product is None:
        product = product_for_order(product_id)
    if quantity == "":
        raise OrderError(OrderErrorCode.MISSING_FIELD, field="quantity")
    number = parse_whole(quantity)
    if number is None:
        raise OrderError(OrderErrorCode.INCORRECT_QUANTITY)
    if number < product.min_quantity:
        raise OrderError(OrderErrorCode.QUANTITY_TOO_SMALL, min=product.min_quantity)
    if number > product.max_quantity:
        raise OrderError(OrderErrorCode.QUANTITY_TOO_LARGE, max=product.max_quantity)
    if len(require) > REQUIRE_MAX_LENGTH:
        raise OrderError(OrderErrorCode.INVALID_FIELD, field="require")
    if product.require and not require:
        raise OrderError(OrderErrorCode.MISSING_FIELD, field="require")
    charge = order_charge(product.rate, number, per=1)
    try:
        with transaction.atomic():
            order = ProductOrder.objects.create(
                account=account,
                product=product,
                quantity=number,
                require=require,
                charge=charge,
                idempotency_key=key,
                idempotency_fingerprint=digest,
            )
            ledger.charge(
                account_id=account.pk,
                amount=charge,
                reason=f"Product order {order.pk}",
                product_order_id=order.pk,
            )
            if product.type == Product.Type.AUTO:
                _deliver_from_stock(order, number)
    except IntegrityError:
        # A concurrent retry won the key: its order.
        if earlier := idempotency.replayed(ProductOrder, account=account, key=key, digest=digest):
            return earlier
        raise
    return order


def _deliver_from_stock(order: ProductOrder, quantity: int) -> None:
    stock = ProductItem.objects.filter(product_id=order.product_id, product_order__isnull=True)
    if connection.features.has_select_for_update_skip_locked:
        stock = stock.select_for_update(skip_locked=True)
    item_ids = list(stock.order_by("pk").values_list("pk", flat=True)[:quantity])
    if not item_ids:
        raise OrderError(OrderErrorCode.OUT_OF_STOCK)
    if len(item_ids) < quantity:
        raise OrderError(OrderErrorCode.NOT_ENOUGH_STOCK, available=len(item_ids))
    ProductItem.objects.filter(pk__in=item_ids).update(product_order=order)
    order.status = OrderStatus.COMPLETED
    order.save(update_fields=["status"])


def owned_product_orders(account: Account, ids: list[int]) -> dict[int, ProductOrder]:
    """The account's product orders among `ids` (their items loaded), by id; another customer's
    are absent, like missing ones."""
    found = ProductOrder.objects.filter(account=account, pk__in=ids).prefetch_related("items")
    return found.in_bulk()


def owned_product_order(account: Account, raw_id: str | int | None) -> ProductOrder:
    pk = parse_id(raw_id)
    order = ProductOrder.objects.filter(pk=pk, account=account).first() if pk else None
    if order is None:
        raise OrderError(OrderErrorCode.INCORRECT_ORDER)
    return order


def delivered_items(order: ProductOrder) -> list[str]:
    # items.all() uses the rows prefetched for a batch of orders, when there are.
    items = [item.value for item in sorted(order.items.all(), key=lambda item: item.pk)]
    return items + [line for line in order.result.splitlines() if line.strip()]


def apply_product_status(
    *, product_order_id: int, status: str, remains: int = 0, result: str = "", note: str = ""
) -> ProductOrder:
    """The outcome of a Service product order; refunds a cancel or the undelivered part of a
    partial, once. A remains outside 0..quantity is clamped. No audit entry: the operator's
    decision is `set_product_order_status`."""
    if status not in PRODUCT_ORDER_STATUSES:
        raise OrderError(OrderErrorCode.INVALID_STATUS)
    with transaction.atomic():
        order = ProductOrder.objects.select_for_update().get(pk=product_order_id)
        if order.status in FINAL_STATUSES:
            if order.status != status:
                raise OrderError(OrderErrorCode.ORDER_FINAL)
            return order
        order.status = status
        order.remains = max(0, min(remains, order.quantity))
        order.result = result or order.result
        order.note = note[:255] or order.note
        order.updated_at = timezone.now()
        order.save()
        refund = ZERO
        if status == OrderStatus.CANCELED:
            refund = order.charge
        elif status == OrderStatus.PARTIAL:
            refund = proportional_part(order.charge, order.remains, order.quantity)
        ledger.refund(
            account_id=order.account_id,
            amount=refund,
            reason=f"{status} product order {order.pk}",
            product_order_id=order.pk,
        )
    return order


PRODUCT_ORDER_FIELDS = ("status", "remains", "result", "note")


def set_product_order_status(
    *,
    product_order_id: int,
    status: str,
    acting_user: Actor,
    remains: int = 0,
    result: str = "",
    note: str = "",
) -> ProductOrder:
    """The operator reports the outcome of a Service product order (what was delivered by hand
    as `result`), recorded as "product_order.status"; a cancel or a partial is refunded once.

    Locks the order; an outcome that changes nothing (a finished order told its own status) is
    not written and not recorded. OrderError: INVALID_STATUS, ORDER_FINAL,
    REMAINS_ABOVE_QUANTITY (as for orders: an operator's remains is at most the quantity).
    """
    with transaction.atomic():
        order = ProductOrder.objects.select_for_update().get(pk=product_order_id)
        if remains > order.quantity:
            raise OrderError(OrderErrorCode.REMAINS_ABOVE_QUANTITY, quantity=order.quantity)
        before = snapshot(order, PRODUCT_ORDER_FIELDS)
        asked = {"status": status, "remains": max(0, remains), "result": result or order.result,
                 "note": note[:255] or order.note}  # fmt: skip
        if asked == before:
            return order
        order = apply_product_status(
            product_order_id=product_order_id,
            status=status,
            remains=remains,
            result=result,
            note=note,
        )
        after = snapshot(order, PRODUCT_ORDER_FIELDS)
        if after != before:
            record(acting_user, "product_order.status", obj=order, before=before, after=after)
    return order
