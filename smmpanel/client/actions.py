"""Every API v2 action as a `Plan`: the params to send and how to read each reply shape."""

from collections.abc import Iterable
from typing import Any

from .errors import ProviderBadReply, ProviderRefused
from .parsing import (
    extra_value,
    flag,
    integer,
    money,
    optional_integer,
    optional_money,
    optional_text,
    order_status,
    refill_status,
    text_id,
)
from .protocol import Call, Plan, item_error
from .results import (
    UNKNOWN,
    Balance,
    BrokenEntry,
    Catalog,
    OrderStatusInfo,
    RefillStatusInfo,
    ServiceInfo,
)

CHUNK = 100  # ids per multi-id call, the protocol's limit
_STATUS_FIELDS = {"status", "charge", "start_count", "remains", "currency", "error"}


def ids(values: Iterable[str | int]) -> list[str]:
    """Ids as stripped strings, duplicates dropped, order kept."""
    seen: dict[str, None] = {}
    for value in values:
        text = str(value).strip()
        if text:
            seen.setdefault(text, None)
    return list(seen)


def chunks(values: list[str]) -> list[list[str]]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def as_object(reply: Any, what: str) -> dict:
    if not isinstance(reply, dict):
        raise ProviderBadReply(f"{what}: expected a JSON object, got {type(reply).__name__}")
    return reply


def as_list(reply: Any, what: str) -> list:
    if isinstance(reply, dict) and not reply:
        return []  # some panels answer {} for an empty catalog
    if not isinstance(reply, list):
        raise ProviderBadReply(f"{what}: expected a JSON array, got {type(reply).__name__}")
    return reply


def merge(results: list[dict]) -> dict:
    merged: dict = {}
    for result in results:
        merged.update(result)
    return merged


# --- services, balance, add -------------------------------------------------------------------
def _service(item: Any) -> ServiceInfo:
    item = as_object(item, "service")
    return ServiceInfo(
        service=text_id(item.get("service"), "service"),
        name=optional_text(item.get("name"), 300) or "",
        type=optional_text(item.get("type"), 100) or "Default",
        category=optional_text(item.get("category"), 300) or "",
        rate=money(item.get("rate"), "rate"),
        min=integer(item.get("min"), "min"),
        max=integer(item.get("max"), "max"),
        refill=flag(item.get("refill")),
        cancel=flag(item.get("cancel")),
        dripfeed=flag(item.get("dripfeed")),
        description=optional_text(item.get("desc", item.get("description")), 5000) or "",
        average_time=optional_text(item.get("average_time"), 100),
    )


def services() -> Plan[list[ServiceInfo]]:
    def parse(reply: Any) -> list[ServiceInfo]:
        return [_service(item) for item in as_list(reply, "services")]

    return Plan([Call("services", {}, parse, read_only=True)], lambda r: r[0])


def catalog() -> Plan[Catalog]:
    """`services`, but an entry that can't be read is left out and listed, not fatal."""

    def parse(reply: Any) -> Catalog:
        result = Catalog([])
        for item in as_list(reply, "services"):
            try:
                result.services.append(_service(item))
            except ProviderBadReply as error:
                result.broken.append(BrokenEntry(_readable_id(item), str(error)[:200]))
        return result

    return Plan([Call("services", {}, parse, read_only=True)], lambda r: r[0])


def _readable_id(item: Any) -> str | None:
    try:
        return text_id(item.get("service"), "service") if isinstance(item, dict) else None
    except ProviderBadReply:
        return None


def balance() -> Plan[Balance]:
    def parse(reply: Any) -> Balance:
        reply = as_object(reply, "balance")
        return Balance(
            amount=money(reply.get("balance"), "balance"),
            currency=optional_text(reply.get("currency"), 10),
        )

    return Plan([Call("balance", {}, parse, read_only=True)], lambda r: r[0])


def created_id(what: str) -> Any:
    def parse(reply: Any) -> str:
        reply = as_object(reply, what)
        if reply.get("success") is False and "order" not in reply:
            raise ProviderRefused(reply.get("message") or reply.get("msg") or "success: false")
        return text_id(reply.get("order"), "order")

    return parse


def add(service: str | int, link: str | None, quantity: int | None, fields: dict) -> Plan[str]:
    params = {"service": str(service)}
    if link is not None:
        params["link"] = link
    if quantity is not None:
        params["quantity"] = str(quantity)
    params.update({name: str(value) for name, value in fields.items() if value is not None})
    return Plan([Call("add", params, created_id("add"), read_only=False)], lambda r: r[0])


# --- order status -----------------------------------------------------------------------------
def _order_status(item: dict) -> OrderStatusInfo:
    raw = item.get("status")
    if raw is None or isinstance(raw, (dict, list)):
        raise ProviderBadReply("status reply without a status")
    raw_status = optional_text(raw, 100) or ""
    return OrderStatusInfo(
        status=order_status(raw_status),
        raw_status=raw_status,
        charge=optional_money(item.get("charge")),
        start_count=optional_integer(item.get("start_count")),
        remains=optional_integer(item.get("remains")),
        currency=optional_text(item.get("currency"), 10),
        extra={str(k): extra_value(v) for k, v in item.items() if k not in _STATUS_FIELDS},
    )


def _unknown_status(error: str) -> OrderStatusInfo:
    return OrderStatusInfo(status=UNKNOWN, raw_status="", error=error)


def status(order: str | int) -> Plan[OrderStatusInfo]:
    def parse(reply: Any) -> OrderStatusInfo:
        return _order_status(as_object(reply, "status"))

    return Plan([Call("status", {"order": str(order)}, parse, read_only=True)], lambda r: r[0])


def keyed(chunk: list[str], reply: Any, read: Any, missing: Any) -> dict:
    """A multi-id reply keyed by id; an id it lacks or answers with an error item is a value."""
    if isinstance(reply, list):  # some panels answer [{"order": 1, "status": …}, …]
        reply = {
            str(item["order"]).strip(): item
            for item in reply
            if isinstance(item, dict) and "order" in item
        }
    reply = as_object(reply, "multi-id reply")
    if len(chunk) == 1 and "status" in reply and chunk[0] not in reply:
        reply = {chunk[0]: reply}  # answered in the single shape
    result = {}
    for key in chunk:
        item = reply.get(key)
        if item is None:
            result[key] = missing("missing from the provider's reply")
        elif error := item_error(item):
            result[key] = missing(error)
        elif not isinstance(item, dict) or "status" not in item:
            result[key] = missing("malformed item in the provider's reply")
        else:
            result[key] = read(item)
    return result


def statuses(orders: Iterable[str | int]) -> Plan[dict[str, OrderStatusInfo]]:
    def call(chunk: list[str]) -> Call:
        parse = lambda reply: keyed(chunk, reply, _order_status, _unknown_status)  # noqa: E731
        return Call("status", {"orders": ",".join(chunk)}, parse, read_only=True)

    return Plan([call(chunk) for chunk in chunks(ids(orders))], merge)


# --- refills ----------------------------------------------------------------------------------
def _refill_id(value: Any) -> str:
    if error := item_error(value):
        raise ProviderRefused(error)
    return text_id(value, "refill")


def refill(order: str | int) -> Plan[str]:
    def parse(reply: Any) -> str:
        return _refill_id(as_object(reply, "refill").get("refill"))

    return Plan([Call("refill", {"order": str(order)}, parse, read_only=False)], lambda r: r[0])


def _per_order(chunk: list[str], reply: Any, field: str, read: Any) -> dict:
    """`[{"order": 1, field: value | {"error": …}}, …]` -> {id: read(value) | ProviderRefused}."""
    result: dict[str, Any] = {}
    for item in as_list(reply, field):
        if isinstance(item, dict) and "order" in item:
            key = str(item["order"]).strip()
            value = item.get(field)
            error = item_error(value)
            result[key] = ProviderRefused(error) if error else read(value)
    return {
        key: result.get(key, ProviderRefused("missing from the provider's reply")) for key in chunk
    }


def refills(orders: Iterable[str | int]) -> Plan[dict[str, str | ProviderRefused]]:
    def parse_for(chunk: list[str]) -> Any:
        def parse(reply: Any) -> dict:
            if isinstance(reply, dict) and "refill" in reply:
                # 003/004 answer one refill id for the whole batch: {"refill": "1"}.
                refill_id = _refill_id(reply["refill"])
                return dict.fromkeys(chunk, refill_id)
            return _per_order(chunk, reply, "refill", _refill_id)

        return parse

    return Plan(
        [
            Call("refill", {"orders": ",".join(chunk)}, parse_for(chunk), read_only=False)
            for chunk in chunks(ids(orders))
        ],
        merge,
    )


def _refill_status(value: Any) -> RefillStatusInfo:
    if error := item_error(value):
        return RefillStatusInfo(status=UNKNOWN, raw_status="", error=error)
    raw = optional_text(value, 100)
    if raw is None:
        raise ProviderBadReply("refill status reply without a status")
    return RefillStatusInfo(status=refill_status(raw), raw_status=raw)


def refill_status_plan(refill_id: str | int) -> Plan[RefillStatusInfo]:
    def parse(reply: Any) -> RefillStatusInfo:
        return _refill_status(as_object(reply, "refill_status").get("status"))

    call = Call("refill_status", {"refill": str(refill_id)}, parse, read_only=True)
    return Plan([call], lambda r: r[0])


def refill_statuses(refill_ids: Iterable[str | int]) -> Plan[dict[str, RefillStatusInfo]]:
    def parse_for(chunk: list[str]) -> Any:
        def parse(reply: Any) -> dict:
            if len(chunk) == 1 and isinstance(reply, dict) and "status" in reply:
                return {chunk[0]: _refill_status(reply["status"])}
            found = {
                str(item["refill"]).strip(): _refill_status(item.get("status"))
                for item in as_list(reply, "refill_status")
                if isinstance(item, dict) and "refill" in item
            }
            missing = RefillStatusInfo(UNKNOWN, "", "missing from the provider's reply")
            return {key: found.get(key, missing) for key in chunk}

        return parse

    return Plan(
        [
            Call("refill_status", {"refills": ",".join(chunk)}, parse_for(chunk), read_only=True)
            for chunk in chunks(ids(refill_ids))
        ],
        merge,
    )


# --- cancel -----------------------------------------------------------------------------------
def cancel(orders: Iterable[str | int]) -> Plan[dict[str, bool | ProviderRefused]]:
    def parse_for(chunk: list[str]) -> Any:
        def parse(reply: Any) -> dict:
            if len(chunk) == 1 and isinstance(reply, dict) and "cancel" in reply:
                reply = [{"order": chunk[0], "cancel": reply["cancel"]}]
            return _per_order(chunk, reply, "cancel", flag)

        return parse

    return Plan(
        [
            Call("cancel", {"orders": ",".join(chunk)}, parse_for(chunk), read_only=False)
            for chunk in chunks(ids(orders))
        ],
        merge,
    )
