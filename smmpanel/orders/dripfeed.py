"""Drip-feed orders as runs: `runs` runs of `quantity` each, one every `interval` minutes. A
fulfilment places each run when due and reports its progress here; the parent order's status,
start_count and remains aggregate the runs and change only through `apply_status`."""

from datetime import timedelta

from django.db import transaction

from smmpanel.orders.models import Order, OrderStatus, Run
from smmpanel.orders.status import apply_status


def runs_of(order: Order) -> list[Run]:
    """The order's runs, created on first use (idempotent: a unique number per run)."""
    runs = list(order.dripfeed_runs.all())
    if len(runs) == (order.runs or 0):
        return runs
    with transaction.atomic():
        for number in range(1, (order.runs or 0) + 1):
            Run.objects.get_or_create(
                order=order,
                number=number,
                defaults={
                    "quantity": order.quantity,
                    "remains": order.quantity,
                    "due_at": order.created_at
                    + timedelta(minutes=(number - 1) * (order.interval or 0)),
                },
            )
    return list(order.dripfeed_runs.all())


def set_run_progress(
    run: Run, *, status: str, start_count: int | None, remains: int | None
) -> bool:
    """Record a run's reported progress; a finished run keeps its outcome. True if it changed."""
    if run.is_final:
        return False
    remains = run.quantity if status == OrderStatus.CANCELED else remains
    new = (
        status,
        start_count if start_count is not None and start_count >= 0 else run.start_count,
        min(max(remains, 0), run.quantity) if remains is not None else run.remains,
    )
    if new == (run.status, run.start_count, run.remains):
        return False
    run.status, run.start_count, run.remains = new
    Run.objects.filter(pk=run.pk).update(
        status=run.status, start_count=run.start_count, remains=run.remains
    )
    return True


def aggregate(runs: list[Run]) -> tuple[str, int | None, int]:
    """The parent's (status, start_count, remains) from its runs."""
    remains = sum(run.remains for run in runs)
    start_count = next((run.start_count for run in runs if run.start_count is not None), None)
    if all(run.is_final for run in runs):
        if all(run.status == OrderStatus.COMPLETED for run in runs):
            return OrderStatus.COMPLETED, start_count, 0
        if all(run.status == OrderStatus.CANCELED for run in runs):
            return OrderStatus.CANCELED, start_count, remains
        return OrderStatus.PARTIAL, start_count, remains
    started = any(run.status != OrderStatus.PENDING for run in runs)
    return (OrderStatus.IN_PROGRESS if started else OrderStatus.PENDING), start_count, remains


def report_runs(order: Order, runs: list[Run]) -> Order:
    """Apply the runs' aggregate to the parent order when it differs (refunds when final)."""
    status, start_count, remains = aggregate(runs)
    if (status, start_count, remains) == (order.status, order.start_count, order.remains):
        return order
    return apply_status(order_id=order.pk, status=status, start_count=start_count, remains=remains)
