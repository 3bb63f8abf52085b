"""What an upstream accepts and how it answers: the five seed panels' dialects as settings."""

from dataclasses import dataclass, field, replace

ALL_ACTIONS = frozenset(
    {
        "services",
        "add",
        "status",
        "refill",
        "refill_status",
        "cancel",
        "balance",
        "products",
        "add_product_order",
        "product_order_status",
        "result_product",
    }
)
CLASSIC = frozenset({"services", "add", "status", "balance"})


@dataclass(frozen=True)
class UpstreamDialect:
    """How a fake upstream panel reads requests and writes replies."""

    path: str = "/api/v2"  # also answered with a trailing slash; any other path is a 404 page
    bodies: frozenset[str] = frozenset({"form", "json", "query"})  # request encodings it reads
    auth: frozenset[str] = frozenset({"key", "bearer"})  # `key` parameter and/or Bearer header
    string_ids: bool = False  # "VEGA00012A" order ids and hex service ids instead of numbers
    currency: str = "USD"
    decimals: int = 2  # money in replies; 0 for VND/IDR ("343423")
    status_currency: bool = True  # `currency` in status replies (003, 004: no)
    status_only_items: bool = False  # multi-status items carry only `status` (004)
    success_flag: bool = False  # `"success": true` in the add reply (000)
    service_flags: bool = True  # refill/cancel/dripfeed in services (002: absent)
    batch_refill_one_id: bool = False  # multi refill answers one {"refill": "1"} (003, 004)
    plain_dripfeed: bool = True  # False: its drip-feed services refuse an order without `runs`
    actions: frozenset[str] = field(default=ALL_ACTIONS)
    max_ids: int = 100

    def with_(self, **changes: object) -> "UpstreamDialect":
        return replace(self, **changes)  # type: ignore[arg-type]


FORM = frozenset({"form"})

SEED_PANELS: dict[str, UpstreamDialect] = {
    # 000: /api, key or Bearer, string ids, "success" in add, IDR, no refill/cancel.
    "vtechsmm": UpstreamDialect(
        path="/api",
        bodies=FORM,
        string_ids=True,
        currency="IDR",
        decimals=0,
        success_flag=True,
        actions=CLASSIC,
    ),
    # 001: the complete classic v2 with drip-feed.
    "smmplus": UpstreamDialect(
        bodies=FORM,
        auth=frozenset({"key"}),
        actions=CLASSIC | {"refill", "refill_status", "cancel"},
    ),
    # 002: /api/, services without refill/cancel/dripfeed flags.
    "pusatpanelsmm": UpstreamDialect(
        path="/api/", bodies=FORM, auth=frozenset({"key"}), service_flags=False, actions=CLASSIC
    ),
    # 003: no currency in status, refill, the products extension.
    "smmvna": UpstreamDialect(
        bodies=FORM,
        auth=frozenset({"key"}),
        status_currency=False,
        batch_refill_one_id=True,
        actions=CLASSIC
        | {
            "refill",
            "refill_status",
            "products",
            "add_product_order",
            "product_order_status",
            "result_product",
        },
    ),
    # 004: JSON bodies only, status-only multi items, VND without decimals.
    "baostar": UpstreamDialect(
        bodies=frozenset({"json"}),
        auth=frozenset({"key"}),
        currency="VND",
        decimals=0,
        status_currency=False,
        status_only_items=True,
        batch_refill_one_id=True,
        actions=CLASSIC | {"refill", "refill_status"},
    ),
}
