"""The fake panel's state and its answer to each action (no HTTP here; see `server.py`)."""

import itertools
import threading
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .seeds import UpstreamDialect


@dataclass
class UpstreamService:
    name: str
    type: str = "Default"
    category: str = "Instagram"
    rate: Decimal = Decimal("0.90")
    min: int = 10
    max: int = 10000
    refill: bool = True
    cancel: bool = True
    dripfeed: bool = True


@dataclass
class UpstreamOrder:
    service: str
    params: dict[str, str]
    quantity: int
    charge: Decimal
    status: str = "Pending"
    start_count: int = 0
    remains: int = 0
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class UpstreamProduct:
    name: str
    rate: Decimal = Decimal("2.5")
    category: str = "Netflix"
    min: int = 1
    max: int = 10
    stock: list[str] = field(default_factory=list)


def default_services() -> list[UpstreamService]:
    return [
        UpstreamService("Instagram Followers"),
        UpstreamService(
            "Likes without refill",
            rate=Decimal("0.27819"),
            refill=False,
            cancel=False,
            dripfeed=False,
        ),
        UpstreamService(
            "Custom Comments",
            type="Custom Comments",
            rate=Decimal("8"),
            min=1,
            max=1500,
            refill=False,
        ),
    ]


class Panel:
    """In-memory panel. Every public attribute may be read by tests; change it under `lock`."""

    def __init__(self, dialect: UpstreamDialect, balance: Decimal) -> None:
        self.dialect = dialect
        self.lock = threading.RLock()
        self.balance = balance
        self.services: dict[str, UpstreamService] = {}
        # Entries listed after the services as they are, e.g. broken ones ({"service": 9}).
        self.raw_services: list[Any] = []
        self.orders: dict[str, UpstreamOrder] = {}
        self.refills: dict[str, dict[str, str]] = {}  # id -> {"order", "status"}
        self.products: dict[str, UpstreamProduct] = {}
        self.product_orders: dict[str, dict[str, Any]] = {}
        self.calls: Counter[str] = Counter()
        self._counter = itertools.count(1001)
        for service in default_services():
            if dialect.decimals == 0:  # IDR/VND prices: 0.90 USD is about 9000
                service.rate = (service.rate * 10000).quantize(Decimal(1), ROUND_HALF_UP)
            self.add_service(service)
        self.add_product(
            UpstreamProduct("Netflix premium 1 month", stock=[f"acct-{n}" for n in range(5)])
        )

    # --- ids and formats ---
    def new_id(self, prefix: str = "VEGA") -> str:
        n = next(self._counter)
        return f"{prefix}{n:06X}" if self.dialect.string_ids else str(n)

    def id_out(self, value: str) -> str | int:
        return value if self.dialect.string_ids or not value.isdigit() else int(value)

    def money(self, amount: Decimal) -> str:
        places = Decimal(1) if self.dialect.decimals == 0 else Decimal("0.00001")
        text = format(amount.quantize(places, ROUND_HALF_UP), "f")
        if "." in text:
            text = text.rstrip("0")
            whole, _, fraction = text.partition(".")
            text = f"{whole}.{fraction.ljust(self.dialect.decimals, '0')}"
        return text

    def add_service(self, service: UpstreamService) -> str:
        with self.lock:
            service_id = (
                f"5e{len(self.services) + 1:022x}"
                if self.dialect.string_ids
                else str(len(self.services) + 1)
            )
            self.services[service_id] = service
            return service_id

    def add_product(self, product: UpstreamProduct) -> str:
        with self.lock:
            product_id = str(len(self.products) + 1)
            self.products[product_id] = product
            return product_id

    # --- the actions; each returns the JSON value to send ---
    def services_reply(self, params: dict[str, str]) -> Any:
        reply = []
        for service_id, s in self.services.items():
            item: dict[str, Any] = {
                "service": self.id_out(service_id),
                "name": s.name,
                "type": s.type,
                "category": s.category,
                "rate": self.money(s.rate),
                "min": str(s.min),
                "max": str(s.max),
            }
            if self.dialect.service_flags:
                item.update(refill=s.refill, cancel=s.cancel, dripfeed=s.dripfeed)
            reply.append(item)
        return reply + self.raw_services

    def add_reply(self, params: dict[str, str]) -> Any:
        service = self.services.get(params.get("service", ""))
        if service is None:
            return {"error": "Incorrect service ID"}
        if not params.get("link") and service.type != "Subscriptions":
            return {"error": "Incorrect link"}
        if service.type == "Custom Comments":
            quantity = len([line for line in params.get("comments", "").splitlines() if line])
        elif service.type == "Subscriptions":
            # No quantity (the protocol): its posts at their largest size, one when unlimited.
            try:
                quantity = int(params.get("max", "")) * int(params.get("posts") or 1)
            except ValueError:
                return {"error": "Incorrect request"}
        else:
            try:
                quantity = int(params.get("quantity", ""))
            except ValueError:
                return {"error": "Incorrect request"}
        if quantity < service.min:
            return {"error": f"Quantity less than minimal {service.min}"}
        if quantity > service.max:
            return {"error": f"Quantity more than maximal {service.max}"}
        runs = int(params["runs"]) if params.get("runs", "").isdigit() else 1
        if "runs" in params and not service.dripfeed:
            return {"error": "Incorrect request"}
        if "runs" not in params and service.dripfeed and not self.dialect.plain_dripfeed:
            return {"error": "This service accepts drip-feed orders only"}
        charge = service.rate * quantity * runs / 1000
        if charge > self.balance:
            return {"error": "Not enough funds on balance"}
        self.balance -= charge
        order_id = self.new_id()
        self.orders[order_id] = UpstreamOrder(
            service=params["service"],
            params=dict(params),
            quantity=quantity * runs,
            charge=charge,
            remains=quantity * runs,
        )
        reply: dict[str, Any] = {"order": self.id_out(order_id)}
        return {"success": True, **reply} if self.dialect.success_flag else reply

    def _status_item(self, order: UpstreamOrder, full: bool) -> dict[str, Any]:
        if not full:
            return {"status": order.status}
        item: dict[str, Any] = {
            "charge": self.money(order.charge),
            "start_count": str(order.start_count),
            "status": order.status,
            "remains": str(order.remains),
        }
        if self.dialect.status_currency:
            item["currency"] = self.dialect.currency
        item.update(order.extra)
        return item

    def _ids(self, text: str) -> list[str] | None:
        values = [value.strip() for value in text.split(",") if value.strip()]
        return None if len(values) > self.dialect.max_ids else values

    def status_reply(self, params: dict[str, str]) -> Any:
        if "orders" in params:
            ids = self._ids(params["orders"])
            if ids is None:
                return {"error": f"Too many IDs: maximum is {self.dialect.max_ids}"}
            full = not self.dialect.status_only_items
            return {
                i: self._status_item(self.orders[i], full)
                if i in self.orders
                else {"error": "Incorrect order ID"}
                for i in ids
            }
        order = self.orders.get(params.get("order", "").strip())
        return self._status_item(order, True) if order else {"error": "Incorrect order ID"}

    def _refill_one(self, order_id: str) -> str | dict[str, str]:
        order = self.orders.get(order_id)
        if order is None:
            return {"error": "Incorrect order ID"}
        if not self.services[order.service].refill:
            return {"error": "Refill is not available for this service"}
        refill_id = str(len(self.refills) + 1)
        self.refills[refill_id] = {"order": order_id, "status": "Pending"}
        return refill_id

    def refill_reply(self, params: dict[str, str]) -> Any:
        if "orders" in params:
            ids = self._ids(params["orders"])
            if ids is None:
                return {"error": f"Too many IDs: maximum is {self.dialect.max_ids}"}
            results = [(i, self._refill_one(i)) for i in ids]
            if self.dialect.batch_refill_one_id:
                created = [r for _, r in results if isinstance(r, str)]
                return {"refill": created[0]} if created else {"error": "Incorrect order ID"}
            return [
                {"order": self.id_out(i), "refill": r if isinstance(r, dict) else int(r)}
                for i, r in results
            ]
        result = self._refill_one(params.get("order", "").strip())
        return result if isinstance(result, dict) else {"refill": result}

    def refill_status_reply(self, params: dict[str, str]) -> Any:
        if "refills" in params:
            ids = self._ids(params["refills"]) or []
            return [
                {
                    "refill": self.id_out(i),
                    "status": self.refills[i]["status"]
                    if i in self.refills
                    else {"error": "Refill not found"},
                }
                for i in ids
            ]
        refill = self.refills.get(params.get("refill", "").strip())
        return {"status": refill["status"]} if refill else {"error": "Refill not found"}

    def cancel_reply(self, params: dict[str, str]) -> Any:
        ids = self._ids(params.get("orders", params.get("order", "")))
        if ids is None:
            return {"error": f"Too many IDs: maximum is {self.dialect.max_ids}"}
        reply = []
        for i in ids:
            order = self.orders.get(i)
            answer: Any
            if order is None:
                answer = {"error": "Incorrect order ID"}
            elif not self.services[order.service].cancel:
                answer = {"error": "Cancel is not available for this service"}
            else:
                order.status, answer = "Canceled", 1
            reply.append({"order": self.id_out(i), "cancel": answer})
        return reply

    def balance_reply(self, params: dict[str, str]) -> Any:
        return {"balance": self.money(self.balance), "currency": self.dialect.currency}

    def products_reply(self, params: dict[str, str]) -> Any:
        return [
            {
                "product": int(i),
                "name": p.name,
                "require": "Input your account",
                "rate": p.rate,
                "min": p.min,
                "max": p.max,
                "category": p.category,
                "status": "In stock" if p.stock else "Out of stock",
                "inventory": len(p.stock),
                "type": "Auto",
            }
            for i, p in self.products.items()
        ]

    def add_product_order_reply(self, params: dict[str, str]) -> Any:
        product = self.products.get(params.get("product", ""))
        if product is None:
            return {"error": "Incorrect product ID"}
        quantity = int(params.get("quantity", "1") or 1)
        if len(product.stock) < quantity:
            return {"error": "Out of stock"}
        items, product.stock[:] = product.stock[:quantity], product.stock[quantity:]
        order_id = self.new_id("P")
        charge = product.rate * quantity
        self.product_orders[order_id] = {"charge": charge, "items": items}
        return {"order": self.id_out(order_id)}

    def _product_item(self, order: dict[str, Any]) -> dict[str, Any]:
        return {"charge": order["charge"], "status": "Completed", "result": order["items"][0]}

    def product_order_status_reply(self, params: dict[str, str]) -> Any:
        if "orders" in params:
            return {
                i: self._product_item(self.product_orders[i])
                if i in self.product_orders
                else {"error": "Incorrect order ID"}
                for i in self._ids(params["orders"]) or []
            }
        order = self.product_orders.get(params.get("order", "").strip())
        return self._product_item(order) if order else {"error": "Incorrect order ID"}

    def result_product_reply(self, params: dict[str, str]) -> Any:
        order = self.product_orders.get(params.get("order", "").strip())
        return {"result": order["items"]} if order else {"error": "Incorrect order ID"}
