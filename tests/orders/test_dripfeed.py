"""Drip-feed orders through a provider: each run placed when due, the parent aggregating them."""

from datetime import timedelta
from decimal import Decimal

import pytest

from smmpanel.audit.log import Actor
from smmpanel.catalog.models import Service
from smmpanel.client.testing import FakeUpstream, UpstreamDialect
from smmpanel.orders.models import OrderStatus
from smmpanel.providers.catalog_import import import_catalog
from smmpanel.worker.loop import run_once
from tests.providers.fixtures import connect, order_of

pytestmark = pytest.mark.django_db


def _run_ids(order):
    return [
        u.upstream_id for u in order.upstream_orders.filter(state="sent").order_by("run__number")
    ]


def test_runs_are_placed_when_due_and_the_parent_aggregates_them(followers, upstream):
    order = order_of(followers, quantity=100, runs="3", interval="10", balance="10")
    assert order.charge == Decimal("0.27")
    start = order.created_at
    run_once(start + timedelta(seconds=1))
    assert upstream.calls["add"] == 1
    assert upstream.add_requests[0]["quantity"] == "100" and "runs" not in upstream.add_requests[0]
    run_once(start + timedelta(minutes=5))
    assert upstream.calls["add"] == 1  # the second run is not due yet
    first = _run_ids(order)[0]
    upstream.set_order(first, status="Completed", remains=0, start_count=50)
    run_once(start + timedelta(minutes=10, seconds=1))
    assert upstream.calls["add"] == 2
    order.refresh_from_db()
    assert (order.status, order.remains, order.start_count) == ("In progress", 200, 50)
    run_once(start + timedelta(minutes=20, seconds=1))
    assert upstream.calls["add"] == 3
    second, third = _run_ids(order)[1:]
    upstream.set_order(second, status="Completed", remains=0)
    upstream.set_order(third, status="Partial", remains=40)
    run_once(start + timedelta(minutes=30))
    order.refresh_from_db()
    assert (order.status, order.remains) == (OrderStatus.PARTIAL, 40)
    order.account.refresh_from_db()
    assert order.account.balance == Decimal("10") - Decimal("0.27") + Decimal("0.036")
    assert order.next_attempt_at is None
    assert [run.status for run in order.dripfeed_runs.all()] == [
        "Completed",
        "Completed",
        "Partial",
    ]


def test_a_cancel_stops_the_runs_not_placed_yet(followers, upstream):
    from smmpanel.orders.cancels import request_cancel

    order = order_of(followers, quantity=100, runs="3", interval="10", balance="10")
    run_once(order.created_at + timedelta(seconds=1))
    request_cancel(account=order.account, order=order)
    run_once(order.created_at + timedelta(seconds=2))
    assert upstream.calls["cancel"] == 1  # the run in flight
    run_once(order.created_at + timedelta(minutes=30))
    assert upstream.calls["add"] == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    order.account.refresh_from_db()
    assert order.account.balance == Decimal("10")


@pytest.fixture
def dripfeed_only(quick_providers):
    """A third-party panel whose drip-feed services refuse plain orders (each run is one)."""
    with FakeUpstream(UpstreamDialect(plain_dripfeed=False)) as fake:
        import_catalog(
            acting_user=Actor.cli(), provider=connect(fake, "dripfeed-only"), markup=Decimal(0)
        )
        service = Service.objects.get(routes__provider_service__service_id=fake.service_id(0))
        yield fake, service


def test_a_drip_feed_no_route_will_place_is_canceled_and_refunded_at_once(dripfeed_only):
    upstream, service = dripfeed_only
    order = order_of(service, quantity=100, runs="3", interval="10", balance="10")
    run_once(order.created_at + timedelta(seconds=1))
    assert upstream.calls["add"] == 1 and upstream.panel.orders == {}
    order.refresh_from_db()
    assert (order.status, order.remains, order.next_attempt_at) == ("Canceled", 300, None)
    assert [run.status for run in order.dripfeed_runs.all()] == ["Canceled"] * 3
    order.account.refresh_from_db()
    assert order.account.balance == Decimal("10")  # the whole charge back, now
    run_once(order.created_at + timedelta(minutes=30))
    assert upstream.calls["add"] == 1  # no later run is tried


def test_a_run_no_route_will_place_stops_the_drip_feed_and_it_ends_partial(followers, upstream):
    order = order_of(followers, quantity=100, runs="3", interval="10", balance="10")
    start = order.created_at
    run_once(start + timedelta(seconds=1))
    first = _run_ids(order)[0]
    upstream.set_order(first, status="In progress", remains=60)
    upstream.fail("error", actions="add", times=1, message="This service is disabled")
    run_once(start + timedelta(minutes=10, seconds=1))  # the second run is refused
    order.refresh_from_db()
    assert [run.status for run in order.dripfeed_runs.all()] == [
        "In progress",
        "Canceled",
        "Canceled",
    ]
    assert (order.status, order.remains) == ("In progress", 260)  # the first run goes on
    upstream.set_order(first, status="Completed", remains=0)
    run_once(start + timedelta(minutes=20, seconds=1))
    assert upstream.calls["add"] == 2  # the third run was never tried
    order.refresh_from_db()
    assert (order.status, order.remains, order.next_attempt_at) == ("Partial", 200, None)
    order.account.refresh_from_db()
    assert order.account.balance == Decimal("10") - Decimal("0.27") + Decimal("0.18")


def test_simulated_runs_start_when_due_and_add_up(settings):
    from smmpanel.catalog.models import Fulfilment
    from smmpanel.orders.placement import place_order
    from tests.factories import make_account, make_service

    settings.SIMULATED_SECONDS = 60
    settings.SIMULATED_PARTIAL_PERCENT = 0
    account, _ = make_account("10")
    service = make_service(rate=Decimal("1"), dripfeed=True, fulfilment=Fulfilment.SIMULATED)
    order = place_order(
        account=account,
        service=service,
        params={"link": "https://x.com/a", "quantity": "100", "runs": "2", "interval": "5"},
    )
    start = order.created_at
    run_once(start + timedelta(seconds=61))
    order.refresh_from_db()
    assert (order.status, order.remains) == (OrderStatus.IN_PROGRESS, 100)  # run 2 not due
    assert order.next_attempt_at == start + timedelta(minutes=5)
    run_once(start + timedelta(minutes=5, seconds=30))
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_PROGRESS and 0 < order.remains < 100
    run_once(start + timedelta(minutes=7))
    order.refresh_from_db()
    assert (order.status, order.remains, order.next_attempt_at) == ("Completed", 0, None)
    assert [run.status for run in order.dripfeed_runs.all()] == ["Completed", "Completed"]


def test_a_cancel_of_a_simulated_drip_feed_refunds_the_runs_not_delivered(settings):
    from smmpanel.catalog.models import Fulfilment
    from smmpanel.orders.cancels import request_cancel
    from smmpanel.orders.placement import place_order
    from tests.factories import make_account, make_service

    settings.SIMULATED_SECONDS = 60
    settings.SIMULATED_PARTIAL_PERCENT = 0
    account, _ = make_account("10")
    service = make_service(
        rate=Decimal("1"), dripfeed=True, cancel=True, fulfilment=Fulfilment.SIMULATED
    )
    order = place_order(
        account=account,
        service=service,
        params={"link": "https://x.com/a", "quantity": "100", "runs": "3", "interval": "5"},
    )
    run_once(order.created_at + timedelta(seconds=61))  # the first run done
    request_cancel(account=account, order=order)
    run_once(order.created_at + timedelta(seconds=62))
    order.refresh_from_db()
    assert (order.status, order.remains) == (OrderStatus.PARTIAL, 200)
    account.refresh_from_db()
    assert account.balance == Decimal("10") - Decimal("0.3") + Decimal("0.2")
