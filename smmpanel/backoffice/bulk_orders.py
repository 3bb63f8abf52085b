"""The operator's bulk actions on orders: each order changes through the core's status path
(`orders.status.apply_status`), in its own transaction together with its audit entry, and the
outcome of every order is reported, so that a refusal never leaves an order half-changed."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from smmpanel.accounts.models import LedgerEntry
from smmpanel.audit.log import Actor, record, snapshot
from smmpanel.money import shown
from smmpanel.orders.errors import OrderError
from smmpanel.orders.models import Order, OrderStatus
from smmpanel.orders.requeue import requeue_order
from smmpanel.orders.status import apply_status
from smmpanel.providers import review
from smmpanel.providers.errors import ProviderError
from smmpanel.providers.models import UpstreamState

ORDER_FIELDS = ("status", "start_count", "remains", "charge", "next_attempt_at")
MAX_ORDERS = 500


class BulkAction(StrEnum):
    RESEND = "resend"
    CANCEL = "cancel"
    SET_STATUS = "set_status"
    PARTIAL = "partial"


@dataclass
class Outcome:
    order_id: int
    ok: bool
    message: str


def _refunded(order_id: int) -> str | None:
    entry = LedgerEntry.objects.filter(order_id=order_id, kind=LedgerEntry.Kind.REFUND).first()
    return str(entry.amount) if entry else None


def _apply_one(
    request: HttpRequest, order: Order, action: BulkAction, status: str, remains: int | None
) -> Outcome:
    before = {**snapshot(order, ORDER_FIELDS), "refund": _refunded(order.pk)}
    if action == BulkAction.PARTIAL and remains is not None and remains > order.total_quantity:
        return Outcome(order.pk, False, _("remains above the quantity %s") % order.total_quantity)
    if action != BulkAction.RESEND and order.status == status:
        return Outcome(order.pk, False, _("already %s") % order.status)
    try:
        with transaction.atomic():
            in_review = order.upstream_orders.filter(state=UpstreamState.REVIEW).exists()
            if action == BulkAction.RESEND:
                # An order in review was maybe not received upstream: the operator says send it.
                resend = review.resend if in_review else requeue_order
                changed = resend(order_id=order.pk)
            elif action == BulkAction.CANCEL and in_review:
                # Settles the attempts in doubt too; the refund goes through apply_status.
                changed = review.cancel_and_refund(order_id=order.pk)
            else:
                changed = apply_status(order_id=order.pk, status=status, remains=remains)
            after = {**snapshot(changed, ORDER_FIELDS), "refund": _refunded(order.pk)}
            record(
                Actor.of_request(request),
                f"order.{action}",
                obj=changed,
                summary=f"{action} {status}".strip(),
                before=before,
                after=after,
            )
    except (OrderError, ProviderError) as error:
        return Outcome(order.pk, False, error.message)
    if action == BulkAction.RESEND:
        return Outcome(order.pk, True, _("sent to its fulfilment again"))
    if after["refund"] and after["refund"] != before["refund"]:
        return Outcome(
            order.pk,
            True,
            _("now %(status)s, refunded %(amount)s")
            % {"status": changed.status, "amount": shown(Decimal(after["refund"]))},
        )
    return Outcome(order.pk, True, _("now %s") % changed.status)


def apply_bulk(
    *,
    request: HttpRequest,
    order_ids: list[int],
    action: BulkAction,
    status: str = "",
    remains: int | None = None,
) -> list[Outcome]:
    """Carry out `action` on each order, one transaction per order; report each outcome.

    cancel = Canceled (full refund); partial = Partial with `remains` (refund of the undelivered
    part); set_status = any status of the order's vocabulary; resend = hand an automatic order to
    its fulfilment again. A refused order (final, wrong vocabulary) is reported and left as it was.
    """
    if action == BulkAction.CANCEL:
        status, remains = OrderStatus.CANCELED, None
    elif action == BulkAction.PARTIAL:
        status = OrderStatus.PARTIAL
    elif action == BulkAction.SET_STATUS:
        remains = 0 if status == OrderStatus.COMPLETED else None
    else:
        status, remains = "", None
    orders = Order.objects.select_related("service").filter(pk__in=order_ids[:MAX_ORDERS])
    return [_apply_one(request, order, action, status, remains) for order in orders.order_by("pk")]
