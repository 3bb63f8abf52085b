"""What the client returns. Amounts are `Decimal`, never float; provider ids are kept as `str`."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ORDER_STATUSES = ("Pending", "In progress", "Processing", "Completed", "Partial", "Canceled")
SUBSCRIPTION_STATUSES = ("Active", "Paused", "Completed", "Expired", "Canceled")
REFILL_STATUSES = ("Pending", "In progress", "Completed", "Rejected", "Error")
UNKNOWN = "unknown"


@dataclass(frozen=True)
class ServiceInfo:
    service: str
    name: str
    type: str
    category: str
    rate: Decimal
    min: int
    max: int
    refill: bool
    cancel: bool
    dripfeed: bool  # missing flags are False
    description: str = ""
    average_time: str | None = None


@dataclass(frozen=True)
class BrokenEntry:
    """A catalog entry that could not be read: its id when it has a readable one, and why."""

    service: str | None
    reason: str


@dataclass(frozen=True)
class Catalog:
    """A provider's services, with the entries that could not be read left out and listed."""

    services: list[ServiceInfo]
    broken: list[BrokenEntry] = field(default_factory=list)


@dataclass(frozen=True)
class OrderStatusInfo:
    """An order's state upstream. `status` is one of ORDER_STATUSES, Active/Paused/Expired
    (subscriptions) or "unknown"; `raw_status` is what the provider said ("Refunded", "Error")."""

    status: str
    raw_status: str
    charge: Decimal | None = None
    start_count: int | None = None
    remains: int | None = None  # may be negative (over-delivery)
    currency: str | None = None
    error: str | None = None  # per-id error item of a multi status ("Incorrect order ID")
    extra: dict[str, Any] = field(default_factory=dict)  # runs, posts, expiry, … (text values)


@dataclass(frozen=True)
class RefillStatusInfo:
    status: str  # one of REFILL_STATUSES or "unknown"
    raw_status: str
    error: str | None = None


@dataclass(frozen=True)
class Balance:
    amount: Decimal
    currency: str | None


@dataclass(frozen=True)
class ProductInfo:
    """A digital-goods product (the 003 extension)."""

    product: str
    name: str
    category: str
    rate: Decimal
    min: int
    max: int
    require: str = ""
    status: str = ""  # "In stock", "Out of stock"
    inventory: int | None = None
    type: str = ""  # "Auto" (from stock) or "Service" (by hand)


@dataclass(frozen=True)
class ProductOrderStatusInfo:
    status: str  # Pending, In progress, Completed, Partial, Canceled or "unknown"
    raw_status: str
    charge: Decimal | None = None
    remains: int | None = None
    result: str | None = None
    note: str | None = None
    error: str | None = None
