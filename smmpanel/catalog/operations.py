"""Changing the catalog."""

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import transaction

from smmpanel.catalog.models import Category, Fulfilment, Service, ServiceRoute
from smmpanel.catalog.order_types import PACKAGE_TYPES, OrderType


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


def category_named(name: str) -> Category:
    name = name.strip()
    if not name or len(name) > 255:
        raise CatalogError(CatalogErrorCode.INVALID_NAME, "A category name of 1 to 255 characters")
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
