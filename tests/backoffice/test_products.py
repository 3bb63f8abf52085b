"""Product pages: listed with their stock, created, edited, stock added; each through the
catalog's action (its audit entry), for the admin role."""

from decimal import Decimal

import pytest
from django.urls import reverse

from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.models import Product, ProductItem
from smmpanel.orders.product_orders import place_product_order
from tests.backoffice.pages import messages_of
from tests.factories import make_account, make_product

pytestmark = pytest.mark.django_db

VALUES = {
    "name": "Netflix 1 month",
    "category": "Streaming",
    "type": "Auto",
    "rate": "3.5",
    "min_quantity": "1",
    "max_quantity": "5",
    "require": "Your e-mail",
    "active": "on",
}


def test_the_list_counts_unsold_stock_and_support_only_looks(admin_op, support_op):
    account, _ = make_account("100")
    product = make_product(stock=5)
    by_hand = make_product(type=Product.Type.SERVICE)
    place_product_order(account=account, product=product, quantity="2")
    response = admin_op.get(reverse("backoffice:products"))
    assert response.status_code == 200
    listed = {row.pk: row.stock for row in response.context["products"]}
    assert listed[product.pk] == 3
    page = response.content.decode()
    assert reverse("backoffice:product_edit", args=[by_hand.pk]) in page
    looked = support_op.get(reverse("backoffice:products"))
    assert looked.status_code == 200
    assert reverse("backoffice:product_edit", args=[product.pk]) not in looked.content.decode()
    assert support_op.get(reverse("backoffice:product_edit", args=[product.pk])).status_code == 403
    assert support_op.post(reverse("backoffice:product_create"), VALUES).status_code == 403


def test_a_product_is_created_and_recorded(admin_op):
    response = admin_op.post(reverse("backoffice:product_create"), VALUES)
    product = Product.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:product_edit", args=[product.pk])
    assert (product.name, product.category.name, product.rate) == (
        "Netflix 1 month",
        "Streaming",
        Decimal("3.5"),
    )
    assert AuditEntry.objects.get().action == "product.create"


def test_a_refused_product_shows_why_and_writes_nothing(admin_op):
    response = admin_op.post(reverse("backoffice:product_create"), {**VALUES, "min_quantity": "9"})
    assert response.status_code == 400
    assert "1 &lt;= min &lt;= max" in response.content.decode()
    assert not Product.objects.exists()


def test_a_product_is_edited(admin_op):
    product = make_product()
    url = reverse("backoffice:product_edit", args=[product.pk])
    assert admin_op.get(url).context["form"].initial["name"] == product.name
    response = admin_op.post(url, {**VALUES, "name": "Renamed", "active": ""})
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.active) == ("Renamed", False)
    assert AuditEntry.objects.get().action == "product.edit"


def test_stock_is_added_one_item_a_line(admin_op):
    account, _ = make_account("100")
    product = make_product(stock=1)
    place_product_order(account=account, product=product, quantity="1")
    url = reverse("backoffice:product_edit", args=[product.pk])
    # The sold item is not counted as stock.
    assert admin_op.get(url).context["in_stock"] == 0
    response = admin_op.post(
        reverse("backoffice:product_stock", args=[product.pk]), {"items": "code-a\r\n\r\ncode-b\n"}
    )
    assert response.status_code == 302
    assert messages_of(response) == ["2 item(s) added."]
    unsold = ProductItem.objects.filter(product=product, product_order__isnull=True)
    assert sorted(unsold.values_list("value", flat=True)) == ["code-a", "code-b"]
    assert ProductItem.objects.filter(product=product).count() == 3
    assert "2 items in stock." in admin_op.get(url).content.decode()


def test_a_product_delivered_by_hand_has_no_stock_form(admin_op):
    product = make_product(type=Product.Type.SERVICE)
    url = reverse("backoffice:product_edit", args=[product.pk])
    stock_url = reverse("backoffice:product_stock", args=[product.pk])
    assert stock_url not in admin_op.get(url).content.decode()
    response = admin_op.post(stock_url, {"items": "x"})
    assert response.status_code == 302
    assert messages_of(response) == ["A product delivered by hand has no stock"]
    assert not product.items.exists()
