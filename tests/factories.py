"""Small factories for test data, built through the domain operations where money is involved."""

import itertools
from decimal import Decimal

from smmpanel.accounts.models import Account
from smmpanel.accounts.registration import create_account
from smmpanel.catalog.models import Fulfilment, Product, ProductItem, Service
from smmpanel.catalog.operations import category_named, new_service
from smmpanel.catalog.order_types import OrderType

_counter = itertools.count(1)


def make_account(balance: str | Decimal = "0", username: str | None = None) -> tuple[Account, str]:
    """An account and its API key."""
    return create_account(
        username=username or f"customer{next(_counter)}", balance=Decimal(balance) or None
    )


def make_service(**overrides) -> Service:
    values = {
        "name": f"Service {next(_counter)}",
        "category": "Instagram",
        "type": OrderType.DEFAULT,
        "rate": Decimal("0.90"),
        "min_quantity": 50,
        "max_quantity": 10000,
        "fulfilment": Fulfilment.MANUAL,
    }
    values.update(overrides)
    return new_service(**values)


def make_product(stock: int = 0, **overrides) -> Product:
    values = {
        "name": f"Product {next(_counter)}",
        "category": category_named("Netflix"),
        "require": "",
        "rate": Decimal("2.5"),
        "min_quantity": 1,
        "max_quantity": 10,
    }
    values.update(overrides)
    product = Product.objects.create(**values)
    ProductItem.objects.bulk_create(
        ProductItem(product=product, value=f"item-{product.pk}-{n}") for n in range(stock)
    )
    return product
