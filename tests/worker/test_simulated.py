from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from smmpanel.catalog.models import Fulfilment
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.models import CancelStatus, Order, OrderStatus, Refill
from smmpanel.orders.placement import place_order
from smmpanel.orders.refills import request_refill
from smmpanel.worker.claims import claim_due
from smmpanel.worker.loop import run_once
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db

LINK = "https://x.com/a"


@pytest.fixture(autouse=True)
def _simulation(settings):
    settings.SIMULATED_SECONDS = 100
    settings.SIMULATED_PARTIAL_PERCENT = 0


def _place(quantity="1000", **service):
    account, _ = make_account("100")
    service_ = make_service(rate=Decimal("1"), fulfilment=Fulfilment.SIMULATED, **service)
    order = place_order(
        account=account, service=service_, params={"link": LINK, "quantity": quantity}
    )
    return account, order


def _at(order, seconds):
    return order.created_at + timedelta(seconds=seconds)


def test_simulated_order_moves_pending_in_progress_completed():
    account, order = _place()
    run_once(_at(order, 1))
    order.refresh_from_db()
    assert (order.status, order.remains) == (OrderStatus.PENDING, 1000)
    run_once(_at(order, 55))
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_PROGRESS
    assert 0 < order.remains < 1000 and order.start_count >= 100
    run_once(_at(order, 101))
    order.refresh_from_db()
    assert (order.status, order.remains, order.next_attempt_at) == ("Completed", 0, None)
    account.refresh_from_db()
    assert account.balance == Decimal("99")


def test_simulated_partial_goes_through_the_refund_path(settings):
    settings.SIMULATED_PARTIAL_PERCENT = 100
    account, order = _place()
    run_once(_at(order, 101))
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIAL and 0 < order.remains < 1000
    account.refresh_from_db()
    assert account.balance == Decimal("99") + Decimal(order.remains) / 1000
    assert order.ledger.filter(kind="refund").count() == 1


def test_cancel_of_a_simulated_order_before_delivery_refunds_all():
    account, order = _place(cancel=True)
    cancel = request_cancel(account=account, order=order)
    run_once(_at(order, 2))
    order.refresh_from_db()
    cancel.refresh_from_db()
    assert order.status == OrderStatus.CANCELED and cancel.status == CancelStatus.ACCEPTED
    account.refresh_from_db()
    assert account.balance == Decimal("100")


def test_cancel_midway_ends_partial_with_the_undelivered_part_refunded():
    account, order = _place(cancel=True)
    run_once(_at(order, 55))
    order.refresh_from_db()
    remains_midway = order.remains
    request_cancel(account=account, order=order)
    run_once(_at(order, 55))
    order.refresh_from_db()
    assert (order.status, order.remains) == (OrderStatus.PARTIAL, remains_midway)
    account.refresh_from_db()
    assert account.balance == Decimal("99") + Decimal(remains_midway) / 1000


def test_simulated_refill_completes():
    account, order = _place(refill=True)
    run_once(_at(order, 101))
    order.refresh_from_db()
    refill = request_refill(account=account, order=order)
    run_once(refill.created_at + timedelta(seconds=50))
    refill.refresh_from_db()
    assert refill.status == "In progress"
    run_once(refill.created_at + timedelta(seconds=101))
    refill.refresh_from_db()
    assert (refill.status, refill.next_attempt_at) == ("Completed", None)


def test_limited_subscription_completes_after_its_posts():
    account, _ = make_account("100")
    service = make_service(
        type=OrderType.SUBSCRIPTIONS,
        rate=Decimal("1"),
        min_quantity=1,
        fulfilment=Fulfilment.SIMULATED,
    )
    order = place_order(
        account=account,
        service=service,
        params={"username": "star", "min": "100", "max": "100", "posts": "3"},
    )
    run_once(_at(order, 150))
    order.refresh_from_db()
    assert (order.status, order.details["posts_served"], order.remains) == ("Active", 1, 200)
    run_once(_at(order, 301))
    order.refresh_from_db()
    assert (order.status, order.details["posts_served"]) == ("Completed", 3)
    account.refresh_from_db()
    assert account.balance == Decimal("99.7")


def test_manual_orders_are_never_queued():
    account, _ = make_account("100")
    service = make_service(fulfilment=Fulfilment.MANUAL)
    order = place_order(account=account, service=service, params={"link": LINK, "quantity": "100"})
    assert order.next_attempt_at is None
    assert run_once(timezone.now() + timedelta(days=1)) == 0


def test_a_claimed_row_is_not_claimed_again_until_its_lease_expires():
    _, order = _place()
    now = timezone.now()
    assert claim_due(Order, now) == [order.pk]
    assert claim_due(Order, now) == []  # another worker finds nothing
    # The first worker died: once the lease has run out, the row is taken over.
    assert claim_due(Order, now + timedelta(minutes=5)) == [order.pk]


def test_refills_queue_only_for_automatic_fulfilment():
    account, _ = make_account("100")
    service = make_service(refill=True, fulfilment=Fulfilment.MANUAL)
    order = place_order(account=account, service=service, params={"link": LINK, "quantity": "100"})
    Order.objects.filter(pk=order.pk).update(status="Completed", completed_at=timezone.now())
    order.refresh_from_db()
    refill = request_refill(account=account, order=order)
    assert Refill.objects.get(pk=refill.pk).next_attempt_at is None
