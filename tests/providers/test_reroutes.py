"""Stuck orders: not started in time at a provider that takes cancels, canceled there and, only
once the provider confirms, placed on the next route — never live at two providers."""

from decimal import Decimal

import pytest

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.operations import edit_service
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.models import OrderStatus
from smmpanel.providers.models import LIVE_STATES, UpstreamOrder
from smmpanel.providers.reroutes import request_reroutes
from smmpanel.providers.routes import add_route
from smmpanel.worker.loop import run_once
from tests.providers.fixtures import later, order_of, unaudited, upstream_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_routes(followers, second):
    """Followers at the first provider, then at the second one's same service; reroute after
    30 minutes."""
    provider, other = second
    with unaudited():
        add_route(acting_user=Actor.cli(), service_id=followers.pk, provider_id=provider.pk,
                  upstream_service_id=other.service_id(0), markup=Decimal(0))  # fmt: skip
        edit_service(acting_user=Actor.cli(), service_id=followers.pk, reroute_after_minutes=30)
    return other


def attempts(order) -> list[tuple[str, str]]:
    return list(order.upstream_orders.order_by("pk").values_list("provider__name", "state"))


def history(order) -> list[str]:
    found = AuditEntry.objects.filter(object_type="orders.order", object_id=str(order.pk))
    return list(found.order_by("pk").values_list("action", flat=True))


def live_at_most_once() -> bool:
    return UpstreamOrder.objects.filter(state__in=LIVE_STATES).count() <= 1


def test_a_stuck_order_moves_to_the_next_route_once_the_cancel_is_confirmed(
    followers, upstream, two_routes
):
    order = order_of(followers, balance="100")
    run_once()
    assert attempts(order) == [("up", "sent")]
    assert request_reroutes(later(minutes=10)) == 0  # not stuck yet
    assert request_reroutes(later(minutes=31)) == 1
    assert request_reroutes(later(minutes=32)) == 0  # marked once
    run_once(later(minutes=31))
    assert upstream.calls["cancel"] == 1
    assert upstream.panel.orders[order.upstream_orders.get(provider__name="up").upstream_id
                                 ].status == "Canceled"  # fmt: skip
    for minutes in (32, 33, 34):
        run_once(later(minutes=minutes))
        assert live_at_most_once()
    order.refresh_from_db()
    order.account.refresh_from_db()
    assert attempts(order) == [("up", "rerouted"), ("second", "sent")]
    assert two_routes.calls["add"] == 1
    assert order.status == OrderStatus.PENDING and order.account.balance == Decimal("99.1")
    assert history(order) == ["order.reroute_requested", "order.rerouted"]
    # It is not sent back to the first provider, nor rerouted again with nowhere left to go.
    assert request_reroutes(later(minutes=90)) == 0


def test_a_refused_cancel_leaves_the_order_where_it_is(followers, upstream, two_routes):
    order = order_of(followers)
    run_once()
    with upstream.panel.lock:
        upstream.panel.services[upstream.service_id(0)].cancel = False
    request_reroutes(later(minutes=31))
    run_once(later(minutes=31))
    run_once(later(minutes=40))
    order.refresh_from_db()
    assert attempts(order) == [("up", "sent")] and order.status == OrderStatus.PENDING
    assert two_routes.calls["add"] == 0
    assert history(order) == ["order.reroute_requested", "order.reroute_refused"]


def test_an_order_that_started_or_has_no_next_route_or_a_cancel_is_not_rerouted(
    followers, upstream, second
):
    with unaudited():
        edit_service(acting_user=Actor.cli(), service_id=followers.pk, reroute_after_minutes=30)
    alone = order_of(followers)  # one route only
    run_once()
    assert request_reroutes(later(minutes=31)) == 0

    provider, other = second
    with unaudited():
        add_route(acting_user=Actor.cli(), service_id=followers.pk, provider_id=provider.pk,
                  upstream_service_id=other.service_id(0), markup=Decimal(0))  # fmt: skip
    started, canceling = order_of(followers), order_of(followers)
    run_once(later(minutes=1))
    upstream.set_order(upstream_id(started), status="In progress", start_count=10, remains=1000)
    run_once(later(minutes=2))
    request_cancel(account=canceling.account, order=canceling)
    # Only the order that neither started nor is being canceled by its customer is stuck.
    assert request_reroutes(later(minutes=40)) == 1
    assert history(alone) == ["order.reroute_requested"]
    assert history(started) == history(canceling) == []


def test_a_customer_cancel_after_the_reroute_request_is_the_customers(
    followers, upstream, two_routes
):
    order = order_of(followers, balance="100")
    run_once()
    request_reroutes(later(minutes=31))
    request_cancel(account=order.account, order=order)
    for minutes in (31, 32, 33):
        run_once(later(minutes=minutes))
    order.refresh_from_db()
    order.account.refresh_from_db()
    assert order.status == OrderStatus.CANCELED and order.account.balance == Decimal("100")
    assert two_routes.calls["add"] == 0
