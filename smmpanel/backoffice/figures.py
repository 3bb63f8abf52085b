"""The dashboard's figures: today's orders, revenue and profit, statuses, the last 30 days."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from smmpanel.accounts.models import LedgerEntry
from smmpanel.catalog.models import Fulfilment
from smmpanel.money import ZERO, quantize
from smmpanel.orders.models import (
    FINAL_STATUSES,
    CancelRequest,
    CancelStatus,
    Order,
    Refill,
    RefillStatus,
)
from smmpanel.payments.models import Payment, PaymentStatus

# The order's upstream cost, recorded by provider fulfilment; orders without one have no profit.
COST_FIELD = "cost"
DAYS = 30


def has_cost() -> bool:
    try:
        Order._meta.get_field(COST_FIELD)
    except FieldDoesNotExist:
        return False
    return True


@dataclass
class Day:
    day: date
    orders: int
    revenue: Decimal


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def revenue_between(start: datetime, end: datetime) -> Decimal:
    """What customers paid for orders in [start, end): charges less the refunds made then."""
    moved = LedgerEntry.objects.filter(
        created_at__gte=start,
        created_at__lt=end,
        kind__in=[LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.REFUND],
    ).aggregate(total=Sum("amount"))["total"]
    return ZERO - quantize(moved or ZERO)


def today() -> dict:
    start = _start_of(timezone.localdate())
    end = start + timedelta(days=1)
    orders = Order.objects.filter(created_at__gte=start, created_at__lt=end)
    figures: dict = {
        "orders": orders.count(),
        "revenue": revenue_between(start, end),
        "profit": None,
        "costed": 0,
    }
    if has_cost():
        costed = orders.filter(**{f"{COST_FIELD}__isnull": False})
        sums = costed.aggregate(charge=Sum("charge"), cost=Sum(COST_FIELD), n=Count("pk"))
        figures["profit"] = quantize((sums["charge"] or ZERO) - (sums["cost"] or ZERO))
        figures["costed"] = sums["n"]
    return figures


def by_status() -> list[tuple[str, int]]:
    rows = Order.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
    return list(rows)


def last_days(days: int = DAYS) -> list[Day]:
    """One row per day (oldest first, today last), days without orders included."""
    first = timezone.localdate() - timedelta(days=days - 1)
    start = _start_of(first)
    counts = dict(
        Order.objects.filter(created_at__gte=start)
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    money = dict(
        LedgerEntry.objects.filter(
            created_at__gte=start, kind__in=[LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.REFUND]
        )
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return [
        Day(
            day=first + timedelta(days=n),
            orders=counts.get(first + timedelta(days=n), 0),
            revenue=ZERO - quantize(money.get(first + timedelta(days=n)) or ZERO),
        )
        for n in range(days)
    ]


def needing_attention() -> dict:
    """What waits for an operator: manual orders not finished, open refills and cancels,
    payments to approve."""
    return {
        "manual_open": Order.objects.filter(service__fulfilment=Fulfilment.MANUAL)
        .exclude(status__in=FINAL_STATUSES)
        .count(),
        "refills": Refill.objects.filter(
            Q(status=RefillStatus.PENDING) | Q(status=RefillStatus.IN_PROGRESS),
            order__service__fulfilment=Fulfilment.MANUAL,
        ).count(),
        "cancels": CancelRequest.objects.filter(status=CancelStatus.PENDING).count(),
        "payments": Payment.objects.filter(status=PaymentStatus.PENDING).count(),
    }
