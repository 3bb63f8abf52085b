from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from smmpanel.catalog.models import Service
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.models import Order, OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.status import apply_status
from smmpanel.quality.timing import MIN_SAMPLES, SAMPLE, measure_average_times
from smmpanel.worker.loop import run_once
from smmpanel.worker.models import Routine
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db


def _completed(service, quantity: int, minutes: float, ago: timedelta = timedelta(0)):
    """A completed order of `service` that took `minutes` from placing to Completed."""
    account, _ = make_account("1000")
    params = {"link": "https://x.com/a", "quantity": str(quantity)}
    if service.type == OrderType.PACKAGE:
        params.pop("quantity")
    order = place_order(account=account, service=service, params=params)
    apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    done = timezone.now() - ago
    Order.objects.filter(pk=order.pk).update(
        created_at=done - timedelta(minutes=minutes), completed_at=done
    )
    return order


def _typed(minutes: int, **overrides):
    service = make_service(rate=Decimal("1"), max_quantity=100000, **overrides)
    Service.objects.filter(pk=service.pk).update(average_time=minutes)
    return service


def _average(service) -> int | None:
    return Service.objects.values_list("average_time", flat=True).get(pk=service.pk)


def test_the_median_per_1000_of_the_last_completed_orders_replaces_the_typed_in_time():
    service = _typed(999)
    # 500 in 30 minutes is 60 per 1000; 2000 in 60 minutes is 30 per 1000.
    for quantity, minutes in [(500, 30), (2000, 60), (1000, 45), (1000, 50), (1000, 40)]:
        _completed(service, quantity, minutes)
    assert measure_average_times() == 1
    assert _average(service) == 45  # the median of 60, 30, 45, 50, 40
    assert measure_average_times() == 0  # measured again: nothing changes


def test_too_few_orders_keep_the_typed_in_time():
    service = _typed(120)
    for _ in range(MIN_SAMPLES - 1):
        _completed(service, 1000, 10)
    measure_average_times()
    assert _average(service) == 120


def test_only_the_last_sample_of_orders_counts():
    service = make_service(rate=Decimal("1"))
    for _ in range(SAMPLE):
        _completed(service, 1000, 10)
    for _ in range(SAMPLE):  # older and slower: beyond the sample
        _completed(service, 1000, 500, ago=timedelta(days=3))
    measure_average_times()
    assert _average(service) == 10


def test_packages_count_as_they_took_and_unfinished_orders_do_not_count():
    package = make_service(rate=Decimal("5"), type=OrderType.PACKAGE, min_quantity=1,
                           max_quantity=1)  # fmt: skip
    for minutes in [7, 8, 9, 10, 11]:
        _completed(package, 1, minutes)
    account, _ = make_account("100")
    place_order(account=account, service=package, params={"link": "https://x.com/a"})
    measure_average_times()
    assert _average(package) == 9


def test_the_worker_measures_hourly_as_a_routine():
    service = make_service(rate=Decimal("1"))
    for _ in range(MIN_SAMPLES):
        _completed(service, 1000, 20)
    now = timezone.now()
    run_once(now)
    assert _average(service) == 20
    routine = Routine.objects.get(name="quality.average_times")
    assert routine.last_run_at == now
    assert routine.next_attempt_at == now + timedelta(hours=1)
    for _ in range(MIN_SAMPLES + 1):
        _completed(service, 1000, 80)
    run_once(now + timedelta(minutes=30))  # not due yet
    assert _average(service) == 20
    run_once(now + timedelta(hours=1))
    assert _average(service) == 80
