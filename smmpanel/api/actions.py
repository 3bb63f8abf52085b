"""One function per API v2 action: read the params, call the domain, shape the reply.

Each takes the authenticated account and the request's params and returns the reply (a dict or
list, or bytes already serialized). Domain errors propagate to the view, which shapes them.
"""

from collections.abc import Callable

import orjson

from smmpanel.accounts.keys import Along
from smmpanel.accounts.models import Account
from smmpanel.api import replies
from smmpanel.api.errors import MAX_IDS, ApiError, ApiErrorCode, wording
from smmpanel.catalog.listing import active_services, products_for_sale
from smmpanel.configuration.current import current
from smmpanel.inputs import parse_id, parse_ids
from smmpanel.money import format_amount
from smmpanel.orders import product_orders
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import Order, ProductOrder
from smmpanel.orders.owned import owned_order, owned_orders, owned_refill, refill_statuses
from smmpanel.orders.placement import place_order
from smmpanel.orders.refills import request_refill
from smmpanel.orders.status_reads import status_along, status_rows
from smmpanel.versions import cache as versions

Reply = dict | list | bytes


def split_ids(raw: str, none_given: OrderErrorCode = OrderErrorCode.INCORRECT_ORDER) -> list[str]:
    """Comma-separated ids as given, stripped, without duplicates or blanks; at most 100."""
    ids = list(dict.fromkeys(filter(None, map(str.strip, raw.split(",")))))
    if len(ids) > MAX_IDS:
        raise ApiError(ApiErrorCode.TOO_MANY_IDS, max=MAX_IDS)
    if not ids:
        raise OrderError(none_given)
    return ids


def _as_reply_id(raw: str) -> int | str:
    pk = parse_id(raw)
    return pk if pk is not None else raw


# --- services -------------------------------------------------------------------------------
def services(account: Account, params: dict[str, str]) -> Reply:
    """The active catalog, serialized once per change of the catalog or the settings (the
    currency decides how rates are written) and served as bytes after that."""
    return versions.cached(("catalog", "settings"), "api.services", _services_body)


def _services_body() -> bytes:
    return orjson.dumps([replies.service(row) for row in active_services()])


# --- orders ---------------------------------------------------------------------------------
def add(account: Account, params: dict[str, str]) -> Reply:
    order = place_order(
        account=account, params=params, idempotency_key=params.get("idempotency_key")
    )
    return {"order": order.pk}


def _status_ids(params: dict[str, str]) -> tuple[dict[str, int | None] | None, int | None]:
    """The ids a status asks for: `orders`' (raw id → id, None when not one), else `order`'s."""
    if params.get("orders"):
        return parse_ids(split_ids(params["orders"])), None
    return None, parse_id(params.get("order"))


def status_read_along(params: dict[str, str]) -> Along | None:
    """The status's read of the orders, to ride along with the key's lookup (`ALONG`); None
    when it names no valid id, or `split_ids` refuses its list (`status` then raises that error,
    after the key's check, as without a read along)."""
    try:
        wanted, pk = ids = _status_ids(params)
    except (ApiError, OrderError):
        return None
    if wanted is not None:
        along = status_along([pk for pk in wanted.values() if pk])
    else:
        along = status_along([pk] if pk else [])
    if along is not None:
        along.given = ids  # parsed once
    return along


def status(account: Account, params: dict[str, str], along: Along | None = None) -> Reply:
    currency = current().currency
    wanted, pk = along.given if along is not None else _status_ids(params)
    if wanted is not None:
        found = replies.order_statuses(
            status_rows(account.pk, [pk for pk in wanted.values() if pk], along), currency
        )
        if len(found) == len(wanted):
            return {raw: found[pk] for raw, pk in wanted.items()}  # type: ignore[index]
        missing = replies.error(wording(OrderError(OrderErrorCode.INCORRECT_ORDER)))
        return {raw: found.get(pk, missing) for raw, pk in wanted.items()}  # type: ignore[arg-type]
    found = replies.order_statuses(status_rows(account.pk, [pk], along), currency) if pk else {}
    if pk not in found:
        raise OrderError(OrderErrorCode.INCORRECT_ORDER)
    return found[pk]  # type: ignore[index]


def _each_order(
    account: Account, raw_ids: list[str], act: Callable[[Order], object], field: str
) -> list:
    """Run `act` on each of the account's orders, an error item for each id that fails."""
    found = owned_orders(account, [pk for pk in map(parse_id, raw_ids) if pk])
    items = []
    for raw in raw_ids:
        pk = parse_id(raw)
        try:
            if pk not in found:
                raise OrderError(OrderErrorCode.INCORRECT_ORDER)
            items.append({"order": pk, field: act(found[pk])})
        except OrderError as error:
            items.append({"order": _as_reply_id(raw), field: replies.error(wording(error))})
    return items


def refill(account: Account, params: dict[str, str]) -> Reply:
    if params.get("orders"):
        return _each_order(
            account,
            split_ids(params["orders"]),
            lambda order: request_refill(account=account, order=order).pk,
            "refill",
        )
    order = owned_order(account, params.get("order"))
    return {"refill": str(request_refill(account=account, order=order).pk)}


def refill_status(account: Account, params: dict[str, str]) -> Reply:
    if params.get("refills"):
        raw_ids = split_ids(params["refills"], OrderErrorCode.INCORRECT_REFILL)
        found = refill_statuses(account, [pk for pk in map(parse_id, raw_ids) if pk])
        items = []
        for raw in raw_ids:
            pk = parse_id(raw)
            if pk in found:
                items.append({"refill": pk, "status": found[pk]})
            else:
                code = OrderErrorCode.REFILL_NOT_FOUND if pk else OrderErrorCode.INCORRECT_REFILL
                error = replies.error(wording(OrderError(code)))
                items.append({"refill": _as_reply_id(raw), "status": error})
        return items
    return {"status": owned_refill(account, params.get("refill")).status}


def cancel(account: Account, params: dict[str, str]) -> Reply:
    raw = params.get("orders") or params.get("order") or ""
    return _each_order(
        account,
        split_ids(raw),
        lambda order: 1 if request_cancel(account=account, order=order) else 0,
        "cancel",
    )


def balance(account: Account, params: dict[str, str]) -> Reply:
    # The account was read by the key lookup of this very request.
    currency = current().currency
    return {"balance": format_amount(account.balance, currency), "currency": currency}


# --- digital products -----------------------------------------------------------------------
def products(account: Account, params: dict[str, str]) -> Reply:
    return [replies.product(product, inventory) for product, inventory in products_for_sale()]


def add_product_order(account: Account, params: dict[str, str]) -> Reply:
    order = product_orders.place_product_order(
        account=account,
        product_id=params.get("product"),
        quantity=params.get("quantity", ""),
        require=params.get("require", ""),
        idempotency_key=params.get("idempotency_key"),
    )
    return {"order": order.pk}


def _product_status(order: ProductOrder) -> dict:
    return replies.product_order_status(order, product_orders.delivered_items(order))


def product_order_status(account: Account, params: dict[str, str]) -> Reply:
    if params.get("orders"):
        raw_ids = split_ids(params["orders"])
        wanted = {raw: parse_id(raw) for raw in raw_ids}
        found = product_orders.owned_product_orders(account, [pk for pk in wanted.values() if pk])
        missing = replies.error(wording(OrderError(OrderErrorCode.INCORRECT_ORDER)))
        return {
            raw: _product_status(found[pk]) if pk in found else missing
            for raw, pk in wanted.items()
        }
    return _product_status(product_orders.owned_product_order(account, params.get("order")))


def result_product(account: Account, params: dict[str, str]) -> Reply:
    order = product_orders.owned_product_order(account, params.get("order"))
    return {"result": product_orders.delivered_items(order)}


# An action here reads along with the key's lookup what this function of the params names (see
# `Along`), and is then given it as its third argument, `along`.
ALONG: dict[str, Callable[[dict[str, str]], Along | None]] = {"status": status_read_along}

ACTIONS: dict[str, Callable[..., Reply]] = {
    "services": services,
    "add": add,
    "status": status,
    "refill": refill,
    "refill_status": refill_status,
    "cancel": cancel,
    "balance": balance,
    "products": products,
    "add_product_order": add_product_order,
    "product_order_status": product_order_status,
    "result_product": result_product,
}
