from datetime import timedelta
from decimal import Decimal

import pytest

from smmpanel.accounts.models import LedgerEntry
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import CancelStatus, OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.refills import request_refill
from smmpanel.orders.status import apply_status
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db


def _order(quantity="1000", rate="1", **service):
    account, _ = make_account("10")
    service_ = make_service(rate=Decimal(rate), **service)
    order = place_order(
        account=account, service=service_, params={"link": "https://x.com/a", "quantity": quantity}
    )
    return account, order


def _balance(account) -> Decimal:
    account.refresh_from_db()
    return account.balance


def test_partial_refunds_the_undelivered_part_once():
    account, order = _order()
    assert _balance(account) == Decimal("9")
    apply_status(order_id=order.pk, status=OrderStatus.IN_PROGRESS, start_count=3572, remains=400)
    apply_status(order_id=order.pk, status=OrderStatus.PARTIAL, remains=157)
    apply_status(order_id=order.pk, status=OrderStatus.PARTIAL, remains=157)
    assert _balance(account) == Decimal("9.157")
    refund = LedgerEntry.objects.get(order=order, kind="refund")
    assert refund.amount == Decimal("0.157")
    order.refresh_from_db()
    assert (order.status, order.start_count, order.remains) == ("Partial", 3572, 157)
    assert order.completed_at is not None


def test_canceled_refunds_the_whole_charge_once():
    account, order = _order()
    apply_status(order_id=order.pk, status=OrderStatus.CANCELED)
    apply_status(order_id=order.pk, status=OrderStatus.CANCELED)
    assert _balance(account) == Decimal("10")
    assert LedgerEntry.objects.filter(order=order, kind="refund").count() == 1


def test_final_status_never_changes_again():
    account, order = _order()
    apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    with pytest.raises(OrderError) as raised:
        apply_status(order_id=order.pk, status=OrderStatus.CANCELED)
    assert raised.value.code == OrderErrorCode.ORDER_FINAL
    assert _balance(account) == Decimal("9")


@pytest.mark.parametrize(("remains", "refund"), [(-2, "0"), (0, "0"), (5000, "1"), (999, "0.999")])
def test_partial_refund_is_clamped_to_what_was_charged(remains, refund):
    account, order = _order()
    apply_status(order_id=order.pk, status=OrderStatus.PARTIAL, remains=remains)
    assert _balance(account) == Decimal("9") + Decimal(refund)
    order.refresh_from_db()
    assert order.remains == remains  # kept as reported


def test_unknown_status_is_refused():
    _, order = _order()
    with pytest.raises(OrderError) as raised:
        apply_status(order_id=order.pk, status="Refunded")
    assert raised.value.code == OrderErrorCode.INVALID_STATUS


def test_drip_feed_partial_refunds_relative_to_all_runs():
    account, _ = make_account("10")
    service = make_service(rate=Decimal("1"), dripfeed=True)
    order = place_order(
        account=account,
        service=service,
        params={"link": "https://x.com/a", "quantity": "100", "runs": "10", "interval": "5"},
    )
    apply_status(order_id=order.pk, status=OrderStatus.PARTIAL, remains=250)
    assert _balance(account) == Decimal("9.25")


def test_subscription_refunds_posts_not_served():
    account, _ = make_account("10")
    service = make_service(type=OrderType.SUBSCRIPTIONS, rate=Decimal("1"), min_quantity=1)
    order = place_order(
        account=account,
        service=service,
        params={"username": "star", "min": "100", "max": "100", "posts": "10"},
    )
    assert _balance(account) == Decimal("9")
    apply_status(order_id=order.pk, status=OrderStatus.CANCELED, remains=700)
    assert _balance(account) == Decimal("9.7")


def test_cancel_request_is_settled_by_the_final_status():
    account, order = _order(cancel=True)
    cancel = request_cancel(account=account, order=order)
    with pytest.raises(OrderError) as raised:
        request_cancel(account=account, order=order)
    assert raised.value.code == OrderErrorCode.CANCEL_PENDING
    apply_status(order_id=order.pk, status=OrderStatus.CANCELED)
    cancel.refresh_from_db()
    assert cancel.status == CancelStatus.ACCEPTED
    with pytest.raises(OrderError) as raised:
        request_cancel(account=account, order=order)
    assert raised.value.code == OrderErrorCode.ORDER_FINAL


def test_cancel_needs_a_service_that_allows_it():
    account, order = _order(cancel=False)
    with pytest.raises(OrderError) as raised:
        request_cancel(account=account, order=order)
    assert raised.value.code == OrderErrorCode.CANCEL_NOT_AVAILABLE


def test_refill_rules():
    account, order = _order(refill=True)
    with pytest.raises(OrderError) as raised:
        request_refill(account=account, order=order)
    assert raised.value.code == OrderErrorCode.ORDER_NOT_COMPLETED
    apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    order.refresh_from_db()
    refill = request_refill(account=account, order=order)
    assert refill.status == "Pending"
    with pytest.raises(OrderError) as raised:
        request_refill(account=account, order=order)
    assert raised.value.code == OrderErrorCode.REFILL_PENDING
    other, _ = make_account()
    with pytest.raises(OrderError) as raised:
        request_refill(account=other, order=order)
    assert raised.value.code == OrderErrorCode.INCORRECT_ORDER


def test_refill_window_and_service_flag():
    account, order = _order(refill=True)
    apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    order.refresh_from_db()
    order.completed_at -= timedelta(days=order.service.refill_days, seconds=1)
    with pytest.raises(OrderError) as raised:
        request_refill(account=account, order=order)
    assert raised.value.code == OrderErrorCode.REFILL_EXPIRED
    account, order = _order(refill=False)
    apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    order.refresh_from_db()
    with pytest.raises(OrderError) as raised:
        request_refill(account=account, order=order)
    assert raised.value.code == OrderErrorCode.REFILL_NOT_AVAILABLE


def test_each_kind_of_order_keeps_to_its_own_status_vocabulary():
    _, order = _order()
    for status in (OrderStatus.ACTIVE, OrderStatus.PAUSED, OrderStatus.EXPIRED):
        with pytest.raises(OrderError):
            apply_status(order_id=order.pk, status=status)
    account, _ = make_account("10")
    service = make_service(type=OrderType.SUBSCRIPTIONS, rate=Decimal("1"), min_quantity=1)
    subscription = place_order(
        account=account, service=service, params={"username": "a", "min": "1", "max": "1"}
    )
    for status in (OrderStatus.IN_PROGRESS, OrderStatus.PARTIAL):
        with pytest.raises(OrderError):
            apply_status(order_id=subscription.pk, status=status)
    apply_status(order_id=subscription.pk, status=OrderStatus.PAUSED)


def test_a_batch_of_reports_follows_the_same_rules_as_one():
    from smmpanel.orders.status import StatusReport, apply_statuses

    account, moving = _order()
    _, ending = _order()
    _, finished = _order()
    apply_status(order_id=finished.pk, status=OrderStatus.COMPLETED, remains=0)
    results = apply_statuses(
        [
            StatusReport(moving.pk, OrderStatus.IN_PROGRESS, start_count=12, remains=600),
            StatusReport(ending.pk, OrderStatus.PARTIAL, remains=250),
            StatusReport(finished.pk, OrderStatus.CANCELED),
        ]
    )
    moving.refresh_from_db()
    assert (moving.status, moving.start_count, moving.remains) == ("In progress", 12, 600)
    assert results[ending.pk].status == OrderStatus.PARTIAL
    assert LedgerEntry.objects.get(order=ending, kind="refund").amount == Decimal("0.25")
    assert results[finished.pk].code == OrderErrorCode.ORDER_FINAL
    apply_statuses([StatusReport(ending.pk, OrderStatus.PARTIAL, remains=250)])
    assert LedgerEntry.objects.filter(order=ending, kind="refund").count() == 1
    assert _balance(account) == Decimal("9")
