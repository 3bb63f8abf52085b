"""Services' average times, measured from their real orders instead of typed in.

A service's average time is the median, over its last `SAMPLE` completed orders, of the time
from placing to Completed, per 1,000 units as the market shows it (an order of 500 done in 30
minutes counts as 60 minutes; a package counts as it took). Until a service has `MIN_SAMPLES`
completed orders the operator's typed-in value stays; from then on the measure replaces it.
"""

import math
import statistics
from datetime import datetime

from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from smmpanel.catalog.models import Service
from smmpanel.catalog.order_types import Quantity, spec_for
from smmpanel.orders.models import Order, OrderStatus

SAMPLE = 20
MIN_SAMPLES = 5


def minutes_per_1000(order_type: str, quantity: int, seconds: float) -> float | None:
    """The minutes an order took, per 1,000 units where its type counts units; None for a type
    whose orders have no one duration (subscriptions)."""
    kind = spec_for(order_type).quantity
    if kind == Quantity.NONE:
        return None
    if kind == Quantity.PACKAGE or quantity <= 0:
        return seconds / 60
    return seconds / 60 * 1000 / quantity


def measured_average_times() -> dict[int, int]:
    """Each service's measured average time in whole minutes (at least 1), for the services with
    at least `MIN_SAMPLES` completed orders (not drip-fed: their runs wait by design). One
    query: the last `SAMPLE` completed orders of every service."""
    ranked = (
        Order.objects.filter(
            status=OrderStatus.COMPLETED, completed_at__isnull=False, runs__isnull=True
        )
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("service_id")], order_by=F("completed_at").desc()
            )
        )
        .filter(rank__lte=SAMPLE)
        .values_list("service_id", "service__type", "quantity", "created_at", "completed_at")
    )
    samples: dict[int, list[float]] = {}
    for service_id, order_type, quantity, created_at, completed_at in ranked:
        assert completed_at is not None  # filtered above
        seconds = max((completed_at - created_at).total_seconds(), 0.0)
        minutes = minutes_per_1000(order_type, quantity, seconds)
        if minutes is not None:
            samples.setdefault(service_id, []).append(minutes)
    return {
        service_id: max(1, math.ceil(statistics.median(found)))
        for service_id, found in samples.items()
        if len(found) >= MIN_SAMPLES
    }


def measure_average_times(now: datetime | None = None) -> int:
    """Write each measured average time where it differs from the service's (the worker's hourly
    routine); how many services changed. A measurement, not an operator's decision: no audit
    entry; the catalog's version rises with the change, so every cache shows it at once."""
    measured = measured_average_times()
    changed = 0
    with transaction.atomic():
        current = dict(Service.objects.filter(pk__in=measured).values_list("pk", "average_time"))
        for service_id, minutes in measured.items():
            if current.get(service_id, minutes) != minutes:
                changed += Service.objects.filter(pk=service_id).update(average_time=minutes)
    return changed
