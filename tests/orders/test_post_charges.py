"""Unlimited subscriptions are charged as their posts are served: each post once, at the
subscription's largest size, never taking a balance below zero."""

from datetime import timedelta
from decimal import Decimal

import pytest

from smmpanel.accounts import ledger
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.catalog.models import Fulfilment
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.models import CancelRequest, CancelStatus, Order, OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.status import StatusReport, apply_status, apply_statuses
from smmpanel.worker.loop import run_once
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db

# 100 per post at 0.33333 per 1000 is 0.033333, rounded up to 0.03334 for each post.
RATE = Decimal("0.33333")
POST = Decimal("0.03334")


@pytest.fixture(autouse=True)
def _simulation(settings):
    settings.SIMULATED_SECONDS = 100
    settings.SIMULATED_PARTIAL_PERCENT = 0


def _subscription(balance="100", fulfilment=Fulfilment.SIMULATED, **params):
    account, _ = make_account(balance)
    service = make_service(
        type=OrderType.SUBSCRIPTIONS, rate=RATE, min_quantity=1, fulfilment=fulfilment
    )
    order = place_order(
        account=account,
        service=service,
        params={"username": "star", "min": "50", "max": "100", **params},
    )
    return account, order


def _at(order, seconds):
    return order.created_at + timedelta(seconds=seconds)


def _post_charges(order):
    return list(
        LedgerEntry.objects.filter(order=order, kind="charge")
        .order_by("post")
        .values_list("post", "amount")
    )


def _balance(account):
    return Account.objects.get(pk=account.pk).balance


def test_a_simulated_unlimited_subscription_pays_for_each_served_post():
    account, order = _subscription()
    assert order.charge == 0
    run_once(_at(order, 350))  # the simulation serves a post every 100 seconds
    order.refresh_from_db()
    assert (order.status, order.details["posts_served"]) == ("Active", 3)
    assert _post_charges(order) == [(1, -POST), (2, -POST), (3, -POST)]
    assert order.charge == 3 * POST == Decimal("0.10002")
    assert _balance(account) == Decimal("100") - 3 * POST
    assert ledger.audit() == []


def test_the_price_of_a_post_is_the_one_quoted_at_placement():
    account, order = _subscription(fulfilment=Fulfilment.MANUAL)
    order.service.rate = Decimal("50")
    order.service.save()
    apply_status(order_id=order.pk, status="Active", details={"posts_served": 1})
    assert _post_charges(order) == [(1, -POST)]


def test_the_same_report_applied_twice_charges_once():
    account, order = _subscription(fulfilment=Fulfilment.MANUAL)
    for _ in range(2):
        apply_status(order_id=order.pk, status="Active", details={"posts_served": 2})
        apply_statuses([StatusReport(order.pk, "Active", 0, 0, {"posts_served": 2})])
    assert _post_charges(order) == [(1, -POST), (2, -POST)]
    apply_statuses([StatusReport(order.pk, "Active", 0, 0, {"posts_served": 4})])
    order.refresh_from_db()
    assert [post for post, _ in _post_charges(order)] == [1, 2, 3, 4]
    assert (order.charge, _balance(account)) == (4 * POST, Decimal("100") - 4 * POST)
    assert ledger.audit() == []


def test_a_post_is_charged_once_by_a_database_constraint():
    account, order = _subscription(fulfilment=Fulfilment.MANUAL)
    first = ledger.charge_post(account_id=account.pk, order_id=order.pk, post=1, amount=POST)
    again = ledger.charge_post(account_id=account.pk, order_id=order.pk, post=1, amount=POST)
    assert (first, again) == (POST, None)
    assert _balance(account) == Decimal("100") - POST


def test_a_balance_that_runs_out_stops_the_subscription_at_zero():
    account, order = _subscription(balance="0.08")  # two posts and a part of the third
    run_once(_at(order, 350))
    order.refresh_from_db()
    assert _post_charges(order) == [(1, -POST), (2, -POST), (3, -Decimal("0.01332"))]
    assert (order.charge, _balance(account)) == (Decimal("0.08"), Decimal(0))
    assert order.details["unpaid_post"] == 3
    assert order.cancel_requests.get().status == CancelStatus.PENDING
    # The fulfilment hears of the cancel and stops; later posts are not charged.
    run_once(_at(order, 560))
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert order.cancel_requests.get().status == CancelStatus.ACCEPTED
    assert len(_post_charges(order)) == 3
    assert (order.charge, _balance(account)) == (Decimal("0.08"), Decimal(0))
    assert ledger.audit() == []


def test_an_empty_balance_stops_the_subscription_at_its_first_post():
    account, order = _subscription(balance="0")
    apply_status(order_id=order.pk, status="Active", details={"posts_served": 1})
    order.refresh_from_db()
    assert (_post_charges(order), order.charge, order.details["unpaid_post"]) == ([], 0, 1)
    assert CancelRequest.objects.filter(order=order, status=CancelStatus.PENDING).exists()
    apply_status(order_id=order.pk, status="Active", details={"posts_served": 2})
    assert _post_charges(order) == [] and _balance(account) == 0


def test_posts_served_with_the_final_status_are_charged_and_nothing_refunded():
    account, order = _subscription(fulfilment=Fulfilment.MANUAL)
    apply_status(order_id=order.pk, status="Expired", remains=0, details={"posts_served": 2})
    order.refresh_from_db()
    assert (order.status, order.charge) == ("Expired", 2 * POST)
    assert not order.ledger.filter(kind="refund").exists()
    assert _balance(account) == Decimal("100") - 2 * POST


def test_a_limited_subscription_still_pays_up_front_and_gets_back_unserved_posts():
    account, order = _subscription(fulfilment=Fulfilment.MANUAL, posts="3")
    assert order.charge == Decimal("0.1")  # 300 at 0.33333 per 1000, rounded up
    apply_status(order_id=order.pk, status="Active", remains=200, details={"posts_served": 1})
    apply_status(order_id=order.pk, status="Canceled", remains=200, details={"posts_served": 1})
    order = Order.objects.get(pk=order.pk)
    assert list(order.ledger.values_list("kind", "post", "amount").order_by("pk")) == [
        ("charge", None, Decimal("-0.1")),
        ("refund", None, Decimal("0.06666")),
    ]
    assert order.charge == Decimal("0.1")
    assert ledger.audit() == []


def test_a_final_report_with_remains_refunds_no_served_post():
    account, order = _subscription(fulfilment=Fulfilment.MANUAL)
    apply_status(order_id=order.pk, status="Active", remains=0, details={"posts_served": 2})
    # A cancel reported without posts keeps the remains of the placement (its max).
    apply_status(order_id=order.pk, status="Canceled", remains=100)
    order.refresh_from_db()
    assert (order.status, order.charge) == ("Canceled", 2 * POST)
    assert not order.ledger.filter(kind="refund").exists()
    assert _balance(account) == Decimal("100") - 2 * POST


def test_a_subscription_placed_before_posts_were_charged_pays_todays_discounted_rate():
    account, order = _subscription(fulfilment=Fulfilment.MANUAL)
    details = {k: v for k, v in order.details.items() if k != "post_charge"}
    Order.objects.filter(pk=order.pk).update(details=details)
    Account.objects.filter(pk=account.pk).update(rate_discount=Decimal("10"))
    apply_status(order_id=order.pk, status="Active", details={"posts_served": 1})
    # 100 at 0.33333 less 10 % per 1000 is 0.0299997, rounded up.
    assert _post_charges(order) == [(1, -Decimal("0.03"))]
