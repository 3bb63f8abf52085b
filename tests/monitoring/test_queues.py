"""The database's gauges of `/metrics` count the real rows: orders by status, the work waiting in
each of the worker's queues and its age, orders in review, the heartbeat's age."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from smmpanel.monitoring.heartbeat import beat
from smmpanel.orders.models import Order, OrderStatus, Refill, Run
from smmpanel.payments.models import Payment, PaymentMethod
from smmpanel.providers.models import Provider, UpstreamOrder, UpstreamState
from smmpanel.webhooks.models import Event, Webhook
from tests.factories import make_account
from tests.monitoring.scrape import value
from tests.providers.fixtures import order_of

pytestmark = pytest.mark.django_db


def scrape(client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    return response.content.decode()


def test_orders_are_counted_by_status(client, followers):
    for status in (OrderStatus.PENDING, OrderStatus.IN_PROGRESS, OrderStatus.IN_PROGRESS):
        Order.objects.filter(pk=order_of(followers).pk).update(status=status)
    text = scrape(client)
    assert value(text, "smmpanel_orders", status="Pending") == 1
    assert value(text, "smmpanel_orders", status="In progress") == 2
    assert value(text, "smmpanel_orders", status="Completed") == 0


def test_each_queue_counts_its_waiting_rows_and_the_oldest_ones_age(client, followers, provider):
    now = timezone.now()
    Order.objects.update(next_attempt_at=None)
    Provider.objects.update(next_attempt_at=now + timedelta(hours=1))
    to_forward = order_of(followers)
    to_poll = order_of(followers)
    leased = order_of(followers)
    later = order_of(followers)
    Order.objects.filter(pk=to_forward.pk).update(next_attempt_at=now - timedelta(seconds=300))
    Order.objects.filter(pk=to_poll.pk).update(
        status=OrderStatus.IN_PROGRESS, next_attempt_at=now - timedelta(seconds=30)
    )
    # Held by a worker: being worked on, not waiting.
    Order.objects.filter(pk=leased.pk).update(
        next_attempt_at=now - timedelta(seconds=900), lease_expires_at=now + timedelta(minutes=1)
    )
    Order.objects.filter(pk=later.pk).update(next_attempt_at=now + timedelta(minutes=5))
    Refill.objects.create(order=to_poll, next_attempt_at=now - timedelta(seconds=10))
    Run.objects.create(
        order=to_poll, number=1, quantity=100, remains=100, due_at=now - timedelta(seconds=60)
    )
    method = PaymentMethod.objects.create(name="Card", gateway="sandbox")
    Payment.objects.create(
        account=to_poll.account,
        method=method,
        amount=Decimal("10"),
        next_attempt_at=now - timedelta(seconds=5),
    )
    text = scrape(client)

    def waiting(queue: str) -> float:
        return value(text, "smmpanel_queue_waiting", queue=queue)

    def oldest(queue: str) -> float:
        return value(text, "smmpanel_queue_oldest_seconds", queue=queue)

    assert waiting("orders_to_forward") == 1
    assert 300 <= oldest("orders_to_forward") < 330
    assert waiting("orders_to_poll") == 1
    assert 30 <= oldest("orders_to_poll") < 60
    assert (waiting("refills"), waiting("runs_due"), waiting("payments_to_check")) == (1, 1, 1)
    assert waiting("provider_balances") == 0
    assert waiting("webhook_events") == 0
    assert waiting("catalog_syncs") == 0
    assert oldest("provider_balances") == 0
    assert 300 <= value(text, "smmpanel_worker_lag_seconds") < 330

    Order.objects.filter(pk=to_forward.pk).update(next_attempt_at=None)
    text = scrape(client)
    assert waiting("orders_to_forward") == 0
    assert 60 <= value(text, "smmpanel_worker_lag_seconds") < 90  # the run's


def test_webhook_events_to_deliver_are_a_queue(client):
    account, _ = make_account("1")
    webhook = Webhook.objects.create(account=account, url="https://example.com/hook")
    now = timezone.now()
    for seconds in (20, 200):
        Event.objects.create(
            webhook=webhook,
            type="order.status",
            payload={},
            created_at=now,
            next_attempt_at=now - timedelta(seconds=seconds),
        )
    text = scrape(client)
    assert value(text, "smmpanel_queue_waiting", queue="webhook_events") == 2
    assert 200 <= value(text, "smmpanel_queue_oldest_seconds", queue="webhook_events") < 230


def test_orders_in_review_are_counted(client, followers, provider):
    route = followers.routes.get()
    for _ in range(2):
        UpstreamOrder.objects.create(
            order=order_of(followers),
            provider=provider,
            provider_service=route.provider_service,
            state=UpstreamState.REVIEW,
        )
    assert value(scrape(client), "smmpanel_orders_in_review") == 2


def test_the_heartbeats_age_is_infinite_before_any_then_seconds(client):
    assert value(scrape(client), "smmpanel_worker_heartbeat_age_seconds") == float("inf")
    beat(timezone.now() - timedelta(seconds=42))
    assert 42 <= value(scrape(client), "smmpanel_worker_heartbeat_age_seconds") < 60
