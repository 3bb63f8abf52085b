"""The ticket actions called directly: each records its audit entry, refuses what it must, and
does nothing (no entry) when nothing changes."""

import pytest
from django.contrib.auth import get_user_model

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.configuration.operations import update_settings
from smmpanel.support.actions import (
    add_note,
    assign_ticket,
    close_ticket,
    customer_reply,
    open_ticket,
    staff_reply,
)
from smmpanel.support.canned import (
    create_canned_reply,
    delete_canned_reply,
    update_canned_reply,
)
from smmpanel.support.errors import SupportError, SupportErrorCode
from smmpanel.support.models import BODY_MAX_LENGTH, CannedReply, Ticket, TicketStatus
from tests.factories import make_account
from tests.orders.operators import operator

pytestmark = pytest.mark.django_db


def question(account, body="Where is my money?", kind="payment") -> Ticket:
    return open_ticket(
        account=account, kind=kind, order_ids=[], body=body, acting_user=Actor.of_user(account.user)
    )


def last_entry() -> AuditEntry:
    return AuditEntry.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_open_ticket_records_the_new_ticket(customer):
    ticket = question(customer)
    entry = last_entry()
    assert (entry.action, entry.actor_name) == ("ticket.open", "budi")
    assert (entry.object_type, entry.object_id) == ("support.ticket", str(ticket.pk))
    assert entry.after == {"status": "open", "assignee": None, "flagged": False, "kind": "payment"}
    assert ticket.messages.get().body == "Where is my money?"


def test_a_customer_may_have_at_most_the_set_number_of_open_tickets(customer):
    update_settings(acting_user=Actor.system(), support_open_tickets=2)
    first = question(customer)
    question(customer)
    with pytest.raises(SupportError) as refused:
        question(customer)
    assert refused.value.code == SupportErrorCode.TOO_MANY_OPEN
    assert refused.value.message.startswith("You already have 2 open tickets")
    close_ticket(ticket_id=first.pk, acting_user=operator())
    question(customer)  # a closed one no longer counts
    assert customer.tickets.count() == 3


def test_the_default_limit_is_five_open_tickets(customer):
    for _ in range(5):
        question(customer)
    with pytest.raises(SupportError):
        question(customer)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("   \n ", SupportErrorCode.EMPTY_MESSAGE),
        ("x" * (BODY_MAX_LENGTH + 1), SupportErrorCode.MESSAGE_TOO_LONG),
    ],
)
def test_an_empty_or_too_long_message_is_refused(customer, body, code):
    with pytest.raises(SupportError) as refused:
        question(customer, body=body)
    assert refused.value.code == code
    assert not Ticket.objects.exists()


def test_an_order_ticket_needs_its_orders(customer):
    with pytest.raises(SupportError) as refused:
        question(customer, kind="refill")
    assert refused.value.code == SupportErrorCode.ORDERS_REQUIRED


def test_staff_reply_answers_and_a_customer_reply_reopens_even_a_closed_ticket(customer):
    ticket = question(customer)
    staff_reply(ticket_id=ticket.pk, body="Credited.", acting_user=operator())
    entry = last_entry()
    assert (entry.action, entry.actor_name) == ("ticket.reply", "alice")
    assert (entry.before["status"], entry.after["status"]) == ("open", "answered")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ANSWERED and ticket.unread_by_customer

    close_ticket(ticket_id=ticket.pk, account=customer, acting_user=Actor.of_user(customer.user))
    entry = last_entry()
    assert (entry.action, entry.actor_name, entry.after["status"]) == (
        "ticket.close",
        "budi",
        "closed",
    )
    customer_reply(
        account=customer,
        ticket_id=ticket.pk,
        body="One more thing",
        acting_user=Actor.of_user(customer.user),
    )
    entry = last_entry()
    assert (entry.action, entry.before["status"], entry.after["status"]) == (
        "ticket.reply",
        "closed",
        "open",
    )
    assert Ticket.objects.get(pk=ticket.pk).unread_by_staff


def test_closing_a_closed_ticket_writes_nothing(customer):
    ticket = question(customer)
    close_ticket(ticket_id=ticket.pk, acting_user=operator())
    count = AuditEntry.objects.count()
    close_ticket(ticket_id=ticket.pk, acting_user=operator())
    assert AuditEntry.objects.count() == count


def test_a_customer_can_not_reply_to_or_close_another_customers_ticket(customer):
    ticket = question(customer)
    other, _ = make_account("0")
    with pytest.raises(Ticket.DoesNotExist):
        customer_reply(
            account=other, ticket_id=ticket.pk, body="hi", acting_user=Actor.of_user(other.user)
        )
    with pytest.raises(Ticket.DoesNotExist):
        close_ticket(ticket_id=ticket.pk, account=other, acting_user=Actor.of_user(other.user))


def test_add_note_records_it_and_leaves_the_status(customer):
    ticket = question(customer)
    note = add_note(ticket_id=ticket.pk, body="Checked the bank.", acting_user=operator())
    assert note.internal
    entry = last_entry()
    assert (entry.action, entry.after) == ("ticket.note", {"message": note.pk})
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.OPEN


def test_assign_ticket_records_the_assignee_and_only_staff_can_be_assigned(customer):
    ticket = question(customer)
    bob = get_user_model().objects.create_user("bob", is_staff=True)
    assign_ticket(ticket_id=ticket.pk, assignee_id=bob.pk, acting_user=operator())
    entry = last_entry()
    assert (entry.action, entry.before["assignee"], entry.after["assignee"]) == (
        "ticket.assign",
        None,
        bob.pk,
    )
    count = AuditEntry.objects.count()
    assign_ticket(ticket_id=ticket.pk, assignee_id=bob.pk, acting_user=operator())
    assert AuditEntry.objects.count() == count
    with pytest.raises(SupportError) as refused:
        assign_ticket(ticket_id=ticket.pk, assignee_id=customer.user.pk, acting_user=operator())
    assert refused.value.code == SupportErrorCode.NOT_STAFF


def test_canned_replies_are_created_changed_and_deleted_with_their_entries():
    reply = create_canned_reply(
        language="id", title="Refill", body="Refill sedang diproses.", acting_user=operator()
    )
    assert (last_entry().action, last_entry().after["title"]) == ("canned_reply.create", "Refill")
    update_canned_reply(
        canned_id=reply.pk,
        language="id",
        title="Refill",
        body="Refill diproses.",
        acting_user=operator(),
    )
    entry = last_entry()
    assert (entry.action, entry.before["body"], entry.after["body"]) == (
        "canned_reply.update",
        "Refill sedang diproses.",
        "Refill diproses.",
    )
    with pytest.raises(SupportError) as refused:
        create_canned_reply(language="id", title="Refill", body="x", acting_user=operator())
    assert refused.value.code == SupportErrorCode.DUPLICATE_TITLE
    delete_canned_reply(canned_id=reply.pk, acting_user=operator())
    assert (last_entry().action, last_entry().before["title"]) == ("canned_reply.delete", "Refill")
    assert not CannedReply.objects.exists()


def test_a_canned_reply_needs_a_known_language():
    with pytest.raises(SupportError) as refused:
        create_canned_reply(language="xx", title="T", body="x", acting_user=operator())
    assert refused.value.code == SupportErrorCode.UNKNOWN_LANGUAGE
