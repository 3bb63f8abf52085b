"""The one path by which an order's status changes.

Provider sync, simulated fulfilment, an operator's action and a cancel confirmation all call
`apply_status`. It locks the order, ignores a repeated report, charges the posts an unlimited
subscription has served (`orders.post_charges`) and refunds what a final status leaves
undelivered: each exactly once, guarded by database constraints on the ledger.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from smmpanel.accounts import ledger
from smmpanel.catalog.order_types import OrderType
from smmpanel.money import ZERO, proportional_part
from smmpanel.orders.changes import cancel_changed, orders_changed
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import (
    ORDER_STATUSES,
    SUBSCRIPTION_STATUSES,
    CancelRequest,
    CancelStatus,
    Order,
    OrderStatus,
)
from smmpanel.orders.post_charges import charge_served_posts


def refund_due(order: Order) -> Decimal:
    """What the order's final status gives back: all of a cancel, the undelivered part otherwise.

    A negative remains (over-delivery) refunds nothing; a remains over the quantity refunds at most
    the whole charge.
    """
    is_subscription = order.service.type == OrderType.SUBSCRIPTIONS
    if is_subscription and not order.details.get("posts"):
        return ZERO  # unlimited: it paid only for posts served (orders.post_charges)
    if order.status == OrderStatus.CANCELED and not is_subscription:
        return order.charge
    if order.status in (OrderStatus.PARTIAL, OrderStatus.EXPIRED, OrderStatus.CANCELED):
        return proportional_part(order.charge, order.remains or 0, order.total_quantity)
    return ZERO


@dataclass(frozen=True)
class StatusReport:
    """A source of truth's report on one order, for `apply_statuses`."""

    order_id: int
    status: str
    start_count: int | None = None
    remains: int | None = None
    details: dict | None = None


_FIELDS = ["status", "start_count", "remains", "details", "completed_at", "next_attempt_at",
           "updated_at"]  # fmt: skip


def _change(order: Order, report: StatusReport) -> bool:
    """Apply `report` to the locked `order` in memory; True when the order must be written.
    OrderError when the status is not in the order's vocabulary or the order is final."""
    is_subscription = order.service.type == OrderType.SUBSCRIPTIONS
    if report.status not in (SUBSCRIPTION_STATUSES if is_subscription else ORDER_STATUSES):
        raise OrderError(OrderErrorCode.INVALID_STATUS)
    if order.is_final:
        if order.status != report.status:
            raise OrderError(OrderErrorCode.ORDER_FINAL)
        return False
    order.status = report.status
    if report.start_count is not None and report.start_count >= 0:
        order.start_count = report.start_count
    if report.remains is not None:
        order.remains = report.remains
    if report.details:
        order.details = {**order.details, **report.details}
    order.updated_at = timezone.now()
    if order.is_final:
        order.completed_at = timezone.now()
        order.next_attempt_at = None
    return True


def _settle(order: Order) -> None:
    """The refund and the cancel requests of an order that has just become final."""
    ledger.refund(
        account_id=order.account_id,
        amount=refund_due(order),
        reason=f"{order.status} order {order.pk}",
        order_id=order.pk,
    )
    pending = list(CancelRequest.objects.filter(order=order, status=CancelStatus.PENDING))
    for cancel in pending:
        cancel.status = (
            CancelStatus.ACCEPTED
            if order.status in (OrderStatus.CANCELED, OrderStatus.PARTIAL)
            else CancelStatus.REJECTED
        )
        cancel.save(update_fields=["status", "updated_at"])
        cancel_changed.send(sender=CancelRequest, cancel=cancel)


def apply_status(
    *,
    order_id: int,
    status: str,
    start_count: int | None = None,
    remains: int | None = None,
    details: dict | None = None,
) -> Order:
    """Set an order's status (and start_count, remains) and settle its refund when it is final.

    Idempotent: reporting the same final status again changes nothing. A final order never
    changes status again (OrderError ORDER_FINAL). `details` is merged into the order's details.
    """
    report = StatusReport(order_id, status, start_count, remains, details)
    with transaction.atomic():
        # Only the order's row: locking its service too would stop every new order of the
        # service meanwhile (their foreign-key checks), and deadlock with them on PostgreSQL.
        order = (
            Order.objects.select_for_update(of=("self",)).select_related("service").get(pk=order_id)
        )
        if _change(order, report):
            charge_served_posts(order)
            order.save(update_fields=_FIELDS)
            if order.is_final:
                _settle(order)
            orders_changed.send(sender=Order, orders=[order])
    return order


def apply_statuses(reports: list[StatusReport]) -> dict[int, Order | OrderError]:
    """`apply_status` for many orders at once (a provider's batch of status replies): the same
    rules, in one transaction that locks the orders, with one UPDATE for all the orders that
    progress and the refund path for each order that ends. A refused report is a value."""
    results: dict[int, Order | OrderError] = {}
    if not reports:
        return results
    with transaction.atomic():
        orders = Order.objects.select_for_update(of=("self",)).select_related("service")
        locked = orders.in_bulk([report.order_id for report in reports])
        progressed, changed_orders = [], []
        for report in reports:
            order = locked[report.order_id]
            try:
                changed = _change(order, report)
            except OrderError as error:
                results[report.order_id] = error
                continue
            results[report.order_id] = order
            if changed:
                charge_served_posts(order)
                changed_orders.append(order)
            if changed and order.is_final:
                order.save(update_fields=_FIELDS)
                _settle(order)
            elif changed:
                progressed.append(order)
        _write_progress(progressed)
        if changed_orders:
            orders_changed.send(sender=Order, orders=changed_orders)
    return results


def _write_progress(orders: list[Order]) -> None:
    """Write orders that progressed (none is final): their status, start_count and remains in
    one statement, the rest (details of subscriptions, updated_at) in a few more."""
    if not orders:
        return
    _update_from_values([(o.pk, o.status, o.start_count, o.remains) for o in orders])
    with_details = [order for order in orders if order.details]
    Order.objects.bulk_update(with_details, ["details"])
    Order.objects.filter(pk__in=[order.pk for order in orders]).update(updated_at=timezone.now())


def _update_from_values(rows: list[tuple[int, str, int | None, int | None]]) -> None:
    """UPDATE … FROM (VALUES …): one statement for hundreds of orders. Django's bulk_update
    builds a CASE per row and field in Python, several times slower for a provider's batch."""
    table = connection.ops.quote_name(Order._meta.db_table)
    params = [value for row in rows for value in row]
    if connection.vendor == "postgresql":
        values = ", ".join(["(%s::bigint, %s::varchar, %s::bigint, %s::bigint)"] * len(rows))
        source = f"(VALUES {values}) AS v(id, status, start_count, remains)"
        names = ("v.id", "v.status", "v.start_count", "v.remains")
    else:  # SQLite names the columns of VALUES column1, column2, …
        values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
        source = f"(VALUES {values}) AS v"
        names = ("v.column1", "v.column2", "v.column3", "v.column4")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = {names[1]}, start_count = {names[2]}, "
            f"remains = {names[3]} FROM {source} WHERE {table}.id = {names[0]}",
            params,
        )
