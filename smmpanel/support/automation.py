"""Support automation: a refill, cancel or speed-up ticket is handled at once, order by order.

Each order is checked (the customer's, its service allows it, the refill window, no request
already open, the cooldown) and acted on through the same domain actions as the API
(`request_refill`, `request_cancel`: the worker forwards them upstream). A speed-up becomes an
internal note for staff. What the automation can't do is left to a person. Runs inside the
ticket's transaction (`actions.open_ticket`); it decides, the pages only show.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from smmpanel.accounts.models import Account
from smmpanel.configuration.current import current
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import FINAL_STATUSES, Order
from smmpanel.orders.refills import request_refill
from smmpanel.providers.models import UpstreamOrder
from smmpanel.support.models import OrderOutcome, Outcome, TicketKind

# What an order action's refusal means for the customer.
REFUSALS = {
    OrderErrorCode.INCORRECT_ORDER: Outcome.NOT_YOURS,
    OrderErrorCode.REFILL_NOT_AVAILABLE: Outcome.NOT_AVAILABLE,
    OrderErrorCode.CANCEL_NOT_AVAILABLE: Outcome.NOT_AVAILABLE,
    OrderErrorCode.ORDER_NOT_COMPLETED: Outcome.NOT_COMPLETED,
    OrderErrorCode.REFILL_EXPIRED: Outcome.EXPIRED,
    OrderErrorCode.REFILL_PENDING: Outcome.PENDING,
    OrderErrorCode.CANCEL_PENDING: Outcome.PENDING,
    OrderErrorCode.ORDER_FINAL: Outcome.FINISHED,
}


@dataclass(frozen=True)
class Handled:
    """The automation's work on one ticket: an outcome per order, the customer's reply, the
    staff's note (speed-ups), and whether a person still has to look."""

    outcomes: dict[int, str]
    reply: str
    note: str
    waits_for_staff: bool


def enabled(kind: str) -> bool:
    """Whether the operator lets the panel handle this kind of ticket by itself."""
    now = current()
    return {
        TicketKind.REFILL: now.support_auto_refill,
        TicketKind.CANCEL: now.support_auto_cancel,
        TicketKind.SPEED_UP: now.support_auto_speed_up,
    }.get(kind, False)  # type: ignore[call-overload]


def _cooling_down(order_id: int, kind: str) -> bool:
    hours = current().support_order_cooldown_hours
    if not hours:
        return False
    since = timezone.now() - timedelta(hours=hours)
    return OrderOutcome.objects.filter(
        order_id=order_id, kind=kind, outcome=Outcome.DONE, created_at__gte=since
    ).exists()


def _act(kind: str, account: Account, order: Order) -> str:
    try:
        if kind == TicketKind.REFILL:
            request_refill(account=account, order=order)
        elif kind == TicketKind.CANCEL:
            request_cancel(account=account, order=order)
        elif order.status in FINAL_STATUSES:
            return Outcome.FINISHED
    except OrderError as error:
        return REFUSALS.get(error.code, Outcome.UNDECIDED)
    return Outcome.DONE


def _upstream(order: Order) -> str:
    """Where a speed-up has to be asked for: the provider and its id of the order."""
    attempt = (
        UpstreamOrder.objects.filter(order=order).select_related("provider").order_by("-pk").first()
    )
    if attempt is None:
        return _("no provider: the panel fulfils it")
    return _("provider %(provider)s, its order %(upstream)s") % {
        "provider": attempt.provider.name,
        "upstream": attempt.upstream_id or "?",
    }


def _line(kind: str, outcome: str, order_id: int) -> str:
    """One order's outcome, as the customer reads it (in the active language)."""
    done = {
        TicketKind.REFILL: _("Order %(id)s: a refill is requested."),
        TicketKind.CANCEL: _(
            "Order %(id)s: a cancel is requested; the refund follows once it is confirmed."
        ),
        TicketKind.SPEED_UP: _("Order %(id)s: we asked for it to be sped up."),
    }
    refused = {
        Outcome.NOT_YOURS: _("Order %(id)s: not an order of yours."),
        Outcome.NOT_COMPLETED: _("Order %(id)s: a refill is possible once it is completed."),
        Outcome.EXPIRED: _("Order %(id)s: the service's refill window is over."),
        Outcome.FINISHED: _("Order %(id)s: it is already finished."),
        Outcome.COOLDOWN: _("Order %(id)s: asked for too recently; staff will look at it."),
        Outcome.UNDECIDED: _("Order %(id)s: staff will look at it."),
    }
    if outcome == Outcome.DONE:
        text = done[kind]  # type: ignore[index]
    elif outcome == Outcome.NOT_AVAILABLE:
        text = (
            _("Order %(id)s: its service offers no refill.")
            if kind == TicketKind.REFILL
            else _("Order %(id)s: its service can't be canceled.")
        )
    elif outcome == Outcome.PENDING:
        text = (
            _("Order %(id)s: a refill is already in progress.")
            if kind == TicketKind.REFILL
            else _("Order %(id)s: a cancel is already requested.")
        )
    else:
        text = refused[outcome]  # type: ignore[index]
    return text % {"id": order_id}


def handle(*, ticket_id: int, account: Account, kind: str, order_ids: list[int]) -> Handled:
    """Act on each order of a new ticket and record its outcome (`OrderOutcome`).

    The reply is in the customer's language (their profile's, else the page's). Call it inside
    the ticket's transaction: the requests it makes commit with the ticket, or not at all.
    """
    orders = {
        order.pk: order
        for order in Order.objects.filter(account=account, pk__in=order_ids).select_related(
            "service"
        )
    }
    outcomes: dict[int, str] = {}
    notes = []
    for order_id in order_ids:
        order = orders.get(order_id)
        outcome: str
        if order is None:
            outcome = Outcome.NOT_YOURS
        elif _cooling_down(order_id, kind):
            outcome = Outcome.COOLDOWN
        else:
            outcome = _act(kind, account, order)
        if order is not None and kind == TicketKind.SPEED_UP and outcome == Outcome.DONE:
            with translation.override(settings.LANGUAGE_CODE):
                notes.append(
                    _("Speed up order %(id)s (%(service)s): %(where)s.")
                    % {"id": order_id, "service": order.service.name, "where": _upstream(order)}
                )
        outcomes[order_id] = outcome
        OrderOutcome.objects.create(
            ticket_id=ticket_id, order_id=order_id, kind=kind, outcome=outcome
        )
    waits = any(outcome != Outcome.DONE for outcome in outcomes.values())
    with translation.override(
        account.language or translation.get_language() or settings.LANGUAGE_CODE
    ):
        lines = [_line(kind, outcomes[order_id], order_id) for order_id in order_ids]
        if waits:
            lines.append(_("Staff will look at the rest of this ticket."))
        reply = "\n".join(lines)
    return Handled(outcomes=outcomes, reply=reply, note="\n".join(notes), waits_for_staff=waits)
