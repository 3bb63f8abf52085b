"""Auto-refill: for a service marked so, the panel asks a refill of each completed order by
itself, every `auto_refill_hours`, while the order is inside its refill window.

A refill is asked exactly as the customer would ask it (`refills.request_refill`: the service
must allow refills, one open refill per order at most), so the worker then passes it on to the
provider like any other.
"""

import logging
from datetime import datetime, timedelta

from django.db.models import Exists, F, Max, OuterRef, Q

from smmpanel.catalog.models import Service
from smmpanel.orders.errors import OrderError
from smmpanel.orders.models import Order, OrderStatus, Refill
from smmpanel.orders.refills import OPEN, request_refill

logger = logging.getLogger(__name__)
# At most this many refills asked per pass; the rest are due at the next pass.
BATCH = 500


def due_auto_refills(now: datetime) -> list[Order]:
    """Completed orders of auto-refill services inside their window, with no open refill, whose
    last refill (or completion) is at least the service's interval old."""
    longest = Service.objects.filter(refill=True, auto_refill_hours__isnull=False).aggregate(
        days=Max("refill_days")
    )["days"]
    if longest is None:
        return []
    candidates = (
        Order.objects.filter(
            status=OrderStatus.COMPLETED,
            completed_at__gte=now - timedelta(days=longest),
            service__refill=True,
            service__auto_refill_hours__isnull=False,
        )
        .exclude(Exists(Refill.objects.filter(order=OuterRef("pk"), status__in=OPEN)))
        .annotate(last_refill=Max("refills__created_at"))
        .select_related("service", "account")
        .order_by(F("last_refill").asc(nulls_first=True), "completed_at")
    )
    due: list[Order] = []
    for order in candidates.filter(
        Q(last_refill__isnull=True) | Q(last_refill__lte=now - timedelta(hours=1))
    ).iterator(chunk_size=BATCH):
        completed_at: datetime = order.completed_at  # type: ignore[assignment]  # filtered above
        since: datetime = order.last_refill or completed_at
        interval = timedelta(hours=order.service.auto_refill_hours or 0)
        window_ends = completed_at + timedelta(days=order.service.refill_days)
        if now <= window_ends and since + interval <= now:
            due.append(order)
            if len(due) == BATCH:
                break
    return due


def request_auto_refills(now: datetime) -> int:
    """Ask the due auto-refills (the worker's routine); how many were opened. An order the rules
    refuse now (a refill opened meanwhile, the service no longer refills) is skipped."""
    opened = 0
    for order in due_auto_refills(now):
        try:
            request_refill(account=order.account, order=order)
        except OrderError as refused:
            logger.info("auto-refill of order %s: %s", order.pk, refused.message)
            continue
        opened += 1
    return opened
