"""The protocol's reply shapes: money and counts as strings, ids as numbers."""

from decimal import Decimal

from smmpanel.catalog.models import Product, Service
from smmpanel.configuration.current import current
from smmpanel.money import db_amount_formatter, format_amount
from smmpanel.orders.models import OrderStatus, ProductOrder
from smmpanel.orders.status_reads import StatusRow, subscription_details

# The subscription vocabulary of statuses reported before the first post is served.
_SUBSCRIPTION_STATUS: dict[str, str] = {OrderStatus.PENDING: OrderStatus.ACTIVE}


def money(amount: Decimal) -> str:
    return format_amount(amount, current().currency)


def number(amount: Decimal) -> int | float:
    """The products extension sends money as JSON numbers: integral amounts as integers, others as
    the shortest float that reads back as the same decimal."""
    normal = amount.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)


def error(message: str) -> dict:
    return {"error": message}


def service(item: Service) -> dict:
    return {
        "service": item.pk,
        "name": item.name,
        "type": item.type,
        "category": item.category.name,
        "rate": money(item.rate),
        "min": str(item.min_quantity),
        "max": str(item.max_quantity),
        "refill": item.refill,
        "cancel": item.cancel,
        "dripfeed": item.dripfeed,
        "desc": item.description,
        **({"average_time": str(item.average_time)} if item.average_time else {}),
    }


def order_statuses(found: tuple[list[StatusRow], set[int]], currency: str) -> dict[int, dict]:
    """The status reply of each order that `status_reads.status_rows` found, by order id."""
    rows, subscription_services = found
    charge_shown = db_amount_formatter(currency)
    replies = {}
    for pk, service_id, status, charge, start_count, remains, runs, interval, details in rows:
        if details is not None and service_id in subscription_services:
            replies[pk] = {
                **_subscription_status(status, subscription_details(details)),
                # What was charged so far: the price up front, or the posts served (unlimited).
                "charge": charge_shown(charge),
                "currency": currency,
            }
            continue
        reply = {
            "charge": charge_shown(charge),
            "start_count": start_count,
            "status": status,
            "remains": remains,
            "currency": currency,
        }
        if runs:
            reply["runs"] = str(runs)
            reply["interval"] = str(interval)
        replies[pk] = reply
    return replies


def _subscription_status(status: str, details: dict) -> dict:
    return {
        "status": _SUBSCRIPTION_STATUS.get(status, status),
        "expiry": details.get("expiry"),
        "posts": str(details.get("posts_served", 0)),
    }


def product(item: Product, inventory: int) -> dict:
    reply: dict = {
        "product": item.pk,
        "name": item.name,
        "require": item.require,
        "rate": number(item.rate),
        "min": item.min_quantity,
        "max": item.max_quantity,
        "category": item.category.name,
        "type": item.type,
    }
    if item.type == Product.Type.AUTO:
        reply["status"] = "In stock" if inventory else "Out of stock"
        reply["inventory"] = inventory
    else:
        reply["status"] = "In stock"
    return reply


def product_order_status(order: ProductOrder, items: list[str]) -> dict:
    reply: dict = {"charge": number(order.charge), "status": order.status}
    if order.status == OrderStatus.PARTIAL:
        reply["remains"] = order.remains
    if items:
        reply["result"] = "\n".join(items)
    if order.note:
        reply["note"] = order.note
    return reply
