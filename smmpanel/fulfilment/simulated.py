"""A built-in fake upstream: it moves orders Pending -> In progress -> Completed or Partial over
`SMMPANEL_SIMULATED_SECONDS`, with a plausible start_count and remains.

It decides nothing about money: every outcome goes through `orders.status.apply_status`, the path
real providers use too.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.dripfeed import report_runs, runs_of, set_run_progress
from smmpanel.orders.models import CancelStatus, Order, OrderStatus, Refill, RefillStatus
from smmpanel.orders.refills import report_refill_status
from smmpanel.orders.status import apply_status
from smmpanel.orders.validation import subscription_expiry

# The share of the run spent Pending before delivery starts.
PENDING_SHARE = 0.1


@dataclass(frozen=True)
class Progress:
    status: str
    start_count: int | None
    remains: int
    details: dict | None = None


def _duration() -> float:
    return max(settings.SIMULATED_SECONDS, 0.001)


def _ends_partial(rng: random.Random) -> bool:
    return rng.randrange(100) < settings.SIMULATED_PARTIAL_PERCENT


def progress(order: Order, now: datetime) -> Progress:
    """Where the simulated upstream stands with `order` at `now`: a pure function of the order's
    id and age, so a re-run after a crash reports the same thing."""
    if order.service.type == OrderType.SUBSCRIPTIONS:
        return _subscription_progress(order, now)
    return _progress(order.pk, order.total_quantity, order.created_at, now)


def _progress(seed: int, total: int, started_at: datetime, now: datetime) -> Progress:
    rng = random.Random(seed)
    start_count = rng.randint(100, 20_000)
    share = (now - started_at).total_seconds() / _duration()
    if share < PENDING_SHARE:
        return Progress(OrderStatus.PENDING, None, total)
    if share < 1:
        delivered = int(total * (share - PENDING_SHARE) / (1 - PENDING_SHARE))
        return Progress(OrderStatus.IN_PROGRESS, start_count, total - delivered)
    if total > 1 and _ends_partial(rng):
        return Progress(OrderStatus.PARTIAL, start_count, rng.randint(1, total - 1))
    return Progress(OrderStatus.COMPLETED, start_count, 0)


def _subscription_progress(order: Order, now: datetime) -> Progress:
    """One new post each simulated period; a limited subscription completes after its posts."""
    posts = order.details.get("posts")
    served = int((now - order.created_at).total_seconds() / _duration())
    if posts:
        served = min(served, posts)
    high = order.details["max"]
    remains = (posts - served) * high if posts else 0
    details = {"posts_served": served}
    expiry = subscription_expiry(order.details)
    if posts and served >= posts:
        return Progress(OrderStatus.COMPLETED, 0, 0, details)
    if expiry is not None and timezone.localdate(now) > expiry:
        return Progress(OrderStatus.EXPIRED, 0, remains, details)
    return Progress(OrderStatus.ACTIVE, 0, remains, details)


def cancel_outcome(order: Order, now: datetime) -> Progress:
    """A cancel stops delivery: nothing delivered yet is Canceled, some delivered is Partial."""
    current = progress(order, now)
    if order.service.type == OrderType.SUBSCRIPTIONS:
        return Progress(OrderStatus.CANCELED, 0, current.remains, current.details)
    return _stopped(current, order.total_quantity)


def _stopped(current: Progress, total: int) -> Progress:
    if current.status == OrderStatus.PENDING or current.remains >= total:
        return Progress(OrderStatus.CANCELED, current.start_count, total)
    if current.status in (OrderStatus.COMPLETED, OrderStatus.PARTIAL):
        return current
    return Progress(OrderStatus.PARTIAL, current.start_count, current.remains)


def refill_status(created_at: datetime, now: datetime) -> str:
    share = (now - created_at).total_seconds() / _duration()
    if share < PENDING_SHARE:
        return "Pending"
    return "In progress" if share < 1 else "Completed"


def _apply(order: Order, outcome: Progress) -> Order:
    return apply_status(
        order_id=order.pk,
        status=outcome.status,
        start_count=outcome.start_count,
        remains=outcome.remains,
        details=outcome.details,
    )


def _tick(now: datetime) -> datetime:
    return now + timedelta(seconds=min(settings.WORKER_TICK_SECONDS, _duration() / 10))


def advance_order(order: Order, now: datetime) -> datetime | None:
    """Report the order's simulated progress; return when to look again (None: never)."""
    if order.is_final:
        return None
    cancel = order.cancel_requests.filter(status=CancelStatus.PENDING).exists()
    if order.runs:
        return _advance_runs(order, now, cancel)
    order = _apply(order, cancel_outcome(order, now) if cancel else progress(order, now))
    if order.is_final:
        return None
    return _tick(now)


def _advance_runs(order: Order, now: datetime, cancel: bool) -> datetime | None:
    """A drip-feed order: each run is simulated from when it is due; a cancel stops the runs
    not started and ends the ones under way."""
    runs = runs_of(order)
    upcoming, active = [], False
    for run in runs:
        if run.is_final:
            continue
        if run.due_at > now:
            if cancel:
                set_run_progress(run, status=OrderStatus.CANCELED, start_count=None, remains=None)
            else:
                upcoming.append(run.due_at)
            continue
        outcome = _progress(order.pk * 10_000 + run.number, run.quantity, run.due_at, now)
        if cancel:
            outcome = _stopped(outcome, run.quantity)
        set_run_progress(
            run, status=outcome.status, start_count=outcome.start_count, remains=outcome.remains
        )
        active = active or not run.is_final
    if report_runs(order, runs).is_final:
        return None
    return _tick(now) if active else min(upcoming, default=_tick(now))


def advance_refill(refill: Refill, now: datetime) -> datetime | None:
    status = refill_status(refill.created_at, now)
    refill = report_refill_status(refill_id=refill.pk, status=status)
    if refill.status in (RefillStatus.PENDING, RefillStatus.IN_PROGRESS):
        return now + timedelta(seconds=min(settings.WORKER_TICK_SECONDS, _duration() / 10))
    return None
