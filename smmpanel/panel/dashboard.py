"""The figures of the customer's dashboard, read from the ledger and the orders."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.money import ZERO
from smmpanel.orders.models import Order, OrderStatus
from smmpanel.support.models import Ticket, TicketStatus


@dataclass(frozen=True)
class StatusCount:
    status: str
    count: int


def month_start(now: datetime | None = None) -> datetime:
    """The first instant of this month in the active time zone (the customer's)."""
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def spent_this_month(account: Account, now: datetime | None = None) -> Decimal:
    """What orders cost this month: the charges of the month less the refunds of the month
    (a refund of last month's order lowers this month's figure: it is money back now)."""
    moved = (
        LedgerEntry.objects.filter(
            account=account,
            created_at__gte=month_start(now),
            kind__in=(LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.REFUND),
        )
        .aggregate(total=Sum("amount"))["total"]
    )  # fmt: skip
    return -moved if moved else ZERO


def orders_by_status(account: Account) -> list[StatusCount]:
    """How many of the account's orders are in each status, in the statuses' own order; the
    statuses it has none of are left out."""
    counts = dict(
        Order.objects.filter(account=account)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    return [
        StatusCount(status, counts[status]) for status in OrderStatus.values if counts.get(status)
    ]


def open_tickets(account: Account) -> int:
    """The account's tickets not closed (waiting for staff or for the customer)."""
    return Ticket.objects.filter(account=account).exclude(status=TicketStatus.CLOSED).count()
