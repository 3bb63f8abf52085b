"""One pass of the provider fulfilment over a batch of claimed orders: forward what is new,
take crashed sends to review, pass cancels on, poll the rest, and say when each order is due next.

The batch is the worker's claim (up to `SMMPANEL_WORKER_BATCH` orders): status polls are grouped
per provider, 100 ids per call, providers in parallel.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F

from smmpanel.audit.log import Actor
from smmpanel.catalog.order_types import OrderType
from smmpanel.notifications import watch
from smmpanel.orders.cancels import mark_cancel_rejected
from smmpanel.orders.dripfeed import report_runs, runs_of, set_run_progress
from smmpanel.orders.errors import OrderError
from smmpanel.orders.models import CancelRequest, CancelStatus, Order, OrderStatus, Run
from smmpanel.orders.status import StatusReport, apply_status, apply_statuses
from smmpanel.providers import cancels
from smmpanel.providers.forwarding import Unit, forward
from smmpanel.providers.models import LIVE_STATES, UpstreamOrder, UpstreamState
from smmpanel.providers.reroutes import reroute_refused, rerouted
from smmpanel.providers.sync import Report, clamp, next_poll, poll

logger = logging.getLogger(__name__)
CRASHED = "the worker stopped while sending it: it may have reached the provider"


class Pass:
    """The state of one pass over a batch; `due` collects each order's next due time."""

    def __init__(self, orders: list[Order], now: datetime):
        self.now = now
        self.orders = {order.pk: order for order in orders}
        self.due: dict[int, list[datetime]] = {order.pk: [] for order in orders}
        self.runs: dict[int, list[Run]] = {}
        self.live: dict[tuple[int, int | None], UpstreamOrder] = {
            (u.order_id, u.run_id): u
            for u in UpstreamOrder.objects.filter(
                order__in=orders, state__in=LIVE_STATES
            ).select_related("provider", "provider_service")
        }
        self.cancels = dict(
            CancelRequest.objects.filter(order__in=orders, status=CancelStatus.PENDING).values_list(
                "order_id", "pk"
            )
        )
        self.final: set[int] = set()
        self.to_forward: list[Unit] = []
        self.to_poll: list[UpstreamOrder] = []
        self.reviewed: list[int] = []  # orders whose crashed send went to review

    def later(self, order_id: int, when: datetime) -> None:
        self.due[order_id].append(when)

    def next_times(self) -> dict[int, datetime | None]:
        return {
            pk: min(times) if times and pk not in self.final else None
            for pk, times in self.due.items()
        }

    def settle(self, order: Order, status: str, **values: object) -> None:
        """Report a status through the one status path; note the order if it ended."""
        try:
            updated = apply_status(order_id=order.pk, status=status, **values)  # type: ignore[arg-type]
        except OrderError as refused:  # e.g. the operator finished it meanwhile
            logger.info("order %s: %s", order.pk, refused.message)
            self.final.add(order.pk)
            return
        if updated.is_final:
            self.final.add(order.pk)


def process(
    orders: list[Order], now: datetime, keepalive: Callable[[], None]
) -> dict[int, datetime | None]:
    """Advance each order one step; returns when each is due next (None: not by itself).
    `keepalive` renews the worker's claim on the batch while slow provider calls are in flight
    (the claim is the worker's business: it hands the renewal in)."""
    work = Pass([order for order in orders if not order.is_final], now)
    for order in work.orders.values():
        if order.runs:
            _sort_runs(work, order)
        else:
            _sort_order(work, order)
    forward(work.to_forward, keepalive)
    watch.orders_in_review(
        [unit.order.pk for unit in work.to_forward if unit.outcome == "review"] + work.reviewed
    )
    for unit in work.to_forward:
        _after_forward(work, unit)
    _pass_cancels(work, keepalive)
    _apply_reports(work, poll(work.to_poll, keepalive))
    for order in work.orders.values():
        if order.runs and order.pk in work.runs:
            _report_parent(work, order, work.runs[order.pk])
    result = work.next_times()
    return {order.pk: result.get(order.pk) for order in orders}


def _to_review(work: Pass, upstream: UpstreamOrder, reason: str) -> None:
    if UpstreamOrder.objects.filter(pk=upstream.pk, state=UpstreamState.SENDING).update(
        state=UpstreamState.REVIEW, error=reason
    ):
        work.reviewed.append(upstream.order_id)
    logger.warning("order %s needs review: %s", upstream.order_id, reason)


def _sort_order(work: Pass, order: Order) -> None:
    upstream = work.live.get((order.pk, None))
    if upstream is None:
        if order.pk in work.cancels:
            # Not with a provider yet: nothing to ask anyone, cancel here (full refund).
            work.settle(order, OrderStatus.CANCELED, remains=order.total_quantity)
            return
        work.to_forward.append(Unit(order))
    elif upstream.state == UpstreamState.SENDING:
        _to_review(work, upstream, CRASHED)
    elif upstream.state == UpstreamState.SENT:
        upstream.order = order  # loaded already, with its service
        work.to_poll.append(upstream)


def _sort_runs(work: Pass, order: Order) -> None:
    runs = work.runs[order.pk] = runs_of(order)
    canceling = order.pk in work.cancels
    for run in runs:
        if run.is_final:
            continue
        upstream = work.live.get((order.pk, run.pk))
        if upstream is None:
            if canceling:
                set_run_progress(run, status=OrderStatus.CANCELED, start_count=None, remains=None)
            elif run.due_at <= work.now:
                work.to_forward.append(Unit(order, run))
            else:
                work.later(order.pk, run.due_at)
        elif upstream.state == UpstreamState.SENDING:
            _to_review(work, upstream, CRASHED)
        elif upstream.state == UpstreamState.SENT:
            upstream.order = order
            work.to_poll.append(upstream)


def _after_forward(work: Pass, unit: Unit) -> None:
    order = unit.order
    if unit.outcome == "sent":
        work.later(order.pk, work.now + timedelta(seconds=settings.PROVIDER_POLL_SECONDS))
    elif unit.outcome == "failed":
        failures = UpstreamOrder.objects.filter(
            order=order, run=unit.run, state=UpstreamState.FAILED
        ).count()
        work.later(order.pk, next_poll(work.now, failures - 1))
    elif unit.outcome == "exhausted":
        reason = "; ".join(unit.reasons)[:500] or "no provider route is available"
        if unit.run is not None:
            _stop_runs(work, order)
        else:
            work.settle(
                order,
                OrderStatus.CANCELED,
                remains=order.total_quantity,
                details={"error": reason},
            )
    # "review": not due again until the operator decides; "busy": another attempt is live.


def _stop_runs(work: Pass, order: Order) -> None:
    """A run that no route will place stops its drip-feed: every run not placed upstream is
    canceled now, so the order ends (Canceled, or Partial after the runs already placed end) and
    is refunded for every undelivered run at once, instead of staying in progress with nothing
    running upstream and each later run refused in its turn."""
    placed = set(
        UpstreamOrder.objects.filter(order=order, state__in=LIVE_STATES).values_list(
            "run_id", flat=True
        )
    )
    for run in work.runs[order.pk]:
        if run.pk not in placed:
            set_run_progress(run, status=OrderStatus.CANCELED, start_count=None, remains=None)


def _pass_cancels(work: Pass, keepalive: Callable[[], None]) -> None:
    """Pass on the customers' cancels, and the panel's own for stuck orders (providers.reroutes)."""
    asked = [
        upstream
        for upstream in work.to_poll
        if (upstream.order_id in work.cancels or upstream.reroute_requested_at is not None)
        and upstream.cancel_sent_at is None
    ]
    for upstream, accepted in cancels.send(asked, work.now, keepalive):
        if upstream.order_id in work.cancels:
            if not accepted and not upstream.order.runs:
                mark_cancel_rejected(cancel_request_id=work.cancels[upstream.order_id])
        elif not accepted:
            message = UpstreamOrder.objects.values_list("error", flat=True).get(pk=upstream.pk)
            reroute_refused(upstream=upstream, message=message, acting_user=Actor.system())


def _confirms_reroute(work: Pass, upstream: UpstreamOrder, report: Report) -> bool:
    """The provider canceled an order the panel asked it to give up (and the customer did not
    ask to cancel meanwhile: then the cancel is the customer's, refunded as usual)."""
    return (
        upstream.reroute_requested_at is not None
        and upstream.run_id is None
        and report.status == OrderStatus.CANCELED
        and upstream.order_id not in work.cancels
    )


def _subscription_values(order: Order, report: Report) -> tuple[int | None, dict | None]:
    served = (report.extra or {}).get("posts")
    try:
        served = int(served) if served is not None else None
    except (TypeError, ValueError):
        served = None
    if served is None:
        return order.remains, None
    posts = order.details.get("posts")
    remains = max(posts - served, 0) * order.details["max"] if posts else 0
    return remains, {"posts_served": served}


def _apply_reports(work: Pass, reports: dict[int, Report]) -> None:
    """Apply what the providers said: orders through `apply_statuses` (one transaction for the
    batch), runs to their parent; then remember, per upstream order, whether it changed."""
    unchanged: dict[str, list[int]] = defaultdict(list)  # by what the provider said
    changed: dict[str, list[int]] = defaultdict(list)
    to_apply: list[StatusReport] = []
    for upstream in work.to_poll:
        report = reports[upstream.pk]
        order = work.orders[upstream.order_id]
        if report.status is None:
            logger.info("order %s: provider report unusable (%s)", order.pk, report.note)
        if _confirms_reroute(work, upstream, report) and rerouted(
            upstream=upstream, acting_user=Actor.system()
        ):
            work.later(order.pk, work.now)  # to the next route at the next pass
            continue
        outcome = _read_report(work, order, upstream, report)
        if isinstance(outcome, StatusReport):
            to_apply.append(outcome)
        if outcome:
            changed[str(report.status)].append(upstream.pk)
            work.later(order.pk, next_poll(work.now, 0))
        else:
            unchanged[(report.status or report.note)[:64]].append(upstream.pk)
            work.later(order.pk, next_poll(work.now, upstream.unchanged_polls + 1))
    for order_id, result in apply_statuses(to_apply).items():
        if isinstance(result, OrderError):  # e.g. the operator finished it meanwhile
            logger.info("order %s: %s", order_id, result.message)
            work.final.add(order_id)
        elif result.is_final:
            work.final.add(order_id)
    # A few UPDATEs for the whole batch rather than one per order.
    for raw_status, pks in changed.items():
        UpstreamOrder.objects.filter(pk__in=pks).update(raw_status=raw_status, unchanged_polls=0)
    for raw_status, pks in unchanged.items():
        UpstreamOrder.objects.filter(pk__in=pks).update(
            raw_status=raw_status, unchanged_polls=F("unchanged_polls") + 1
        )


def _read_report(
    work: Pass, order: Order, upstream: UpstreamOrder, report: Report
) -> StatusReport | bool:
    """A run's report is recorded at once (True if it changed); an order's becomes a
    StatusReport when it changes anything (False otherwise)."""
    if report.status is None:
        return False
    if upstream.run_id is not None:
        run = next(run for run in work.runs[order.pk] if run.pk == upstream.run_id)
        return set_run_progress(
            run, status=report.status, start_count=report.start_count, remains=report.remains
        )
    details = None
    if order.service.type == OrderType.SUBSCRIPTIONS:
        remains, details = _subscription_values(order, report)
        if details and order.details.get("posts_served") == details["posts_served"]:
            details = None
    else:
        remains = clamp(report.remains, order.total_quantity)
        if remains is None:  # the report claims no delivery: keep what is known
            remains = order.remains
    start_count = report.start_count if report.start_count is not None else order.start_count
    if report.status == OrderStatus.CANCELED and order.service.type != OrderType.SUBSCRIPTIONS:
        remains = order.total_quantity
    current = (order.status, order.start_count, order.remains)
    if (report.status, start_count, remains) == current and not details:
        return False
    return StatusReport(order.pk, report.status, start_count, remains, details)


def _report_parent(work: Pass, order: Order, runs: Iterable[Run]) -> None:
    try:
        updated = report_runs(Order.objects.get(pk=order.pk), list(runs))
    except OrderError as refused:
        logger.info("order %s: %s", order.pk, refused.message)
        work.final.add(order.pk)
        return
    if updated.is_final:
        work.final.add(order.pk)
