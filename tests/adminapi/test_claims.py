"""Claiming manual orders (`fulfilment.manual`), called directly and by bots at once."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.models import Fulfilment
from smmpanel.fulfilment.manual import claim_manual_orders
from smmpanel.orders.models import Order, OrderStatus
from tests.adminapi.conftest import make_staff, place_manual_orders


@pytest.mark.django_db
def test_a_claim_moves_the_oldest_pending_manual_orders_in_progress_and_records_each():
    staff = make_staff("bot", "support")
    orders = place_manual_orders(3)
    place_manual_orders(2, fulfilment=Fulfilment.SIMULATED)
    actor = Actor.of_user(get_user_model().objects.get(username=staff.username))
    claimed = claim_manual_orders(acting_user=actor, limit=2)
    assert [order.pk for order in claimed] == [orders[0].pk, orders[1].pk]
    assert {order.status for order in claimed} == {OrderStatus.IN_PROGRESS}
    entries = AuditEntry.objects.filter(action="order.claim").order_by("pk")
    assert [(e.actor_name, e.object_id) for e in entries] == [
        ("bot", str(orders[0].pk)),
        ("bot", str(orders[1].pk)),
    ]
    assert entries[0].before["status"] == "Pending"
    assert entries[0].after["status"] == "In progress"
    # The next claim takes what is left, then nothing.
    assert [o.pk for o in claim_manual_orders(acting_user=actor)] == [orders[2].pk]
    assert claim_manual_orders(acting_user=actor) == []
    assert AuditEntry.objects.filter(action="order.claim").count() == 3


@pytest.mark.django_db
def test_a_claim_of_one_service_leaves_the_others():
    first = place_manual_orders(2)
    second = place_manual_orders(2)
    claimed = claim_manual_orders(acting_user=Actor.cli(), service_id=second[0].service_id)
    assert [o.pk for o in claimed] == [o.pk for o in second]
    assert set(
        Order.objects.filter(pk__in=[o.pk for o in first]).values_list("status", flat=True)
    ) == {OrderStatus.PENDING}


BOTS = 4
ORDERS = 60


@pytest.mark.django_db(transaction=True)
def test_bots_pulling_at_once_never_get_the_same_order(adminapi, admin, support):
    """Bots of two staff users pull from a real server at the same time, in small batches,
    until nothing is left: every order is handed out exactly once (SQLite and PostgreSQL)."""
    orders = place_manual_orders(ORDERS)
    keys = [admin.key, support.key] * (BOTS // 2)

    def pull(key: str) -> list[int]:
        got: list[int] = []
        while True:
            reply = adminapi.post(key, "getOrders", limit=7)
            if not reply["orders"]:
                return got
            got.extend(order["id"] for order in reply["orders"])

    with ThreadPoolExecutor(max_workers=BOTS) as pool:
        pulled = list(pool.map(pull, keys))
    everything = [pk for bot in pulled for pk in bot]
    assert sorted(everything) == sorted(order.pk for order in orders)
    assert len(set(everything)) == ORDERS
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.IN_PROGRESS}
    assert AuditEntry.objects.filter(action="order.claim").count() == ORDERS
