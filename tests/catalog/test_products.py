"""The products' actions, called directly: each records its own audit entry (who, what, before
and after), and a call that changes nothing writes nothing."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog import products
from smmpanel.catalog.errors import CatalogError, CatalogErrorCode
from smmpanel.catalog.models import Product, ProductItem
from smmpanel.orders.product_orders import place_product_order
from tests.factories import make_account, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice() -> Actor:
    user = get_user_model().objects.create_user(username="alice", is_staff=True)
    return Actor.of_user(user, ip="192.0.2.7")


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_create_product_records_its_values(alice):
    product = products.create_product(
        acting_user=alice,
        name=" Netflix 1 month ",
        category="Streaming",
        rate=Decimal("3.5"),
        max_quantity=5,
        require="Your e-mail",
    )
    assert (product.name, product.category.name, product.type) == (
        "Netflix 1 month",
        "Streaming",
        Product.Type.AUTO,
    )
    [entry] = entries("product.create")
    assert (entry.actor_name, entry.ip, entry.object_id) == ("alice", "192.0.2.7", str(product.pk))
    assert entry.before is None
    assert entry.after == {
        "name": "Netflix 1 month",
        "category": "Streaming",
        "require": "Your e-mail",
        "rate": "3.50000",
        "min_quantity": 1,
        "max_quantity": 5,
        "type": "Auto",
        "active": True,
    }


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"name": " "}, CatalogErrorCode.INVALID_NAME),
        ({"rate": Decimal(-1)}, CatalogErrorCode.INVALID_RATE),
        ({"min_quantity": 3, "max_quantity": 2}, CatalogErrorCode.INVALID_RANGE),
        ({"type": "Default"}, CatalogErrorCode.INVALID_TYPE),
        ({"category": ""}, CatalogErrorCode.INVALID_CATEGORY_NAME),
        ({"require": "x" * 256}, CatalogErrorCode.INVALID_REQUIRE),
    ],
)
def test_a_refused_product_writes_nothing(alice, values, code):
    with pytest.raises(CatalogError) as refused:
        products.create_product(
            acting_user=alice, **{"name": "P", "category": "C", "rate": Decimal(1), **values}
        )
    assert refused.value.code == code
    assert not Product.objects.exists() and not AuditEntry.objects.exists()


def test_edit_product_records_before_and_after_and_the_same_values_nothing(alice):
    product = make_product(rate=Decimal("2.5"))
    products.edit_product(
        acting_user=alice, product_id=product.pk, rate=Decimal(3), category="Spotify", active=False
    )
    [entry] = entries("product.edit")
    assert entry.object_id == str(product.pk)
    assert {key: entry.before[key] for key in ("rate", "category", "active")} == {
        "rate": "2.50000",
        "category": "Netflix",
        "active": True,
    }
    assert {key: entry.after[key] for key in ("rate", "category", "active")} == {
        "rate": "3.00000",
        "category": "Spotify",
        "active": False,
    }
    product.refresh_from_db()
    assert (product.rate, product.category.name, product.active) == (3, "Spotify", False)
    products.edit_product(
        acting_user=alice, **{"product_id": product.pk, **products.product_values(product)}
    )
    products.edit_product(acting_user=alice, product_id=product.pk, rate=Decimal("3.000"))
    assert len(entries("product.edit")) == 1


def test_edit_product_refuses_unknown_fields(alice):
    product = make_product()
    with pytest.raises(TypeError):
        products.edit_product(acting_user=alice, product_id=product.pk, sort_order=5)


def test_add_stock_records_the_unsold_count_never_the_items(alice):
    account, _ = make_account("100")
    product = make_product(stock=2)
    place_product_order(account=account, product=product, quantity="1")
    added = products.add_stock(
        acting_user=alice, product_id=product.pk, items=["code-a", "  ", " code-b "]
    )
    assert added == 2
    [entry] = entries("product.add_stock")
    assert (entry.before, entry.after) == ({"in_stock": 1}, {"in_stock": 3})
    assert "code-a" not in str(entry.before) + str(entry.after) + entry.summary
    unsold = ProductItem.objects.filter(product=product, product_order__isnull=True)
    assert {"code-a", "code-b"} <= set(unsold.values_list("value", flat=True))
    assert unsold.count() == 3
    assert products.add_stock(acting_user=alice, product_id=product.pk, items=["", " "]) == 0
    assert len(entries("product.add_stock")) == 1


def test_a_product_delivered_by_hand_takes_no_stock(alice):
    product = make_product(type=Product.Type.SERVICE)
    with pytest.raises(CatalogError) as refused:
        products.add_stock(acting_user=alice, product_id=product.pk, items=["x"])
    assert refused.value.code == CatalogErrorCode.NO_STOCK_BY_HAND
    assert not product.items.exists() and not AuditEntry.objects.exists()
