"""Changing the catalog."""

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone

from smmpanel.catalog.models import Category, Fulfilment, Service, ServiceRoute
from smmpanel.catalog.order_types import PACKAGE_TYPES, OrderType
from smmpanel.money import QUANTUM, ZERO, quantize


class CatalogErrorCode(StrEnum):
    INVALID_TYPE = "invalid_type"
    INVALID_RANGE = "invalid_range"
    INVALID_RATE = "invalid_rate"
    INVALID_NAME = "invalid_name"
    INVALID_FULFILMENT = "invalid_fulfilment"


class CatalogError(Exception):
    def __init__(self, code: CatalogErrorCode, message: str):
        self.code = code
        self.message = message
        super().__init__(message)


def check_service(
    *, name: str, type: str, rate: Decimal, min_quantity: int, max_quantity: int, fulfilment: str
) -> None:
    if not name.strip() or len(name) > 500:
        raise CatalogError(CatalogErrorCode.INVALID_NAME, "A name of 1 to 500 characters")
    if type not in OrderType.values:
        raise CatalogError(
            CatalogErrorCode.INVALID_TYPE,
            f"Unknown type {type!r}; one of: {', '.join(OrderType.values)}",
        )
    if rate < 0:
        raise CatalogError(CatalogErrorCode.INVALID_RATE, "The rate can't be negative")
    if not 1 <= min_quantity <= max_quantity < 2**63:
        raise CatalogError(CatalogErrorCode.INVALID_RANGE, "Need 1 <= min <= max")
    if type in PACKAGE_TYPES and max_quantity != 1:
        raise CatalogError(CatalogErrorCode.INVALID_RANGE, "A package type has min = max = 1")
    if fulfilment not in Fulfilment.values:
        raise CatalogError(
            CatalogErrorCode.INVALID_FULFILMENT,
            "Fulfilment is 'manual', 'simulated' or 'provider'",
        )


def category_name(name: str) -> str:
    """The name stripped; CatalogError when it can't be a category's."""
    name = name.strip()
    # A NUL is no character of a name, and PostgreSQL refuses it in text.
    if not name or len(name) > 255 or "\x00" in name:
        raise CatalogError(CatalogErrorCode.INVALID_NAME, "A category name of 1 to 255 characters")
    return name


def category_named(name: str) -> Category:
    name = category_name(name)
    category, _ = Category.objects.get_or_create(name=name)
    return category


def create_service(
    *,
    name: str,
    category: str,
    type: str,
    rate: Decimal,
    min_quantity: int,
    max_quantity: int,
    refill: bool = False,
    refill_days: int = 30,
    cancel: bool = False,
    dripfeed: bool = False,
    fulfilment: str = Fulfilment.MANUAL,
    description: str = "",
    routes: Sequence[Any] = (),
) -> Service:
    """Create a service in the named category (created when new); CatalogError on bad values.

    `routes` are the provider services that fulfil it, first choice first; a service fulfilled
    by a provider needs at least one.
    """
    if fulfilment == Fulfilment.PROVIDER and not routes:
        raise CatalogError(
            CatalogErrorCode.INVALID_FULFILMENT, "A provider service needs a provider route"
        )
    check_service(
        name=name,
        type=type,
        rate=rate,
        min_quantity=min_quantity,
        max_quantity=max_quantity,
        fulfilment=fulfilment,
    )
    with transaction.atomic():
        service = Service.objects.create(
            name=name.strip(),
            category=category_named(category),
            type=type,
            rate=rate,
            min_quantity=min_quantity,
            max_quantity=max_quantity,
            refill=refill,
            refill_days=refill_days,
            cancel=cancel,
            dripfeed=dripfeed,
            fulfilment=fulfilment,
            description=description,
        )
        for priority, provider_service in enumerate(routes, start=1):
            ServiceRoute.objects.create(
                service=service, provider_service=provider_service, priority=priority
            )
        return service


# Fields an operator edits on a service page.
EDITABLE_FIELDS = (
    "name",
    "category",
    "type",
    "rate",
    "min_quantity",
    "max_quantity",
    "refill",
    "refill_days",
    "cancel",
    "dripfeed",
    "fulfilment",
    "description",
    "active",
)
# The smallest bulk change: -100 % makes a service free, never negative.
MIN_PERCENT = Decimal(-100)


def service_values(service: Service) -> dict:
    """A service's editable values (the category by name), for forms and the audit log."""
    values = {name: getattr(service, name) for name in EDITABLE_FIELDS if name != "category"}
    values["category"] = service.category.name
    return values


def update_service(*, service_id: int, **values: object) -> tuple[dict, dict]:
    """Change a service's editable values, checked like a new service; return (before, after).

    The row is locked while it changes; unknown field names are refused with TypeError.
    """
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        service = Service.objects.select_for_update().select_related("category").get(pk=service_id)
        before = service_values(service)
        merged = {**before, **values}
        fulfilment = str(merged["fulfilment"])
        if fulfilment == Fulfilment.PROVIDER and not service.routes.exists():
            raise CatalogError(
                CatalogErrorCode.INVALID_FULFILMENT, "A provider service needs a provider route"
            )
        check_service(
            name=str(merged["name"]),
            type=str(merged["type"]),
            rate=Decimal(str(merged["rate"])),
            min_quantity=int(str(merged["min_quantity"])),
            max_quantity=int(str(merged["max_quantity"])),
            fulfilment=fulfilment,
        )
        for name, value in merged.items():
            if name == "category":
                service.category = category_named(str(value))
            elif name == "name":
                service.name = str(value).strip()
            else:
                setattr(service, name, value)
        service.save()
        service.refresh_from_db()
        return before, service_values(service)


def set_services_active(*, service_ids: list[int], active: bool) -> list[int]:
    """Enable or disable services; return the ids that changed."""
    with transaction.atomic():
        changing = list(
            Service.objects.select_for_update()
            .filter(pk__in=service_ids)
            .exclude(active=active)
            .values_list("pk", flat=True)
        )
        # update() skips auto_now.
        Service.objects.filter(pk__in=changing).update(active=active, updated_at=timezone.now())
    return changing


def _check_percent(percent: Decimal) -> Decimal:
    if not percent.is_finite() or percent < MIN_PERCENT or percent > 10000:
        raise CatalogError(CatalogErrorCode.INVALID_RATE, "A percentage from -100 (free) to 10000")
    return percent


def change_rates_by_percent(
    *, service_ids: list[int], percent: Decimal
) -> list[tuple[int, Decimal, Decimal]]:
    """Raise (or lower, with a negative percent) the rates of services; return (id, old, new).

    Each new rate is rounded half up to the money scale and is never negative; a rate that stays
    above 0 (any percent above -100) is at least 0.00001, so that no rounding makes a service free.
    """
    _check_percent(percent)
    changed = []
    with transaction.atomic():
        for service in Service.objects.select_for_update().filter(pk__in=service_ids):
            exact = service.rate * (100 + percent) / 100
            new_rate = max(quantize(exact), QUANTUM) if exact > 0 else ZERO
            if new_rate != service.rate:
                changed.append((service.pk, service.rate, new_rate))
                service.rate = new_rate
                service.save(update_fields=["rate", "updated_at"])
    return changed


def _swap_with_neighbour(rows: list, index: int, step: int) -> bool:
    """Renumber `rows` 10, 20, … in their order, with rows[index] moved one place by `step`."""
    target = index + step
    if not 0 <= target < len(rows):
        return False
    rows[index], rows[target] = rows[target], rows[index]
    for position, row in enumerate(rows, start=1):
        if row.sort_order != position * 10:
            row.sort_order = position * 10
            row.save(update_fields=["sort_order", "updated_at"])
    return True


def move_service(*, service_id: int, step: int) -> bool:
    """Move a service one place up (step -1) or down (+1) within its category."""
    with transaction.atomic():
        service = Service.objects.select_for_update().get(pk=service_id)
        rows = list(
            Service.objects.select_for_update()
            .filter(category_id=service.category_id)
            .order_by("sort_order", "pk")
        )
        index = [row.pk for row in rows].index(service.pk)
        return _swap_with_neighbour(rows, index, 1 if step > 0 else -1)


def move_category(*, category_id: int, step: int) -> bool:
    """Move a category one place up (step -1) or down (+1)."""
    with transaction.atomic():
        rows = list(Category.objects.select_for_update().order_by("sort_order", "pk"))
        index = [row.pk for row in rows].index(category_id)
        return _swap_with_neighbour(rows, index, 1 if step > 0 else -1)


def rename_category(*, category_id: int, name: str) -> tuple[str, str]:
    """Rename a category; return (old, new). CatalogError when the name is taken or empty."""
    name = category_name(name)
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category_id)
        if Category.objects.filter(name=name).exclude(pk=category_id).exists():
            raise CatalogError(CatalogErrorCode.INVALID_NAME, "Another category has this name")
        old = category.name
        category.name = name
        category.save(update_fields=["name", "updated_at"])
    return old, name
