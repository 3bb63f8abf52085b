"""Auto-refill: the panel asks a refill of a completed order by itself, every so many hours,
while the order is inside its refill window."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from smmpanel.audit.log import Actor
from smmpanel.catalog.operations import edit_service
from smmpanel.orders.auto_refills import request_auto_refills
from smmpanel.orders.models import Order, OrderStatus, Refill, RefillStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.refills import report_refill_status
from smmpanel.orders.status import apply_status
from smmpanel.worker.loop import run_once
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db


def _completed(service, days_ago: float = 0) -> Order:
    account, _ = make_account("10")
    params = {"link": "https://x.com/a", "quantity": "1000"}
    order = place_order(account=account, service=service, params=params)
    apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    Order.objects.filter(pk=order.pk).update(completed_at=timezone.now() - timedelta(days=days_ago))
    return order


def _refills(order) -> list[str]:
    return list(Refill.objects.filter(order=order).order_by("pk").values_list("status", flat=True))


def test_a_refill_is_asked_at_each_interval_while_the_window_lasts():
    service = make_service(rate=Decimal(1), refill=True, refill_days=3, auto_refill_hours=24)
    order = _completed(service)
    now = timezone.now()
    assert request_auto_refills(now + timedelta(hours=23)) == 0  # not a day yet
    assert request_auto_refills(now + timedelta(hours=25)) == 1
    assert request_auto_refills(now + timedelta(hours=26)) == 0  # one is open
    [refill] = Refill.objects.filter(order=order)
    Refill.objects.filter(pk=refill.pk).update(created_at=now + timedelta(hours=25))
    report_refill_status(refill_id=refill.pk, status=RefillStatus.COMPLETED)
    # The next one counts from the last refill: a day after it, not a day after completion.
    assert request_auto_refills(now + timedelta(hours=30)) == 0
    assert request_auto_refills(now + timedelta(hours=49)) == 1
    assert _refills(order) == ["Completed", "Pending"]
    # Past the window (3 days after completion), none any more.
    Refill.objects.filter(order=order).update(status=RefillStatus.COMPLETED,
                                              created_at=now + timedelta(hours=49))  # fmt: skip
    assert request_auto_refills(now + timedelta(days=3, hours=2)) == 0


def test_only_services_marked_and_allowing_refills_are_refilled_by_themselves():
    plain = _completed(make_service(rate=Decimal(1), refill=True))
    no_refill = _completed(make_service(rate=Decimal(1), refill=False, auto_refill_hours=1))
    expired = _completed(make_service(rate=Decimal(1), refill=True, refill_days=1,
                                      auto_refill_hours=1), days_ago=2)  # fmt: skip
    assert request_auto_refills(timezone.now() + timedelta(hours=2)) == 0
    assert _refills(plain) == _refills(no_refill) == _refills(expired) == []


def test_the_worker_asks_them_and_the_operator_sets_the_interval():
    service = make_service(rate=Decimal(1), refill=True)
    edit_service(acting_user=Actor.cli(), service_id=service.pk, auto_refill_hours=6)
    order = _completed(service)
    run_once(timezone.now() + timedelta(hours=7))
    assert _refills(order) == ["Pending"]
