"""Status sync: batches of 100 ids per call, the one status path (refunds exactly once), and
whatever a provider answers never crashes the worker nor changes an order wrongly."""

from datetime import timedelta
from decimal import Decimal

import pytest

from smmpanel.orders.models import Order, OrderStatus
from smmpanel.providers.models import UpstreamOrder
from smmpanel.worker.claims import extend_leases
from smmpanel.worker.loop import run_once
from tests.factories import make_account
from tests.providers.fixtures import later, order_of, place_many, upstream_id

pytestmark = pytest.mark.django_db


def _sent(service, upstream, quantity=1000, balance="100"):
    order = order_of(service, quantity=quantity, balance=balance)
    run_once()
    return order, upstream_id(order)


def test_statuses_are_polled_in_batches_of_100_ids(followers, upstream):
    account, _ = make_account("1000")
    orders = place_many(followers, account, 250)
    run_once()
    assert upstream.calls["add"] == 250
    upstream.reset_counts()
    for order in orders:
        upstream.set_order(upstream_id(order), status="In progress", remains=40, start_count=7)
    run_once(later(minutes=1))
    assert upstream.calls["status"] == 3  # 100 + 100 + 50 ids
    assert all(
        (o.status, o.remains, o.start_count) == ("In progress", 40, 7)
        for o in Order.objects.filter(pk__in=[o.pk for o in orders])
    )


def test_completed_partial_and_canceled_come_back_with_their_refunds_once(followers, upstream):
    done, done_id = _sent(followers, upstream)
    partial, partial_id = _sent(followers, upstream)
    canceled, canceled_id = _sent(followers, upstream)
    upstream.set_order(done_id, status="Completed", remains=0, start_count=100)
    upstream.set_order(partial_id, status="Partial", remains=250)
    upstream.set_order(canceled_id, status="Canceled", remains=1000)
    for minutes in (1, 20, 400):  # reported again and again
        run_once(later(minutes=minutes))
    for order in (done, partial, canceled):
        order.refresh_from_db()
        order.account.refresh_from_db()
    assert (done.status, done.remains, done.account.balance) == ("Completed", 0, Decimal("99.1"))
    assert partial.status == "Partial"
    assert partial.account.balance == Decimal("99.1") + Decimal("0.225")
    assert (canceled.status, canceled.account.balance) == ("Canceled", Decimal("100"))
    assert partial.ledger.filter(kind="refund").count() == 1
    assert canceled.ledger.filter(kind="refund").count() == 1
    assert done.next_attempt_at is None


def test_refunded_upstream_is_a_cancel(followers, upstream):
    order, upstream_order = _sent(followers, upstream)
    upstream.set_order(upstream_order, status="Refunded")
    run_once(later(minutes=1))
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED


def test_an_unknown_status_leaves_the_order_alone_and_backs_off(followers, upstream):
    order, upstream_order = _sent(followers, upstream)
    upstream.set_order(upstream_order, status="Error")
    run_once(later(minutes=1))
    order.refresh_from_db()
    first_wait = order.next_attempt_at - later(minutes=1)
    assert order.status == OrderStatus.PENDING
    assert "Error" in UpstreamOrder.objects.get(order=order).raw_status
    run_once(order.next_attempt_at)
    after = order.next_attempt_at
    order.refresh_from_db()
    assert order.next_attempt_at - after > first_wait  # waiting longer each time


def test_unchanged_orders_are_polled_less_and_less_often(followers, upstream):
    order, upstream_order = _sent(followers, upstream)
    upstream.set_order(upstream_order, status="In progress", remains=500)
    run_once(later(minutes=1))
    waits = []
    for _ in range(3):
        order.refresh_from_db()
        due = order.next_attempt_at
        run_once(due)
        order.refresh_from_db()
        waits.append(order.next_attempt_at - due)
    assert waits[0] < waits[1] < waits[2]
    upstream.set_order(upstream_order, remains=400)  # a change: polled soon again
    due = order.next_attempt_at
    run_once(due)
    order.refresh_from_db()
    assert order.remains == 400 and order.next_attempt_at - due < waits[0]


def test_remains_above_the_quantity_refund_at_most_the_charge(followers, upstream):
    order, upstream_order = _sent(followers, upstream)
    upstream.set_order(upstream_order, status="Partial", remains=999_999)
    run_once(later(minutes=1))
    order.refresh_from_db()
    order.account.refresh_from_db()
    assert (order.status, order.remains) == ("Partial", 1000)
    assert order.account.balance == Decimal("100")


def test_negative_remains_refund_nothing(followers, upstream):
    order, upstream_order = _sent(followers, upstream)
    upstream.set_order(upstream_order, status="Partial", remains=-25)
    run_once(later(minutes=1))
    order.refresh_from_db()
    order.account.refresh_from_db()
    assert (order.status, order.remains) == ("Partial", 0)
    assert order.account.balance == Decimal("99.1")
    assert not order.ledger.filter(kind="refund").exists()


@pytest.mark.parametrize("fault", ["http500", "html", "truncated", "error", "shape", "slow"])
def test_a_failing_status_call_changes_nothing_and_is_retried(fault, followers, upstream):
    order, upstream_order = _sent(followers, upstream)
    upstream.set_order(upstream_order, status="Completed", remains=0)
    upstream.fail(fault, actions="status", delay=3, message="Invalid API key")
    run_once(later(minutes=1))
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING and order.next_attempt_at is not None
    upstream.clear_faults()
    run_once(later(minutes=60))
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED


def test_an_id_the_provider_does_not_know_is_left_alone(followers, upstream):
    order, upstream_order = _sent(followers, upstream)
    with upstream.panel.lock:
        del upstream.panel.orders[upstream_order]
    run_once(later(minutes=1))
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING and order.next_attempt_at is not None
    assert "Incorrect order ID" in UpstreamOrder.objects.get(order=order).raw_status


def test_an_order_finished_by_the_operator_meanwhile_is_not_reopened(followers, upstream):
    from smmpanel.orders.status import apply_status

    order, upstream_order = _sent(followers, upstream)
    apply_status(order_id=order.pk, status="Canceled", remains=1000)
    upstream.set_order(upstream_order, status="Completed", remains=0)
    run_once(later(minutes=1))
    order.refresh_from_db()
    assert order.status == "Canceled" and order.ledger.filter(kind="refund").count() == 1


def test_claims_are_renewed_while_a_slow_provider_answers(followers, upstream, monkeypatch):
    from django.conf import settings
    from django.utils import timezone

    from smmpanel.providers import sync
    from smmpanel.worker import loop

    order, _ = _sent(followers, upstream)
    monkeypatch.setattr(sync, "KEEPALIVE_SECONDS", 0.05)
    leases = []

    def renew(model, ids):
        extend_leases(model, ids)
        leases.append(Order.objects.get(pk=order.pk).lease_expires_at)

    monkeypatch.setattr(loop, "extend_leases", renew)
    upstream.fail("slow", actions="status", delay=0.5, times=1)
    run_once(later(minutes=1))
    assert leases and all(
        lease > timezone.now() + timedelta(seconds=settings.WORKER_LEASE_SECONDS - 10)
        for lease in leases
    )


@pytest.mark.parametrize("status", ["Pending", "Processing"])
def test_remains_0_of_an_order_not_started_claims_no_delivery(followers, upstream, status):
    order, upstream_order = _sent(followers, upstream)
    upstream.set_order(upstream_order, status=status, remains=0, start_count=10)
    run_once(later(minutes=1))
    order.refresh_from_db()
    assert (order.status, order.remains, order.start_count) == (status, 1000, 10)
    upstream.set_order(upstream_order, status="In progress", remains=400)
    run_once(later(minutes=2))
    upstream.set_order(upstream_order, status=status, remains=0)  # a panel's odd report
    run_once(later(minutes=3))
    order.refresh_from_db()
    assert (order.status, order.remains) == (status, 400)  # what is known is kept


def test_remains_0_while_in_progress_is_not_a_delivery(followers, upstream):
    order, upstream_order = _sent(followers, upstream)
    upstream.set_order(upstream_order, status="In progress", remains=0)
    run_once(later(minutes=1))
    order.refresh_from_db()
    assert (order.status, order.remains) == ("In progress", 1000)
    upstream.set_order(upstream_order, status="Completed", remains=0)
    run_once(later(minutes=2))
    order.refresh_from_db()
    assert (order.status, order.remains) == ("Completed", 0)


def test_an_unchanged_report_without_usable_remains_backs_off(followers, upstream):
    order, upstream_order = _sent(followers, upstream)
    upstream.set_order(upstream_order, status="Pending", remains=0, start_count=5)
    for minutes in (1, 2, 3, 4):  # the first report brings the start count, then nothing new
        run_once(later(minutes=minutes))
    assert UpstreamOrder.objects.get(order=order).unchanged_polls == 3


def test_a_run_reported_pending_with_remains_0_keeps_its_remains(followers, upstream):
    order = order_of(followers, quantity=100, runs="3", interval="10", balance="10")
    run_once(order.created_at + timedelta(seconds=1))
    upstream.set_order(upstream_id(order), status="Pending", remains=0)
    run_once(later(minutes=1))
    order.refresh_from_db()
    assert order.dripfeed_runs.get(number=1).remains == 100
    assert (order.status, order.remains) == ("Pending", 300)
