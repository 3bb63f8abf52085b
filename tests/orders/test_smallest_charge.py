"""Charges round up and refunds round down: no order is free at a positive rate, and what a
partial order keeps still pays for what it delivered."""

from decimal import Decimal

import pytest

from smmpanel.accounts import ledger
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.catalog.models import Product
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.models import OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.product_orders import apply_product_status, place_product_order
from smmpanel.orders.status import apply_status
from tests.factories import make_account, make_product, make_service

pytestmark = pytest.mark.django_db

LINK = "https://instagram.com/someone"
SMALLEST = Decimal("0.00001")


def _balance(account: Account) -> Decimal:
    account.refresh_from_db()
    return account.balance


def _refunded(order) -> Decimal:
    entries = LedgerEntry.objects.filter(order=order, kind="refund")
    return sum((entry.amount for entry in entries), Decimal(0))


@pytest.mark.parametrize("quantity", [1, 2, 3, 4])
def test_an_order_at_a_tiny_rate_costs_the_smallest_amount_not_nothing(quantity):
    account, _ = make_account("1")
    service = make_service(rate=Decimal("0.001"), min_quantity=1)
    order = place_order(
        account=account, service=service, params={"link": LINK, "quantity": str(quantity)}
    )
    assert order.charge == SMALLEST  # 0.001 × 4 / 1000 = 0.000004 at most
    assert LedgerEntry.objects.get(order=order).amount == -SMALLEST
    assert _balance(account) == Decimal("1") - SMALLEST
    assert ledger.audit() == []


def test_only_a_rate_of_zero_is_free():
    account, _ = make_account("1")
    service = make_service(rate=Decimal("0"), min_quantity=1)
    order = place_order(account=account, service=service, params={"link": LINK, "quantity": "5"})
    assert order.charge == 0
    assert _balance(account) == Decimal("1")


def test_a_discounted_package_and_a_subscription_are_never_free():
    account, _ = make_account("1")
    account.rate_discount = Decimal("60")
    account.save(update_fields=["rate_discount"])
    package = make_service(
        type=OrderType.PACKAGE, rate=Decimal("0.00001"), min_quantity=1, max_quantity=1
    )
    # 0.00001 × 40 % = 0.000004 per package.
    order = place_order(account=account, service=package, params={"link": LINK})
    assert order.charge == SMALLEST
    subscription = make_service(type=OrderType.SUBSCRIPTIONS, rate=Decimal("0.001"), min_quantity=1)
    order = place_order(
        account=account,
        service=subscription,
        params={"username": "star", "min": "1", "max": "1", "posts": "2"},
    )
    assert order.charge == SMALLEST
    assert _balance(account) == Decimal("1") - 2 * SMALLEST
    assert ledger.audit() == []


@pytest.mark.parametrize(
    ("status", "remains", "refund"),
    [
        # 2 of 4 delivered: the 0.00001 kept is what 2 units cost (rounded up), nothing back.
        (OrderStatus.PARTIAL, 2, "0"),
        (OrderStatus.PARTIAL, 4, "0.00001"),
        (OrderStatus.CANCELED, 4, "0.00001"),
    ],
)
def test_a_partial_of_an_upward_rounded_charge_refunds_at_most_the_charge(status, remains, refund):
    account, _ = make_account("1")
    service = make_service(rate=Decimal("0.001"), min_quantity=1)
    order = place_order(account=account, service=service, params={"link": LINK, "quantity": "4"})
    apply_status(order_id=order.pk, status=status, remains=remains)
    assert _refunded(order) == Decimal(refund)
    assert _balance(account) == Decimal("1") - SMALLEST + Decimal(refund)
    assert ledger.audit() == []


def test_a_refund_rounds_down_so_the_delivered_part_stays_paid():
    account, _ = make_account("1")
    service = make_service(rate=Decimal("0.27819"), min_quantity=1)
    order = place_order(account=account, service=service, params={"link": LINK, "quantity": "3"})
    assert order.charge == Decimal("0.00084")  # 0.00083457 rounded up
    apply_status(order_id=order.pk, status=OrderStatus.PARTIAL, remains=1)
    # 0.00084 / 3 = 0.00028: exact. 2 delivered cost 0.00055638 -> 0.00056 = 0.00084 - 0.00028.
    assert _refunded(order) == Decimal("0.00028")
    order = place_order(account=account, service=service, params={"link": LINK, "quantity": "7"})
    assert order.charge == Decimal("0.00195")  # 0.00194733 rounded up
    apply_status(order_id=order.pk, status=OrderStatus.PARTIAL, remains=3)
    # 0.00195 × 3 / 7 = 0.000835714…: half up would give 0.00084 back and keep 0.00111 for
    # 4 units that cost 0.00111276; rounded down, 0.00083 back and 0.00112 kept.
    assert _refunded(order) == Decimal("0.00083")
    assert ledger.audit() == []


def test_an_order_of_one_unit_left_undelivered_gets_its_whole_charge_back():
    account, _ = make_account("10")
    package = make_service(
        type=OrderType.PACKAGE, rate=Decimal("2.5"), min_quantity=1, max_quantity=1
    )
    order = place_order(account=account, service=package, params={"link": LINK})
    apply_status(order_id=order.pk, status=OrderStatus.PARTIAL, remains=1)
    assert _refunded(order) == Decimal("2.5")
    # A subscription of one post of size 1 that expired before it.
    subscription = make_service(type=OrderType.SUBSCRIPTIONS, rate=Decimal("3"), min_quantity=1)
    order = place_order(
        account=account,
        service=subscription,
        params={"username": "star", "min": "1", "max": "1", "posts": "1"},
    )
    assert (order.total_quantity, order.charge) == (1, Decimal("0.003"))
    apply_status(order_id=order.pk, status=OrderStatus.EXPIRED, remains=1)
    assert _refunded(order) == Decimal("0.003")
    assert _balance(account) == Decimal("10")


def test_a_product_order_partial_refunds_what_was_not_delivered_rounded_down():
    account, _ = make_account("1")
    product = make_product(
        rate=Decimal("0.00001"), min_quantity=1, max_quantity=10, type=Product.Type.SERVICE
    )
    order = place_product_order(account=account, product=product, quantity="3")
    assert order.charge == Decimal("0.00003")
    apply_product_status(product_order_id=order.pk, status=OrderStatus.PARTIAL, remains=2)
    refund = LedgerEntry.objects.get(product_order=order, kind="refund")
    assert refund.amount == Decimal("0.00002")
    assert ledger.audit() == []
