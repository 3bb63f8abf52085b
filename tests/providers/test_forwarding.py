"""Forwarding orders upstream: at most once, failing over between routes, refunding when no
route takes the order. Against a fake provider over real HTTP."""

from decimal import Decimal

import pytest

from smmpanel.audit.log import Actor
from smmpanel.catalog.models import ServiceRoute
from smmpanel.client.testing import FakeUpstream
from smmpanel.orders.models import OrderStatus
from smmpanel.providers.catalog_import import import_catalog
from smmpanel.providers.models import UpstreamState
from smmpanel.worker.loop import run_once
from tests.providers.fixtures import connect, later, order_of, upstream_id

pytestmark = pytest.mark.django_db


def test_a_new_order_is_sent_upstream_and_its_id_recorded(followers, upstream):
    order = order_of(followers, quantity=1000)
    run_once()
    sent = upstream.add_requests
    assert len(sent) == 1
    assert sent[0]["service"] == upstream.service_id(0)
    assert (sent[0]["link"], sent[0]["quantity"]) == (order.link, "1000")
    assert upstream_id(order) in upstream.panel.orders
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING and order.next_attempt_at is not None


def test_a_refusal_fails_over_to_the_next_route(followers, upstream):
    with FakeUpstream() as second:
        backup = connect(second, "backup")
        import_catalog(acting_user=Actor.cli(), provider=backup, markup=Decimal(0))
        route = ServiceRoute.objects.get(
            provider_service__provider=backup, provider_service__service_id=second.service_id(0)
        )
        # The backup's first service becomes the followers' second route.
        ServiceRoute.objects.create(
            service=followers, provider_service=route.provider_service, priority=2
        )
        upstream.fail("error", actions="add", message="Not enough funds on balance")
        order = order_of(followers)
        run_once()
        assert upstream.calls["add"] == 1 and second.calls["add"] == 1
        attempts = order.upstream_orders.order_by("id")
        assert [a.state for a in attempts] == [UpstreamState.REFUSED, UpstreamState.SENT]
        assert attempts[0].error == "Not enough funds on balance"
        assert attempts[1].upstream_id in second.panel.orders


def test_a_refusal_with_no_route_left_cancels_and_refunds_in_full(followers, upstream):
    upstream.fail("error", actions="add", message="Service is disabled")
    order = order_of(followers, balance="100")
    run_once()
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert "Service is disabled" in order.details["error"]
    order.account.refresh_from_db()
    assert order.account.balance == Decimal("100")
    run_once(later(minutes=60))
    assert upstream.calls["add"] == 1


@pytest.mark.parametrize("fault", ["http500", "html", "truncated", "empty", "shape", "drop"])
def test_an_answer_that_may_hide_a_placed_order_sends_it_to_review(fault, followers, upstream):
    upstream.fail(fault, actions="add", performed=True)
    order = order_of(followers)
    run_once()
    attempt = order.upstream_orders.get()
    assert attempt.state == UpstreamState.REVIEW and attempt.error
    assert len(upstream.panel.orders) == 1  # the provider did place it
    run_once(later(minutes=60))
    run_once(later(minutes=2 * 24 * 60))
    assert upstream.calls["add"] == 1  # never sent again by itself
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING and order.next_attempt_at is None


def test_a_timeout_after_sending_goes_to_review_not_out_again(followers, upstream):
    upstream.fail("slow", actions="add", delay=3)
    order = order_of(followers)
    run_once()
    assert order.upstream_orders.get().state == UpstreamState.REVIEW
    run_once(later(minutes=60))
    assert upstream.calls["add"] == 1


def test_an_unreachable_provider_is_tried_again_later(followers, upstream):
    order = order_of(followers)
    upstream.stop()
    run_once()
    attempt = order.upstream_orders.get()
    assert attempt.state == UpstreamState.FAILED
    order.refresh_from_db()
    assert order.next_attempt_at is not None and order.status == OrderStatus.PENDING
    # The provider is back (a new fake, with the same catalog, on another port).
    with FakeUpstream() as back:
        assert back.service_id(0) == upstream.service_id(0)
        attempt.provider.url = back.url
        attempt.provider.save(update_fields=["url"])
        run_once(later(minutes=60))
        assert back.calls["add"] == 1
        assert upstream_id(order) in back.panel.orders


def test_an_order_left_sending_by_a_dead_worker_goes_to_review(followers, upstream):
    order = order_of(followers)
    # A worker marked it as being sent, then died before recording the answer.
    attempt = order.upstream_orders.create(
        provider=followers.routes.get().provider_service.provider,
        provider_service=followers.routes.get().provider_service,
        state=UpstreamState.SENDING,
    )
    run_once(later(minutes=5))
    attempt.refresh_from_db()
    assert attempt.state == UpstreamState.REVIEW
    assert upstream.calls["add"] == 0


def test_a_route_costing_more_than_the_resale_rate_is_not_used(followers, upstream):
    followers.rate = Decimal("0.5")  # below the provider's 0.90
    followers.save()
    order = order_of(followers)
    run_once()
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert upstream.calls["add"] == 0


def test_the_operator_records_the_upstream_id_of_an_order_in_review(followers, upstream):
    from smmpanel.providers.review import orders_in_review, record_upstream_id

    upstream.fail("http500", actions="add", performed=True)
    order = order_of(followers)
    run_once()
    (placed,) = upstream.panel.orders  # the operator finds it at the provider
    record_upstream_id(order_id=order.pk, upstream_id=placed)
    assert not orders_in_review().exists()
    upstream.set_order(placed, status="Completed", remains=0)
    run_once(later(seconds=1))
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED and upstream.calls["add"] == 1


@pytest.mark.parametrize("decided", [UpstreamState.REVIEW, UpstreamState.RESOLVED])
def test_a_late_reply_keeps_the_decision_taken_meanwhile(followers, decided):
    """A worker's call outlived its lease: another worker put the attempt in review (or the
    operator resolved it) before the reply came. The reply must not turn it back into `sent`,
    where it would stand beside the operator's resend."""
    from smmpanel.providers.forwarding import Unit, _record
    from smmpanel.providers.models import UpstreamOrder

    order = order_of(followers)
    route = followers.routes.get()
    attempt = UpstreamOrder.objects.create(
        order=order,
        provider=route.provider_service.provider,
        provider_service=route.provider_service,
        state=UpstreamState.SENDING,
    )
    UpstreamOrder.objects.filter(pk=attempt.pk).update(state=decided)
    unit = Unit(order=order)
    assert _record(attempt, "77001", unit) is False
    attempt.refresh_from_db()
    assert (attempt.state, attempt.upstream_id, unit.outcome) == (decided, None, "review")
    assert "77001" in attempt.error


def test_a_reply_in_time_records_the_upstream_id(followers):
    from smmpanel.providers.forwarding import Unit, _record
    from smmpanel.providers.models import UpstreamOrder

    order = order_of(followers)
    route = followers.routes.get()
    attempt = UpstreamOrder.objects.create(
        order=order,
        provider=route.provider_service.provider,
        provider_service=route.provider_service,
        state=UpstreamState.SENDING,
    )
    unit = Unit(order=order)
    _record(attempt, "77002", unit)
    attempt.refresh_from_db()
    assert (attempt.state, attempt.upstream_id, unit.outcome) == (
        UpstreamState.SENT,
        "77002",
        "sent",
    )
