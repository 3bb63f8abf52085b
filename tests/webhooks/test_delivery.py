"""The worker POSTs events to a real HTTP receiver, signed, in order per order, none lost."""

import hashlib
import hmac
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from smmpanel.audit.models import AuditEntry
from smmpanel.orders.models import OrderStatus
from smmpanel.orders.status import apply_status
from smmpanel.webhooks.actions import send_test_event
from smmpanel.webhooks.models import Event, Webhook
from smmpanel.worker.loop import run_once
from tests.webhooks.conftest import hooked, order_of

pytestmark = pytest.mark.django_db


def progress(order, *remains: int) -> None:
    for left in remains:
        apply_status(order_id=order.pk, status=OrderStatus.IN_PROGRESS, remains=left)


def test_events_arrive_signed_with_the_customers_secret(receiver):
    account, secret = hooked(receiver.url)
    order = order_of(account)
    progress(order, 900)
    send_test_event(account=account)
    run_once()
    assert [e["type"] for e in receiver.events()] == ["order.updated", "webhook.test"]
    for delivery in receiver.received:
        expected = hmac.new(secret.encode(), delivery.body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(delivery.headers["x-smmpanel-signature"], expected)
        assert delivery.headers["content-type"] == "application/json"
    event = receiver.events()[0]
    assert event["order"] == order.pk and event["remains"] == 900 and event["id"]
    assert receiver.received[0].headers["x-smmpanel-event"] == "order.updated"
    assert not Event.objects.exists()  # delivered events leave the outbox
    assert Webhook.objects.get().last_delivery_at is not None


def test_a_receiver_down_for_hours_then_up_gets_every_event_in_order(receiver):
    account, _ = hooked(receiver.url)
    first, second = order_of(account), order_of(account)
    receiver.status = 503
    now = timezone.now()
    sent = []
    # Changes keep coming while the receiver is down: 4 hours, a pass every 7 minutes.
    for step in range(36):
        if step % 3 == 0:
            left = 1000 - step
            progress(first, left)
            progress(second, left)
            sent.append(left)
        run_once(now + timedelta(minutes=7 * step))
    assert receiver.refused and not receiver.received
    receiver.status = 200
    for step in range(36, 60):
        run_once(now + timedelta(minutes=7 * step))
    assert not Event.objects.exists()
    events = receiver.events()
    for order in (first, second):
        mine = [e for e in events if e["order"] == order.pk]
        assert [e["remains"] for e in mine] == sent  # each one, in order
        assert [e["id"] for e in mine] == sorted(e["id"] for e in mine)
    assert len({e["id"] for e in events}) == len(events) == 2 * len(sent)
    assert Webhook.objects.get().active


def test_an_event_waits_for_the_older_one_of_its_order(receiver):
    account, _ = hooked(receiver.url)
    order = order_of(account)
    progress(order, 900)
    receiver.status = 500
    now = timezone.now()
    run_once(now)  # the first fails and waits 10 seconds
    progress(order, 800)
    receiver.status = 200
    run_once(now + timedelta(seconds=5))  # the second is due, the first is not: nothing sent
    assert receiver.received == []
    run_once(now + timedelta(seconds=11))
    assert [e["remains"] for e in receiver.events()] == [900, 800]


def test_a_receiver_failing_for_a_day_is_turned_off_and_the_page_says_so(receiver):
    account, _ = hooked(receiver.url, username="failing")
    order = order_of(account)
    progress(order, 900)
    receiver.status = 500
    now = timezone.now()
    step = 0
    while Webhook.objects.get().active and step < 200:
        run_once(now + timedelta(minutes=10 * step))
        progress(order, 800 - step)
        step += 1
    webhook = Webhook.objects.get()
    assert not webhook.active and webhook.last_error == "HTTP 500"
    assert timedelta(days=1) <= timedelta(minutes=10 * step) <= timedelta(days=1, hours=2)
    assert not Event.objects.exists()  # dropped with it
    entry = AuditEntry.objects.get(action="webhook.turn_off")
    assert entry.actor_name == "system" and entry.after["active"] is False
    progress(order, 1)
    assert not Event.objects.exists()  # nothing is queued for a webhook that is off

    browser = Client()
    browser.force_login(account.user)
    page = browser.get("/api-access/").content.decode()
    assert 'data-testid="webhook-off"' in page and "HTTP 500" in page


def test_an_address_refused_at_connect_time_is_a_failed_delivery(receiver, settings):
    account, _ = hooked(receiver.url)
    progress(order_of(account), 900)
    settings.ALLOW_PRIVATE_WEBHOOKS = False  # the URL now resolves to a private address
    run_once()
    assert receiver.received == receiver.refused == []
    event = Event.objects.get()
    assert event.attempts == 1 and "ConnectError" in event.last_error
