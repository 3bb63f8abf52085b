"""Digital products on the web: bought through the API's own action (the same checks, the same
charge), the delivered items shown; refusals say why and change nothing."""

from decimal import Decimal

import pytest
from django.test import Client

from smmpanel.accounts.actions import suspend_account
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.audit.log import Actor
from smmpanel.catalog.models import Product, ProductItem
from smmpanel.orders.models import OrderStatus, ProductOrder
from smmpanel.orders.product_orders import apply_product_status
from tests.factories import make_account, make_product

pytestmark = pytest.mark.django_db


def buy(browser: Client, product: Product, quantity: str, **extra: str):
    return browser.post(
        "/products/", {"product": str(product.pk), "quantity": quantity, **extra}, follow=True
    )


def balance(account: Account) -> Decimal:
    return Account.objects.values_list("balance", flat=True).get(pk=account.pk)


def test_the_list_shows_products_and_their_stock(browser):
    product = make_product(stock=3, name="Netflix 1 month", rate=Decimal("2.5"))
    make_product(stock=0, name="Spotify", rate=Decimal("1"))
    make_product(stock=2, name="Hidden", active=False)
    page = browser.get("/products/").content.decode()
    assert "Netflix 1 month" in page and "3 in stock" in page and "2.50" in page
    assert f'name="product" value="{product.pk}"' in page
    assert "Spotify" in page and "Out of stock" in page
    assert "Hidden" not in page


def test_buying_on_the_web_charges_as_the_api_does_and_shows_the_items(browser, customer):
    product = make_product(stock=6, rate=Decimal("2.345"), require="Your e-mail")
    # The same order through the API, by another customer.
    other, key = make_account("100")
    reply = (
        Client()
        .post(
            "/api/v2",
            {
                "key": key,
                "action": "add_product_order",
                "product": product.pk,
                "quantity": "3",
                "require": "b@x.test",
            },
        )
        .json()
    )
    api_order = ProductOrder.objects.get(pk=reply["order"])

    response = buy(browser, product, "3", require="a@x.test", idempotency_key="k1")
    order = ProductOrder.objects.get(account=customer)
    assert response.redirect_chain[-1][0] == "/products/orders/"
    assert order.charge == api_order.charge == Decimal("7.035")
    assert balance(customer) == balance(other) == Decimal("92.965")
    charges = LedgerEntry.objects.filter(product_order=order).values_list("amount", flat=True)
    assert list(charges) == [Decimal("-7.035")]
    assert order.status == OrderStatus.COMPLETED and order.require == "a@x.test"
    page = response.content.decode()
    assert f"Product order {order.pk} received" in page
    for item in order.items.values_list("value", flat=True):
        assert f"<code>{item}</code>" in page
    assert f"item-{product.pk}-" in page
    # The same form sent twice (its key) is one order.
    buy(browser, product, "3", require="a@x.test", idempotency_key="k1")
    assert ProductOrder.objects.filter(account=customer).count() == 1


def test_items_delivered_by_hand_are_shown_once_the_operator_delivers(browser, customer):
    product = make_product(type=Product.Type.SERVICE, rate=Decimal("2"))
    buy(browser, product, "1")
    order = ProductOrder.objects.get(account=customer)
    assert "Nothing yet" in browser.get("/products/orders/").content.decode()
    apply_product_status(
        product_order_id=order.pk, status=OrderStatus.COMPLETED, result="code <b>123</b>"
    )
    page = browser.get("/products/orders/").content.decode()
    assert "<code>code &lt;b&gt;123&lt;/b&gt;</code>" in page


def test_another_customers_orders_are_not_shown(browser):
    other, _key = make_account("50")
    product = make_product(stock=1)
    from smmpanel.orders.product_orders import place_product_order

    place_product_order(account=other, product_id=product.pk, quantity="1")
    assert f"item-{product.pk}-0" not in browser.get("/products/orders/").content.decode()


@pytest.mark.parametrize(
    ("stock", "quantity", "message"),
    [
        (0, "1", "Product is out of stock"),
        (2, "3", "Not enough stock"),
        (5, "0", "Quantity less than minimal 1"),
        (5, "x", "Incorrect quantity"),
    ],
)
def test_refusals_are_clear_and_change_nothing(browser, customer, stock, quantity, message):
    product = make_product(stock=stock)
    response = buy(browser, product, quantity)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert balance(customer) == Decimal("100")
    assert not ProductOrder.objects.exists()
    assert ProductItem.objects.filter(product_order__isnull=False).count() == 0
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CHARGE).exists()


def test_not_enough_funds_is_clear_and_changes_nothing(browser, customer):
    product = make_product(stock=5, rate=Decimal("60"))
    response = buy(browser, product, "2")
    assert response.status_code == 400
    assert "Not enough funds on balance" in response.content.decode()
    assert balance(customer) == Decimal("100")
    assert not ProductOrder.objects.exists()
    assert ProductItem.objects.filter(product_order__isnull=True).count() == 5


def test_a_missing_required_field_and_a_disabled_product_are_refused(browser, customer):
    needs = make_product(stock=2, require="Your account")
    assert "Missing parameter: require" in buy(browser, needs, "1").content.decode()
    disabled = make_product(stock=2, active=False)
    assert "Product is disabled" in buy(browser, disabled, "1").content.decode()
    assert not ProductOrder.objects.exists()


def test_a_suspended_customer_can_not_buy(browser, customer):
    suspend_account(account_id=customer.pk, acting_user=Actor.system())
    product = make_product(stock=2)
    assert "Your account is suspended" in buy(browser, product, "1").content.decode()
    assert not ProductOrder.objects.exists()
