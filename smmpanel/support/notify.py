"""What the support actions tell others, after their transaction committed (`on_commit`).

"Ticket answered" goes to the customer and "new ticket" to the operators, through the outbox
(smmpanel/notifications/outbox.py): rows written here, sent by the worker. Written after the
ticket's commit (the actions call these on commit): a process killed in between loses the
message, never the ticket.
"""

from smmpanel.notifications.outbox import (
    NEW_TICKET,
    TICKET_ANSWERED,
    notify_customer,
    notify_operators,
)
from smmpanel.support.models import Ticket


def ticket_answered(ticket_id: int) -> None:
    """Staff (or the automation) answered the customer's ticket."""
    ticket = Ticket.objects.select_related("account").get(pk=ticket_id)
    notify_customer(
        account=ticket.account,
        kind=TICKET_ANSWERED,
        params={"ticket": ticket.pk, "subject": ticket.kind},
    )


def ticket_opened(ticket_id: int) -> None:
    """A customer opened a ticket that waits for staff."""
    ticket = Ticket.objects.select_related("account__user").get(pk=ticket_id)
    notify_operators(
        kind=NEW_TICKET,
        params={
            "ticket": ticket.pk,
            "username": ticket.account.user.get_username(),
            "subject": ticket.kind,
        },
    )
