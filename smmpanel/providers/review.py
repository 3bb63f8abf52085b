"""What becomes of an order in review (its upstream outcome is unknown) and of its attempts.

Nothing here calls a provider: the operator checks with the provider, then either has the order
sent again (it was not placed there), records the upstream id (it was), or cancels it with a full
refund. Each is one transaction under the order's lock, and writes no audit entry: the
operator's decisions, which record themselves, are in `fulfilment.actions` and call these.
(The Django admin still calls these directly, audited by its own log.)
"""

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from smmpanel.orders.dripfeed import report_runs, runs_of, set_run_progress
from smmpanel.orders.models import Order, OrderStatus
from smmpanel.orders.status import apply_status
from smmpanel.providers.errors import ProviderError, ProviderErrorCode
from smmpanel.providers.models import UpstreamOrder, UpstreamState


def orders_in_review() -> QuerySet[Order]:
    return Order.objects.filter(upstream_orders__state=UpstreamState.REVIEW).distinct()


def is_in_review(order_id: int) -> bool:
    """Whether the order has an attempt whose outcome is unknown."""
    return UpstreamOrder.objects.filter(order_id=order_id, state=UpstreamState.REVIEW).exists()


def _in_review(order_id: int) -> tuple[Order, list[UpstreamOrder]]:
    order = Order.objects.select_for_update().get(pk=order_id)
    attempts = list(
        UpstreamOrder.objects.select_for_update().filter(
            order_id=order_id, state=UpstreamState.REVIEW
        )
    )
    if not attempts:
        raise ProviderError(ProviderErrorCode.NOT_IN_REVIEW, order=order_id)
    return order, attempts


def _resolve(attempts: list[UpstreamOrder], note: str) -> None:
    for attempt in attempts:
        attempt.state = UpstreamState.RESOLVED
        attempt.error = f"{attempt.error} — {note}"[:2000]
        attempt.save(update_fields=["state", "error", "updated_at"])


def resend(*, order_id: int) -> Order:
    """The operator found the order is not with the provider: send it again at the next pass."""
    with transaction.atomic():
        order, attempts = _in_review(order_id)
        _resolve(attempts, "resent by the operator")
        order.next_attempt_at = timezone.now()
        order.save(update_fields=["next_attempt_at", "updated_at"])
    return order


def record_upstream_id(*, order_id: int, upstream_id: str) -> Order:
    """The operator found the order at the provider: follow it from now on under this id."""
    upstream_id = upstream_id.strip()
    if not upstream_id:
        raise ProviderError(ProviderErrorCode.EMPTY_UPSTREAM_ID)
    try:
        with transaction.atomic():
            order, attempts = _in_review(order_id)
            attempt, rest = attempts[0], attempts[1:]
            _resolve(rest, "superseded")
            attempt.state, attempt.upstream_id = UpstreamState.SENT, upstream_id[:64]
            attempt.save(update_fields=["state", "upstream_id", "updated_at"])
            order.next_attempt_at = timezone.now()
            order.save(update_fields=["next_attempt_at", "updated_at"])
    except IntegrityError:
        raise ProviderError(ProviderErrorCode.UPSTREAM_ID_TAKEN, upstream_id=upstream_id) from None
    return order


def cancel_and_refund(*, order_id: int) -> Order:
    """The operator gives up on the order: it ends Canceled with a full refund (of a drip-feed
    order, the runs not delivered), through the status path."""
    with transaction.atomic():
        order, attempts = _in_review(order_id)
        _resolve(attempts, "canceled by the operator")
        if order.runs:
            # The runs in doubt and those not placed yet are canceled; the others go on.
            busy = set(
                UpstreamOrder.objects.filter(order=order, state=UpstreamState.SENT).values_list(
                    "run_id", flat=True
                )
            )
            runs = runs_of(order)
            for run in runs:
                if not run.is_final and run.pk not in busy:
                    set_run_progress(
                        run, status=OrderStatus.CANCELED, start_count=None, remains=None
                    )
            return report_runs(order, runs)
        return apply_status(
            order_id=order.pk, status=OrderStatus.CANCELED, remains=order.total_quantity
        )
