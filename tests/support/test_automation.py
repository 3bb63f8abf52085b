"""Support automation, through `open_ticket`: a refill, cancel or speed-up ticket is handled at
once for each order it names, its outcome posted in the customer's language; what can't be done
waits for staff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.models import Fulfilment
from smmpanel.configuration.operations import update_settings
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.models import CancelRequest, Order, OrderStatus, Refill, RefillStatus
from smmpanel.orders.refills import report_refill_status, request_refill
from smmpanel.support.actions import open_ticket
from smmpanel.support.errors import SupportError, SupportErrorCode
from smmpanel.support.models import Author, OrderOutcome, Outcome, Ticket, TicketStatus
from tests.factories import make_account
from tests.support.conftest import order_of

pytestmark = pytest.mark.django_db


def ticket_for(account, kind, *orders, body="Tolong"):
    return open_ticket(
        account=account,
        kind=kind,
        order_ids=[order.pk if isinstance(order, Order) else order for order in orders],
        body=body,
        acting_user=Actor.of_user(account.user),
    )


def system_reply(ticket: Ticket) -> str:
    return ticket.messages.get(author=Author.SYSTEM, internal=False).body


def outcomes(ticket: Ticket) -> dict[int, str]:
    return dict(ticket.outcomes.values_list("order_id", "outcome"))


def test_a_refill_ticket_requests_the_refill_and_answers_in_the_customers_language(customer):
    order = order_of(customer, refill=True, refill_days=30)
    ticket = ticket_for(customer, "refill", order)
    refill = Refill.objects.get(order=order)
    assert refill.status == RefillStatus.PENDING
    assert outcomes(ticket) == {order.pk: Outcome.DONE}
    assert system_reply(ticket) == f"Pesanan {order.pk}: refill telah diminta."
    ticket.refresh_from_db()
    assert (ticket.status, ticket.flagged) == (TicketStatus.ANSWERED, False)
    assert ticket.unread_by_customer


def test_the_reply_is_vietnamese_for_a_vietnamese_customer(customer):
    customer.language = "vi"
    customer.save()
    order = order_of(customer, refill=True)
    ticket = ticket_for(customer, "refill", order)
    assert system_reply(ticket) == f"Đơn hàng {order.pk}: đã gửi yêu cầu bảo hành."


def test_each_refusal_gets_its_own_outcome_and_the_ticket_waits_for_staff(customer):
    eligible = order_of(customer, refill=True)
    no_refill = order_of(customer, refill=False)
    running = order_of(customer, status=OrderStatus.IN_PROGRESS, refill=True)
    expired = order_of(customer, refill=True, refill_days=7)
    Order.objects.filter(pk=expired.pk).update(completed_at=timezone.now() - timedelta(days=8))
    pending = order_of(customer, refill=True)
    request_refill(account=customer, order=pending)  # through the API, say
    ticket = ticket_for(customer, "refill", eligible, no_refill, running, expired, pending)
    assert outcomes(ticket) == {
        eligible.pk: Outcome.DONE,
        no_refill.pk: Outcome.NOT_AVAILABLE,
        running.pk: Outcome.NOT_COMPLETED,
        expired.pk: Outcome.EXPIRED,
        pending.pk: Outcome.PENDING,
    }
    assert system_reply(ticket).splitlines() == [
        f"Pesanan {eligible.pk}: refill telah diminta.",
        f"Pesanan {no_refill.pk}: layanannya tidak menyediakan refill.",
        f"Pesanan {running.pk}: refill bisa diminta setelah pesanan selesai.",
        f"Pesanan {expired.pk}: masa refill layanan ini sudah lewat.",
        f"Pesanan {pending.pk}: refill sedang berjalan.",
        "Staf kami akan menangani sisa tiket ini.",
    ]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.flagged, ticket.unread_by_staff) == (
        TicketStatus.OPEN,
        True,
        True,
    )
    assert Refill.objects.filter(order__account=customer).count() == 2


def test_another_customers_order_is_refused_with_a_clear_error_and_nothing_stored(customer):
    stranger, _ = make_account("10")
    theirs = order_of(stranger, refill=True)
    mine = order_of(customer, refill=True)
    with pytest.raises(SupportError) as refused:
        ticket_for(customer, "refill", mine, theirs, 999999)
    assert refused.value.code == SupportErrorCode.NOT_YOUR_ORDERS
    assert refused.value.message == f"These are not orders of yours: {theirs.pk}, 999999"
    assert not Ticket.objects.exists() and not Refill.objects.exists()


def test_an_order_handled_recently_waits_for_staff_until_the_cooldown_is_over(customer):
    order = order_of(customer, refill=True)
    first = ticket_for(customer, "refill", order)
    report_refill_status(refill_id=Refill.objects.get().pk, status=RefillStatus.COMPLETED)
    again = ticket_for(customer, "refill", order)
    assert outcomes(again) == {order.pk: Outcome.COOLDOWN}
    assert Refill.objects.count() == 1
    assert Ticket.objects.get(pk=again.pk).status == TicketStatus.OPEN
    # A day later (the default cooldown), the order may be refilled again.
    OrderOutcome.objects.filter(ticket=first).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    third = ticket_for(customer, "refill", order)
    assert outcomes(third) == {order.pk: Outcome.DONE}
    assert Refill.objects.count() == 2


def test_a_cancel_ticket_requests_the_cancel_or_says_why_not(customer):
    running = order_of(customer, status=OrderStatus.IN_PROGRESS, cancel=True)
    no_cancel = order_of(customer, status=OrderStatus.IN_PROGRESS, cancel=False)
    finished = order_of(customer, cancel=True)
    asked = order_of(customer, status=OrderStatus.PENDING, cancel=True)
    request_cancel(account=customer, order=asked)
    ticket = ticket_for(customer, "cancel", running, no_cancel, finished, asked)
    assert outcomes(ticket) == {
        running.pk: Outcome.DONE,
        no_cancel.pk: Outcome.NOT_AVAILABLE,
        finished.pk: Outcome.FINISHED,
        asked.pk: Outcome.PENDING,
    }
    assert CancelRequest.objects.filter(order=running).exists()
    assert system_reply(ticket).splitlines()[:4] == [
        f"Pesanan {running.pk}: pembatalan telah diminta; dana dikembalikan setelah dikonfirmasi.",
        f"Pesanan {no_cancel.pk}: layanannya tidak dapat dibatalkan.",
        f"Pesanan {finished.pk}: pesanan sudah selesai.",
        f"Pesanan {asked.pk}: pembatalan sudah diminta.",
    ]
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.OPEN


def test_a_cancel_of_every_order_answers_the_ticket(customer):
    order = order_of(customer, status=OrderStatus.PENDING, cancel=True)
    ticket = ticket_for(customer, "cancel", order)
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.ANSWERED
    assert CancelRequest.objects.filter(order=order).exists()


def test_a_speed_up_is_a_note_for_staff_and_an_answer_for_the_customer(customer):
    order = order_of(customer, status=OrderStatus.IN_PROGRESS, fulfilment=Fulfilment.MANUAL)
    done = order_of(customer)
    ticket = ticket_for(customer, "speed_up", order, done)
    assert outcomes(ticket) == {order.pk: Outcome.DONE, done.pk: Outcome.FINISHED}
    note = ticket.messages.get(internal=True)
    assert note.author == Author.SYSTEM
    assert note.body == (
        f"Speed up order {order.pk} ({order.service.name}): no provider: the panel fulfils it."
    )
    assert system_reply(ticket).splitlines()[0] == (
        f"Pesanan {order.pk}: kami sudah meminta agar pesanan ini dipercepat."
    )
    assert Ticket.objects.get(pk=ticket.pk).flagged


@pytest.mark.parametrize(
    ("kind", "switch"),
    [
        ("refill", "support_auto_refill"),
        ("cancel", "support_auto_cancel"),
        ("speed_up", "support_auto_speed_up"),
    ],
)
def test_a_kind_the_operator_turned_off_waits_for_staff(customer, kind, switch):
    update_settings(acting_user=Actor.system(), **{switch: False})
    order = order_of(customer, status=OrderStatus.IN_PROGRESS, refill=True, cancel=True)
    ticket = ticket_for(customer, kind, order)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN and ticket.unread_by_staff
    assert not ticket.outcomes.exists()
    assert list(ticket.messages.values_list("author", flat=True)) == [Author.CUSTOMER]
    assert not Refill.objects.exists() and not CancelRequest.objects.exists()


def test_the_automation_records_its_outcomes_as_the_system(customer):
    order = order_of(customer, refill=True)
    ticket = ticket_for(customer, "refill", order)
    entry = AuditEntry.objects.get(action="ticket.automation")
    assert (entry.actor_name, entry.object_id) == ("system", str(ticket.pk))
    assert entry.before["status"] == "open"
    assert entry.after["status"] == "answered"
    assert entry.after["outcomes"] == {str(order.pk): "done"}
