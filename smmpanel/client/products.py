"""The digital-goods extension (003 smmvna): products, product orders and their results."""

from collections.abc import Iterable
from typing import Any

from .actions import as_list, as_object, chunks, created_id, ids, keyed, merge
from .errors import ProviderBadReply
from .parsing import (
    integer,
    money,
    optional_integer,
    optional_money,
    optional_text,
    order_status,
    text_id,
)
from .protocol import Call, Plan
from .results import UNKNOWN, ProductInfo, ProductOrderStatusInfo


def _product(item: Any) -> ProductInfo:
    item = as_object(item, "product")
    return ProductInfo(
        product=text_id(item.get("product"), "product"),
        name=optional_text(item.get("name"), 300) or "",
        category=optional_text(item.get("category"), 300) or "",
        rate=money(item.get("rate"), "rate"),
        min=integer(item.get("min", 1), "min"),
        max=integer(item.get("max"), "max"),
        require=optional_text(item.get("require"), 500) or "",
        status=optional_text(item.get("status"), 100) or "",
        inventory=optional_integer(item.get("inventory")),
        type=optional_text(item.get("type"), 50) or "",
    )


def products() -> Plan[list[ProductInfo]]:
    def parse(reply: Any) -> list[ProductInfo]:
        return [_product(item) for item in as_list(reply, "products")]

    return Plan([Call("products", {}, parse, read_only=True)], lambda r: r[0])


def add_product_order(product: str | int, quantity: int, require: str | None) -> Plan[str]:
    params = {"product": str(product), "quantity": str(quantity)}
    if require is not None:
        params["require"] = require
    call = Call("add_product_order", params, created_id("add_product_order"), read_only=False)
    return Plan([call], lambda r: r[0])


def _product_status(item: dict) -> ProductOrderStatusInfo:
    raw = optional_text(item.get("status"), 100)
    if raw is None:
        raise ProviderBadReply("product order status without a status")
    status = order_status(raw)
    return ProductOrderStatusInfo(
        status=status if status not in ("Active", "Paused", "Expired", "Processing") else UNKNOWN,
        raw_status=raw,
        charge=optional_money(item.get("charge")),
        remains=optional_integer(item.get("remains")),
        result=optional_text(item.get("result"), 5000),
        note=optional_text(item.get("note")),
    )


def _unknown(error: str) -> ProductOrderStatusInfo:
    return ProductOrderStatusInfo(status=UNKNOWN, raw_status="", error=error)


def product_order_status(order: str | int) -> Plan[ProductOrderStatusInfo]:
    def parse(reply: Any) -> ProductOrderStatusInfo:
        return _product_status(as_object(reply, "product_order_status"))

    call = Call("product_order_status", {"order": str(order)}, parse, read_only=True)
    return Plan([call], lambda r: r[0])


def product_order_statuses(
    orders: Iterable[str | int],
) -> Plan[dict[str, ProductOrderStatusInfo]]:
    def call(chunk: list[str]) -> Call:
        parse = lambda reply: keyed(chunk, reply, _product_status, _unknown)  # noqa: E731
        return Call("product_order_status", {"orders": ",".join(chunk)}, parse, read_only=True)

    return Plan([call(chunk) for chunk in chunks(ids(orders))], merge)


def result_product(order: str | int) -> Plan[list[str]]:
    def parse(reply: Any) -> list[str]:
        result = as_object(reply, "result_product").get("result")
        if result is None:
            raise ProviderBadReply("result_product reply without a result")
        items = result if isinstance(result, list) else [result]
        return [optional_text(item, 5000) or "" for item in items]

    return Plan(
        [Call("result_product", {"order": str(order)}, parse, read_only=True)], lambda r: r[0]
    )
