"""The dashboard's figures: today's orders, revenue and profit, statuses, the last 30 days."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from smmpanel.accounts.models import LedgerEntry
from smmpanel.catalog.models import Fulfilment
from smmpanel.money import ZERO, order_charge, quantize
from smmpanel.orders.models import (
    FINAL_STATUSES,
    CancelRequest,
    CancelStatus,
    Order,
    Refill,
    RefillStatus,
)
from smmpanel.payments.models import Payment, PaymentStatus
from smmpanel.providers.models import Provider, UpstreamOrder, UpstreamState
from smmpanel.providers.pricing import cost
from smmpanel.providers.review import orders_in_review

DAYS = 30


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


def profit_of(orders: QuerySet[Order]) -> tuple[Decimal, int]:
    """Profit on the orders whose cost is known (those placed with a provider), and how many.

    An order's cost is its provider service's rate (in the panel's currency) for its quantity;
    what was refunded to the customer is taken as not delivered, so it is not charged upstream
    either: profit = (charge - cost) x (1 - refunded / charge).
    """
    attempts = UpstreamOrder.objects.filter(
        order__in=orders, state__in=[UpstreamState.SENT, UpstreamState.REVIEW]
    ).select_related("order", "run", "provider_service__provider")
    refunded = dict(
        LedgerEntry.objects.filter(order__in=orders, kind=LedgerEntry.Kind.REFUND).values_list(
            "order_id", "amount"
        )
    )
    cost_of: dict[int, Decimal] = {}
    charge_of: dict[int, Decimal] = {}
    for attempt in attempts:
        order = attempt.order
        quantity = attempt.run.quantity if attempt.run else order.total_quantity
        cost_of[order.pk] = cost_of.get(order.pk, ZERO) + order_charge(
            cost(attempt.provider_service), quantity
        )
        charge_of[order.pk] = order.charge
    profit = ZERO
    for order_id, charge in charge_of.items():
        kept = (1 - refunded.get(order_id, ZERO) / charge) if charge else Decimal(0)
        profit += (charge - cost_of[order_id]) * kept
    return quantize(profit), len(charge_of)


def today() -> dict:
    start = _start_of(timezone.localdate())
    end = start + timedelta(days=1)
    orders = Order.objects.filter(created_at__gte=start, created_at__lt=end)
    profit, costed = profit_of(orders)
    return {
        "orders": orders.count(),
        "revenue": revenue_between(start, end),
        "profit": profit if costed else None,
        "costed": costed,
    }


def provider_balances() -> list[Provider]:
    return list(Provider.objects.order_by("name"))


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
        "review": orders_in_review().count(),
        # Attempts the providers refused or that could not be sent, in the last day.
        "failed": UpstreamOrder.objects.filter(
            state__in=[UpstreamState.FAILED, UpstreamState.REFUSED],
            created_at__gte=timezone.now() - timedelta(days=1),
        ).count(),
    }
