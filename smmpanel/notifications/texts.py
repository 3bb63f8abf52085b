"""The text of each kind of message, rendered when it is sent in the recipient's language.

A row holds its kind and its params (plain strings and numbers); amounts (`MONEY` keys) are shown
with the language's separators and statuses (`STATUS` keys) by their translated label.
"""

import contextlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from smmpanel.money import shown
from smmpanel.orders.models import OrderStatus, RefillStatus
from smmpanel.support.models import TicketKind

# What customers hear of (each can be turned off in the profile).
PAYMENT_CREDITED = "payment_credited"
ORDER_COMPLETED = "order_completed"
ORDER_PARTIAL = "order_partial"
ORDER_CANCELED = "order_canceled"
REFILL_FINISHED = "refill_finished"
TICKET_ANSWERED = "ticket_answered"
CUSTOMER_KINDS = (
    PAYMENT_CREDITED,
    ORDER_COMPLETED,
    ORDER_PARTIAL,
    ORDER_CANCELED,
    REFILL_FINISHED,
    TICKET_ANSWERED,
)
# What operators hear of.
PAYMENT_WAITING = "payment_waiting"
PROVIDER_BALANCE_LOW = "provider_balance_low"
ORDERS_IN_REVIEW = "orders_in_review"
PROVIDER_REFUSING = "provider_refusing"
NEW_TICKET = "new_ticket"
WORKER_DOWN = "worker_down"
OPERATOR_KINDS = (
    PAYMENT_WAITING,
    PROVIDER_BALANCE_LOW,
    ORDERS_IN_REVIEW,
    PROVIDER_REFUSING,
    NEW_TICKET,
    WORKER_DOWN,
)

MONEY = ("amount", "bonus", "refund")
# Shown by their label: a status, or the kind of a ticket (its subject).
STATUS = {"status": OrderStatus, "refill_status": RefillStatus, "subject": TicketKind}


@dataclass(frozen=True)
class Text:
    subject: Promise
    body: Promise


TEXTS: dict[str, Text] = {
    PAYMENT_CREDITED: Text(
        _("Payment %(payment)s credited"),
        _("Your payment %(payment)s of %(amount)s is credited to your balance."),
    ),
    ORDER_COMPLETED: Text(
        _("Order %(order)s completed"),
        _("Your order %(order)s (%(service)s) is completed."),
    ),
    ORDER_PARTIAL: Text(
        _("Order %(order)s partially completed"),
        _(
            "Your order %(order)s (%(service)s) ended partially completed: %(remains)s not "
            "delivered. Refunded to your balance: %(refund)s."
        ),
    ),
    ORDER_CANCELED: Text(
        _("Order %(order)s canceled"),
        _("Your order %(order)s (%(service)s) is canceled. Refunded to your balance: %(refund)s."),
    ),
    REFILL_FINISHED: Text(
        _("Refill of order %(order)s: %(refill_status)s"),
        _("The refill %(refill)s of your order %(order)s ended: %(refill_status)s."),
    ),
    TICKET_ANSWERED: Text(
        _("Ticket %(ticket)s answered"),
        _("Your ticket %(ticket)s (%(subject)s) has a new answer. Open the panel to read it."),
    ),
    PAYMENT_WAITING: Text(
        _("Payment %(payment)s waits for approval"),
        _(
            "%(username)s sent payment %(payment)s of %(amount)s by %(method)s (reference "
            "%(reference)s). Check it and approve or reject it in the back-office."
        ),
    ),
    PROVIDER_BALANCE_LOW: Text(
        _("Provider %(provider)s: balance low"),
        _(
            "The balance at provider %(provider)s is %(balance)s %(currency)s, at or below "
            "%(threshold)s. Add funds there before orders fail."
        ),
    ),
    ORDERS_IN_REVIEW: Text(
        _("%(count)s orders need review"),
        _(
            "The outcome of sending these orders to their provider is unknown: %(orders)s. "
            "Check with the provider and decide in the back-office."
        ),
    ),
    PROVIDER_REFUSING: Text(
        _("Provider %(provider)s refuses orders"),
        _(
            "Provider %(provider)s refused the last %(count)s orders sent to it. The last "
            "reason: %(reason)s"
        ),
    ),
    NEW_TICKET: Text(
        _("New ticket %(ticket)s"),
        _("%(username)s opened ticket %(ticket)s: %(subject)s"),
    ),
    WORKER_DOWN: Text(
        _("The worker is not running"),
        _(
            "No worker has passed over due work since %(since)s: orders, payments and "
            "messages wait. Start `smmpanel worker`."
        ),
    ),
}


def _shown_params(params: dict) -> dict:
    values = {}
    for name, value in params.items():
        if name in MONEY:
            with contextlib.suppress(InvalidOperation):
                value = shown(Decimal(str(value)))
        elif name in STATUS:
            choices = STATUS[name]
            value = choices(value).label if value in choices.values else value
        values[name] = str(value)
    return values


def render(kind: str, params: dict, language: str) -> tuple[str, str]:
    """(subject, body) of a message of `kind` in `language`; KeyError for an unknown kind."""
    text = TEXTS[kind]
    with translation.override(language):
        values = _shown_params(params)
        return str(text.subject) % values, str(text.body) % values
