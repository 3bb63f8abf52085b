from decimal import Decimal

import pytest

from smmpanel.orders.models import OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.status import StatusReport, apply_status, apply_statuses
from smmpanel.quality.models import OrderProgress
from smmpanel.quality.progress import delivery_proof
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db


def _order():
    account, _ = make_account("10")
    service = make_service(rate=Decimal("1"))
    params = {"link": "https://x.com/a", "quantity": "1000"}
    return place_order(account=account, service=service, params=params)


def test_every_reported_change_is_kept_with_its_time_and_repeats_are_not():
    order = _order()
    apply_status(order_id=order.pk, status=OrderStatus.IN_PROGRESS, start_count=3572, remains=1000)
    apply_status(order_id=order.pk, status=OrderStatus.IN_PROGRESS, start_count=3572, remains=1000)
    apply_status(order_id=order.pk, status=OrderStatus.IN_PROGRESS, remains=400)
    apply_status(order_id=order.pk, status=OrderStatus.PARTIAL, remains=157)
    proof = [(p.status, p.start_count, p.remains) for p in delivery_proof(order)]
    assert proof == [
        ("In progress", 3572, 1000),
        ("In progress", 3572, 400),
        ("Partial", 3572, 157),
    ]
    times = [p.at for p in delivery_proof(order)]
    assert times == sorted(times)


def test_a_batch_keeps_one_row_per_changed_order():
    first, second = _order(), _order()
    apply_statuses([
        StatusReport(first.pk, OrderStatus.IN_PROGRESS, start_count=10, remains=1000),
        StatusReport(second.pk, OrderStatus.COMPLETED, remains=0),
        StatusReport(second.pk, "No such status"),
    ])  # fmt: skip
    assert sorted(OrderProgress.objects.values_list("order_id", "status")) == [
        (first.pk, "In progress"),
        (second.pk, "Completed"),
    ]
