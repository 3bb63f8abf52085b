"""Changing the catalog: the operator's decisions on services and categories.

Each decision is one action: it takes `acting_user`, locks and re-reads what it changes, returns
without writing when nothing changes, and records its audit entry in its own transaction.
`new_service` is the one way a service row comes to be; it records nothing itself, so that the
action calling it (`create_service`, a provider's catalog import) records what it decided.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from smmpanel.audit.log import Actor, record
from smmpanel.catalog.errors import CatalogError, CatalogErrorCode
from smmpanel.catalog.models import Category, Fulfilment, InactiveReason, Service, ServiceRoute
from smmpanel.catalog.order_types import PACKAGE_TYPES, OrderType
from smmpanel.catalog.updates import note_changes, note_new
from smmpanel.money import QUANTUM, ZERO, quantize

__all__ = ["CatalogError", "CatalogErrorCode"]  # raised here; defined in catalog.errors


def check_service(
    *, name: str, type: str, rate: Decimal, min_quantity: int, max_quantity: int, fulfilment: str
) -> None:
    if not name.strip() or len(name) > 500:
        raise CatalogError(CatalogErrorCode.INVALID_NAME)
    if type not in OrderType.values:
        raise CatalogError(
            CatalogErrorCode.INVALID_TYPE, type=type, types=", ".join(OrderType.values)
        )
    if rate < 0:
        raise CatalogError(CatalogErrorCode.INVALID_RATE)
    if not 1 <= min_quantity <= max_quantity < 2**63:
        raise CatalogError(CatalogErrorCode.INVALID_RANGE)
    if type in PACKAGE_TYPES and max_quantity != 1:
        raise CatalogError(CatalogErrorCode.INVALID_PACKAGE_RANGE)
    if fulfilment not in Fulfilment.values:
        raise CatalogError(CatalogErrorCode.INVALID_FULFILMENT)


def category_name(name: str) -> str:
    """The name stripped; CatalogError when it can't be a category's."""
    name = name.strip()
    # A NUL is no character of a name, and PostgreSQL refuses it in text.
    if not name or len(name) > 255 or "\x00" in name:
        raise CatalogError(CatalogErrorCode.INVALID_CATEGORY_NAME)
    return name


def category_named(name: str) -> Category:
    """The category of that name, created when new (no audit entry: see `create_category`)."""
    name = category_name(name)
    category, _ = Category.objects.get_or_create(name=name)
    return category


@dataclass(frozen=True)
class NewRoute:
    """A provider service that fulfils a new service, with the markup and the provider's name
    of it that an import keeps."""

    provider_service: Any
    markup: Decimal = ZERO
    imported_name: str = ""


def new_service(
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
    active: bool = True,
    auto_refill_hours: int | None = None,
    reroute_after_minutes: int | None = None,
    routes: Sequence[Any] = (),
) -> Service:
    """The one way a service comes to be: checked, in the named category (created when new),
    with its `routes` (provider services or `NewRoute`s, first choice first; a service fulfilled
    by a provider needs one). CatalogError before anything is written.

    Records no audit entry: call it inside the transaction of an action that records one.
    """
    chosen = [route if isinstance(route, NewRoute) else NewRoute(route) for route in routes]
    if fulfilment == Fulfilment.PROVIDER and not chosen:
        raise CatalogError(CatalogErrorCode.NO_PROVIDER_ROUTE)
    check_service(
        name=name,
        type=type,
        rate=rate,
        min_quantity=min_quantity,
        max_quantity=max_quantity,
        fulfilment=fulfilment,
    )
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
        active=active,
        auto_refill_hours=auto_refill_hours or None,
        reroute_after_minutes=reroute_after_minutes or None,
        inactive_reason="" if active else InactiveReason.OPERATOR,
    )
    if active:
        note_new(service)
    for priority, route in enumerate(chosen, start=1):
        ServiceRoute.objects.create(
            service=service,
            provider_service=route.provider_service,
            priority=priority,
            markup=route.markup,
            imported_name=route.imported_name,
        )
    return service


def create_service(*, acting_user: Actor, **values: Any) -> Service:
    """Create a service (`new_service`'s values) and record `service.create` with its values.
    CatalogError on bad values; nothing is written then."""
    with transaction.atomic():
        service = new_service(**values)
        service.refresh_from_db()  # the values as stored (rates at the money scale)
        record(acting_user, "service.create", obj=service, after=service_values(service))
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
    "auto_refill_hours",
    "reroute_after_minutes",
)
# The smallest bulk change: -100 % makes a service free, never negative.
MIN_PERCENT = Decimal(-100)


def service_values(service: Service) -> dict:
    """A service's editable values (the category by name), for forms and the audit log."""
    values = {name: getattr(service, name) for name in EDITABLE_FIELDS if name != "category"}
    values["category"] = service.category.name
    return values


def edit_service(*, acting_user: Actor, service_id: int, **values: object) -> Service:
    """Change a service's editable values, checked like a new service, and record
    `service.edit` (before -> after). Values equal to the stored ones change nothing.

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
            raise CatalogError(CatalogErrorCode.NO_PROVIDER_ROUTE)
        check_service(
            name=str(merged["name"]),
            type=str(merged["type"]),
            rate=Decimal(str(merged["rate"])),
            min_quantity=int(str(merged["min_quantity"])),
            max_quantity=int(str(merged["max_quantity"])),
            fulfilment=fulfilment,
        )
        merged["name"] = str(merged["name"]).strip()
        merged["category"] = category_name(str(merged["category"]))
        if merged == before:
            return service
        for name, value in merged.items():
            if name == "category":
                if value != service.category.name:
                    service.category = category_named(str(value))
            else:
                setattr(service, name, value)
        if merged["active"] != before["active"]:
            service.inactive_reason = "" if merged["active"] else InactiveReason.OPERATOR
        service.save()
        service.refresh_from_db()
        after = service_values(service)
        note_changes(service, before, after)
        record(acting_user, "service.edit", obj=service, before=before, after=after)
    return service


def _set_active(
    acting_user: Actor,
    services: QuerySet[Service],
    active: bool,
    summary: str = "",
    reason: str = InactiveReason.OPERATOR,
) -> list[int]:
    changing = list(services.select_for_update().exclude(active=active))
    # update() skips auto_now.
    Service.objects.filter(pk__in=[service.pk for service in changing]).update(
        active=active, inactive_reason="" if active else reason, updated_at=timezone.now()
    )
    for service in changing:
        pk = service.pk
        note_changes(service, {"active": not active}, {"active": active})
        record(
            acting_user,
            "service.enable" if active else "service.disable",
            object_type="catalog.service",
            object_id=pk,
            summary=summary,
            before={"active": not active},
            after={"active": active},
        )
    return [service.pk for service in changing]


def set_services_active(
    *, acting_user: Actor, service_ids: Sequence[int], active: bool
) -> list[int]:
    """Enable or disable services, recording `service.enable`/`service.disable` for each that
    changed; return their ids (those already so are left alone)."""
    with transaction.atomic():
        return _set_active(acting_user, Service.objects.filter(pk__in=service_ids), active)


def set_category_active(*, acting_user: Actor, category_id: int, active: bool) -> list[int]:
    """Enable or disable every service of a category, as `set_services_active` does."""
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category_id)
        services = Service.objects.filter(category=category)
        return _set_active(acting_user, services, active, summary=f"category {category.pk}")


def _check_percent(percent: Decimal) -> Decimal:
    if not percent.is_finite() or percent < MIN_PERCENT or percent > 10000:
        raise CatalogError(CatalogErrorCode.INVALID_PERCENT)
    return percent


def change_rates_by_percent(
    *, acting_user: Actor, service_ids: Sequence[int], percent: Decimal
) -> list[tuple[int, Decimal, Decimal]]:
    """Raise (or lower, with a negative percent) the rates of services; return (id, old, new)
    of those that changed, each recorded as `service.rate_percent`.

    Each new rate is rounded half up to the money scale and is never negative; a rate that stays
    above 0 (any percent above -100) is at least 0.00001, so that no rounding makes a service free.
    """
    _check_percent(percent)
    changed = []
    with transaction.atomic():
        for service in Service.objects.select_for_update().filter(pk__in=service_ids):
            exact = service.rate * (100 + percent) / 100
            new_rate = max(quantize(exact), QUANTUM) if exact > 0 else ZERO
            if new_rate == service.rate:
                continue
            changed.append((service.pk, service.rate, new_rate))
            record(
                acting_user,
                "service.rate_percent",
                obj=service,
                summary=f"{percent:+}%",
                before={"rate": service.rate},
                after={"rate": new_rate},
            )
            note_changes(service, {"rate": service.rate}, {"rate": new_rate})
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


def _move(acting_user: Actor, action: str, rows: list, pk: int, step: int) -> bool:
    index = [row.pk for row in rows].index(pk)
    moving = rows[index]
    before = moving.sort_order
    if not _swap_with_neighbour(rows, index, 1 if step > 0 else -1):
        return False
    record(
        acting_user,
        action,
        obj=moving,
        before={"sort_order": before},
        after={"sort_order": moving.sort_order},
    )
    return True


def move_service(*, acting_user: Actor, service_id: int, step: int) -> bool:
    """Move a service one place up (step -1) or down (+1) within its category and record
    `service.move`; False (and nothing written) when it is already at that end."""
    with transaction.atomic():
        service = Service.objects.select_for_update().get(pk=service_id)
        rows = list(
            Service.objects.select_for_update()
            .filter(category_id=service.category_id)
            .order_by("sort_order", "pk")
        )
        return _move(acting_user, "service.move", rows, service.pk, step)


def move_category(*, acting_user: Actor, category_id: int, step: int) -> bool:
    """Move a category one place up (step -1) or down (+1) and record `category.move`; False
    (and nothing written) when it is already at that end."""
    with transaction.atomic():
        rows = list(Category.objects.select_for_update().order_by("sort_order", "pk"))
        return _move(acting_user, "category.move", rows, category_id, step)


def create_category(*, acting_user: Actor, name: str) -> Category:
    """The category of that name; created (and `category.create` recorded) when new.
    CatalogError when the name can't be a category's."""
    name = category_name(name)
    with transaction.atomic():
        category, created = Category.objects.get_or_create(name=name)
        if created:
            record(acting_user, "category.create", obj=category, after={"name": category.name})
    return category


def rename_category(*, acting_user: Actor, category_id: int, name: str) -> Category:
    """Rename a category and record `category.rename`; the same name changes nothing.
    CatalogError when the name is taken or empty."""
    name = category_name(name)
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category_id)
        if category.name == name:
            return category
        if Category.objects.filter(name=name).exclude(pk=category_id).exists():
            raise CatalogError(CatalogErrorCode.CATEGORY_NAME_TAKEN)
        before = {"name": category.name}
        category.name = name
        category.save(update_fields=["name", "updated_at"])
        record(acting_user, "category.rename", obj=category, before=before, after={"name": name})
    return category
