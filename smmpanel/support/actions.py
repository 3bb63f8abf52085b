"""Every change of a ticket: open, reply (customer or staff), note, assign, close.

Each action locks the ticket, returns early when nothing changes, records its audit entry
(before → after) in its own transaction, and tells others on commit (`support.notify`).
A customer's reply reopens a closed ticket: the customer needs no new ticket to go on.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor, record, snapshot
from smmpanel.configuration.current import current
from smmpanel.support import automation, notify
from smmpanel.support.errors import SupportError, SupportErrorCode
from smmpanel.support.models import (
    AUTOMATED_KINDS,
    MAX_ORDERS,
    ORDER_KINDS,
    Author,
    Ticket,
    TicketKind,
    TicketMessage,
    TicketStatus,
)
from smmpanel.support.text import clean_body

FIELDS = ("status", "assignee", "flagged")


def _user(acting_user: Actor) -> Any:
    """The message's author: the signed-in user behind the actor (none for the CLI)."""
    return acting_user.user


def _state(ticket: Ticket) -> dict[str, Any]:
    return snapshot(ticket, FIELDS)


def _orders_of(account: Account, kind: str, order_ids: list[int]) -> list[int]:
    if kind not in ORDER_KINDS:
        return []
    ids = list(dict.fromkeys(order_ids))  # each once, in the customer's order
    if not ids:
        raise SupportError(SupportErrorCode.ORDERS_REQUIRED)
    if len(ids) > MAX_ORDERS:
        raise SupportError(SupportErrorCode.TOO_MANY_ORDERS, max=MAX_ORDERS)
    own = set(account.orders.filter(pk__in=ids).values_list("pk", flat=True))
    if strangers := [pk for pk in ids if pk not in own]:
        # Another customer's order reads as a missing one: ids can't be probed.
        raise SupportError(
            SupportErrorCode.NOT_YOUR_ORDERS, ids=", ".join(str(pk) for pk in strangers)
        )
    return ids


def open_ticket(
    *, account: Account, kind: str, order_ids: list[int], body: str, acting_user: Actor
) -> Ticket:
    """Open a ticket with its first message; recorded as "ticket.open".

    Refused (SupportError, nothing stored) for an unknown kind, an order kind without orders or
    with orders that are not the customer's, an empty or too long message, or when the
    customer already has the most open tickets allowed (counted under the account's lock).
    A refill, cancel or speed-up ticket is then handled at once (`automation.handle`) when the
    operator allows its kind: its outcome is a system reply, and the ticket waits for staff only
    when some order could not be handled.
    """
    if kind not in TicketKind.values:
        raise SupportError(SupportErrorCode.UNKNOWN_KIND)
    text = clean_body(body)
    ids = _orders_of(account, kind, order_ids)
    limit = current().support_open_tickets
    with transaction.atomic():
        Account.objects.select_for_update().only("pk").get(pk=account.pk)
        if limit and account.tickets.exclude(status=TicketStatus.CLOSED).count() >= limit:
            raise SupportError(SupportErrorCode.TOO_MANY_OPEN, max=limit)
        ticket = Ticket.objects.create(account=account, kind=kind, order_ids=ids)
        TicketMessage.objects.create(
            ticket=ticket, author=Author.CUSTOMER, user=account.user, body=text
        )
        record(acting_user, "ticket.open", obj=ticket, after={**_state(ticket), "kind": kind})
        if kind in AUTOMATED_KINDS and automation.enabled(kind):
            _automate(ticket, account)
        answered = ticket.status == TicketStatus.ANSWERED
        transaction.on_commit(
            lambda: (notify.ticket_answered if answered else notify.ticket_opened)(ticket.pk)
        )
    return ticket


def _automate(ticket: Ticket, account: Account) -> None:
    before = _state(ticket)
    handled = automation.handle(
        ticket_id=ticket.pk, account=account, kind=ticket.kind, order_ids=ticket.order_ids
    )
    TicketMessage.objects.create(ticket=ticket, author=Author.SYSTEM, body=handled.reply)
    if handled.note:
        TicketMessage.objects.create(
            ticket=ticket, author=Author.SYSTEM, body=handled.note, internal=True
        )
    ticket.flagged = handled.waits_for_staff or ticket.kind == TicketKind.SPEED_UP
    ticket.unread_by_customer = True
    if not handled.waits_for_staff:
        ticket.status = TicketStatus.ANSWERED
        ticket.unread_by_staff = ticket.flagged
    ticket.save()
    record(
        Actor.system(),
        "ticket.automation",
        obj=ticket,
        before=before,
        after={**_state(ticket), "outcomes": handled.outcomes},
    )


def _locked(ticket_id: int, account: Account | None = None) -> Ticket:
    """The ticket, locked; Ticket.DoesNotExist when unknown or (for a customer) not theirs."""
    tickets = Ticket.objects.select_for_update()
    if account is not None:
        tickets = tickets.filter(account=account)
    return tickets.get(pk=ticket_id)


def customer_reply(
    *, account: Account, ticket_id: int, body: str, acting_user: Actor
) -> TicketMessage:
    """The customer writes on their ticket: it is open again (a closed one too) and waits for
    staff; recorded as "ticket.reply"."""
    text = clean_body(body)
    with transaction.atomic():
        ticket = _locked(ticket_id, account)
        before = _state(ticket)
        message = TicketMessage.objects.create(
            ticket=ticket, author=Author.CUSTOMER, user=account.user, body=text
        )
        ticket.status = TicketStatus.OPEN
        ticket.unread_by_staff = True
        ticket.save()
        record(acting_user, "ticket.reply", obj=ticket, before=before, after=_state(ticket))
        transaction.on_commit(lambda: notify.ticket_opened(ticket.pk))
    return message


def staff_reply(*, ticket_id: int, body: str, acting_user: Actor) -> TicketMessage:
    """Staff answer the customer: the ticket is answered (a closed one too) and no longer
    flagged; recorded as "ticket.reply"; the customer is told on commit."""
    text = clean_body(body)
    with transaction.atomic():
        ticket = _locked(ticket_id)
        before = _state(ticket)
        message = TicketMessage.objects.create(
            ticket=ticket, author=Author.STAFF, user=_user(acting_user), body=text
        )
        ticket.status = TicketStatus.ANSWERED
        ticket.flagged = False
        ticket.unread_by_customer = True
        ticket.unread_by_staff = False
        ticket.save()
        record(acting_user, "ticket.reply", obj=ticket, before=before, after=_state(ticket))
        transaction.on_commit(lambda: notify.ticket_answered(ticket.pk))
    return message


def add_note(*, ticket_id: int, body: str, acting_user: Actor) -> TicketMessage:
    """An internal note on a ticket: staff see it, the customer never does; recorded as
    "ticket.note". The ticket's status stays as it is."""
    text = clean_body(body)
    with transaction.atomic():
        ticket = _locked(ticket_id)
        message = TicketMessage.objects.create(
            ticket=ticket,
            author=Author.STAFF,
            user=_user(acting_user),
            body=text,
            internal=True,
        )
        record(acting_user, "ticket.note", obj=ticket, after={"message": message.pk})
    return message


def close_ticket(*, ticket_id: int, acting_user: Actor, account: Account | None = None) -> Ticket:
    """Close a ticket (staff, or its customer when `account` is given); recorded as
    "ticket.close". A closed ticket is left alone, with no entry."""
    with transaction.atomic():
        ticket = _locked(ticket_id, account)
        if ticket.status == TicketStatus.CLOSED:
            return ticket
        before = _state(ticket)
        ticket.status = TicketStatus.CLOSED
        ticket.flagged = False
        ticket.save()
        record(acting_user, "ticket.close", obj=ticket, before=before, after=_state(ticket))
    return ticket


def assign_ticket(*, ticket_id: int, assignee_id: int | None, acting_user: Actor) -> Ticket:
    """Give a ticket to a member of staff (None: to nobody); recorded as "ticket.assign".
    SupportError NOT_STAFF for anyone else; the same assignee again writes nothing."""
    if assignee_id is not None and not (
        get_user_model().objects.filter(pk=assignee_id, is_staff=True, is_active=True).exists()
    ):
        raise SupportError(SupportErrorCode.NOT_STAFF)
    with transaction.atomic():
        ticket = _locked(ticket_id)
        if ticket.assignee_id == assignee_id:
            return ticket
        before = _state(ticket)
        ticket.assignee_id = assignee_id
        ticket.save()
        record(acting_user, "ticket.assign", obj=ticket, before=before, after=_state(ticket))
    return ticket


def mark_read(*, ticket_id: int, by_staff: bool) -> None:
    """One side opened the ticket: nothing new for it any more. A read mark, not a decision:
    no audit entry."""
    field = "unread_by_staff" if by_staff else "unread_by_customer"
    Ticket.objects.filter(pk=ticket_id, **{field: True}).update(**{field: False})
