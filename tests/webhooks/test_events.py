"""Events are written (the outbox) with each change of an order, a refill or a cancel, for the
accounts that have an active webhook only, inside the change's transaction."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smmpanel.audit.log import Actor
from smmpanel.orders.cancels import reject_cancel, request_cancel
from smmpanel.orders.models import OrderStatus
from smmpanel.orders.refills import report_refill_status, request_refill
from smmpanel.orders.status import StatusReport, apply_status, apply_statuses
from smmpanel.webhooks.actions import remove_webhook
from smmpanel.webhooks.models import Event
from tests.factories import make_account
from tests.webhooks.conftest import hooked, order_of

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hook"


def payloads(**filters) -> list[dict]:
    return [e.payload for e in Event.objects.filter(**filters).order_by("pk")]


def test_status_remains_and_start_count_changes_make_order_events():
    account, _ = hooked(URL)
    order = order_of(account)
    apply_status(order_id=order.pk, status=OrderStatus.IN_PROGRESS, start_count=120, remains=1000)
    apply_status(order_id=order.pk, status=OrderStatus.IN_PROGRESS, start_count=120, remains=400)
    apply_status(order_id=order.pk, status=OrderStatus.PARTIAL, remains=300)
    events = payloads(order_id=order.pk)
    assert [(e["status"], e["remains"], e["start_count"]) for e in events] == [
        ("In progress", 1000, 120),
        ("In progress", 400, 120),
        ("Partial", 300, 120),
    ]
    first = events[0]
    assert first["type"] == "order.updated" and first["order"] == order.pk
    assert first["charge"] == "1.00" and first["currency"] == "USD"
    assert first["time"].endswith("+00:00")


def test_refills_and_cancels_make_their_events():
    account, _ = hooked(URL)
    order = order_of(account, refill=True, cancel=True)
    cancel = request_cancel(account=account, order=order)
    reject_cancel(cancel_id=cancel.pk, acting_user=Actor.system())
    order = apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    refill = request_refill(account=account, order=order)
    report_refill_status(refill_id=refill.pk, status="Completed")
    kinds = [(e["type"], e["status"]) for e in payloads(order_id=order.pk)]
    assert kinds == [
        ("cancel.updated", "Pending"),
        ("cancel.updated", "Rejected"),
        ("order.updated", "Completed"),
        ("refill.updated", "Pending"),
        ("refill.updated", "Completed"),
    ]
    refill_event = payloads(type="refill.updated")[-1]
    assert refill_event["refill"] == refill.pk and refill_event["order"] == order.pk
    assert payloads(type="cancel.updated")[0]["cancel"] == cancel.pk


def test_accounts_without_an_active_webhook_get_no_events():
    plain, _ = make_account("100")
    removed, _ = hooked(URL)
    remove_webhook(account=removed, acting_user=Actor.cli())
    for account in (plain, removed):
        order = order_of(account, refill=True, cancel=True)
        request_cancel(account=account, order=order)
        order = apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
        request_refill(account=account, order=order)
    assert not Event.objects.exists()


def test_a_batch_costs_one_query_and_one_insert_and_only_its_hooked_orders():
    hooked_account, _ = hooked(URL)
    plain, _ = make_account("100")
    mine = [order_of(hooked_account) for _ in range(3)]
    others = [order_of(plain) for _ in range(3)]
    reports = [StatusReport(o.pk, OrderStatus.IN_PROGRESS, remains=10) for o in mine + others]
    with CaptureQueriesContext(connection) as queries:
        apply_statuses(reports)
    webhook_queries = [q["sql"] for q in queries if "webhooks_" in q["sql"]]
    assert len(webhook_queries) == 2  # which accounts have one; the bulk insert
    assert sorted(e["order"] for e in payloads()) == sorted(o.pk for o in mine)

    with CaptureQueriesContext(connection) as queries:
        apply_statuses([StatusReport(o.pk, OrderStatus.PARTIAL, remains=5) for o in others])
    assert len([q for q in queries if "webhooks_" in q["sql"]]) == 1  # and no insert
    assert Event.objects.count() == 3


def test_an_event_rolls_back_with_its_change():
    account, _ = hooked(URL)
    order = order_of(account)
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        apply_status(order_id=order.pk, status=OrderStatus.IN_PROGRESS, remains=10)
        assert Event.objects.count() == 1
        raise RuntimeError
    assert not Event.objects.exists()
