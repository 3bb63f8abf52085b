"""The operator's bulk actions on orders: each order is one call of its domain action
(`orders.actions`, `fulfilment.actions`), in its own transaction with its audit entry, and the
outcome of every order is reported, so that a refusal never leaves an order half-changed."""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from smmpanel.audit.log import Actor
from smmpanel.fulfilment.actions import cancel_order, resend_order
from smmpanel.money import shown
from smmpanel.orders.actions import refunded, set_order_status, set_partial
from smmpanel.orders.errors import OrderError
from smmpanel.orders.models import Order, OrderStatus
from smmpanel.providers.errors import ProviderError

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


def _apply_one(
    acting_user: Actor, order: Order, action: BulkAction, status: str, remains: int | None
) -> Outcome:
    refund_before = refunded(order.pk)
    try:
        if action == BulkAction.RESEND:
            resend_order(order_id=order.pk, acting_user=acting_user)
            return Outcome(order.pk, True, _("sent to its fulfilment again"))
        if action == BulkAction.CANCEL:
            changed = cancel_order(order_id=order.pk, acting_user=acting_user)
        elif action == BulkAction.PARTIAL:
            if remains is None:  # the form asks for it
                return Outcome(order.pk, False, _("Give the remains of a partial order."))
            changed = set_partial(order_id=order.pk, remains=remains, acting_user=acting_user)
        else:
            changed = set_order_status(order_id=order.pk, status=status, acting_user=acting_user)
    except (OrderError, ProviderError) as error:
        return Outcome(order.pk, False, error.message)
    if order.status == status:  # as the list showed it: the action left it alone
        return Outcome(order.pk, False, _("already %s") % order.status)
    refund = refunded(order.pk)
    if refund is not None and refund != refund_before:
        return Outcome(
            order.pk,
            True,
            _("now %(status)s, refunded %(amount)s")
            % {"status": changed.status, "amount": shown(refund)},
        )
    return Outcome(order.pk, True, _("now %s") % changed.status)


def apply_bulk(
    *,
    acting_user: Actor,
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
        status = OrderStatus.CANCELED
    elif action == BulkAction.PARTIAL:
        status = OrderStatus.PARTIAL
    orders = Order.objects.filter(pk__in=order_ids[:MAX_ORDERS]).order_by("pk")
    return [_apply_one(acting_user, order, action, status, remains) for order in orders]
