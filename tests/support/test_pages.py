"""Tickets through real HTTP: the customer's pages (plain text, links linked, no internal
notes, only their own tickets), the unread counts, staff's queue and its filters."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from smmpanel.audit.log import Actor
from smmpanel.backoffice import roles
from smmpanel.configuration.current import current
from smmpanel.orders.models import OrderStatus, Refill
from smmpanel.support.actions import add_note, assign_ticket, open_ticket, staff_reply
from smmpanel.support.canned import create_canned_reply
from smmpanel.support.models import Author, Ticket, TicketStatus
from tests.factories import make_account
from tests.support.conftest import order_of

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def staff_member(username: str, group: str = roles.SUPPORT):
    user = get_user_model().objects.create_user(username=username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def ticket_of(account, body="Hello", kind="other", orders=()) -> Ticket:
    return open_ticket(
        account=account,
        kind=kind,
        order_ids=[order.pk for order in orders],
        body=body,
        acting_user=Actor.of_user(account.user),
    )


def test_a_customer_opens_a_refill_ticket_and_reads_the_answer_in_their_language(customer):
    order = order_of(customer, refill=True)
    browser = logged_in(customer.user)
    page = browser.post(
        "/tickets/new/", {"kind": "refill", "orders": f" {order.pk} ", "body": "Isi ulang"}
    )
    ticket = Ticket.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/tickets/{ticket.pk}/"
    assert Refill.objects.filter(order=order).exists()
    html = browser.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f"Pesanan {order.pk}: refill telah diminta." in html
    assert "Balasan otomatis" in html  # "Automatic reply", in Indonesian


def test_another_customers_order_is_a_clear_error_on_the_form(customer):
    stranger, _ = make_account("10")
    theirs = order_of(stranger, refill=True)
    page = logged_in(customer.user).post(
        "/tickets/new/", {"kind": "refill", "orders": str(theirs.pk), "body": "x"}
    )
    assert page.status_code == 400
    assert f"Ini bukan pesanan Anda: {theirs.pk}" in page.content.decode()
    assert not Ticket.objects.exists()


def test_a_message_is_plain_text_with_its_links_made_links(customer):
    body = '<script>alert(1)</script> <b>bold</b> see https://example.com/a?b=1&c=2 "quoted"'
    ticket = ticket_of(customer, body=body)
    html = logged_in(customer.user).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in html
    assert re.search(r'<a href="https://example.com/a\?b=1&amp;c=2" rel="nofollow">', html)
    assert "&quot;quoted&quot;" in html


def test_internal_notes_are_never_shown_to_the_customer(customer):
    ticket = ticket_of(customer)
    alice = staff_member("alice")
    add_note(
        ticket_id=ticket.pk, body="Secret: the provider is late", acting_user=Actor.of_user(alice)
    )
    staff_reply(ticket_id=ticket.pk, body="We are on it", acting_user=Actor.of_user(alice))
    customer_html = logged_in(customer.user).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "We are on it" in customer_html
    assert "Secret" not in customer_html
    staff_html = logged_in(alice).get(f"/backoffice/tickets/{ticket.pk}/").content.decode()
    assert "Secret: the provider is late" in staff_html


def test_a_speed_up_note_is_for_staff_only(customer):
    order = order_of(customer, status=OrderStatus.IN_PROGRESS)
    ticket = ticket_of(customer, kind="speed_up", orders=[order])
    assert ticket.messages.filter(author=Author.SYSTEM, internal=True).exists()
    html = logged_in(customer.user).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Speed up order" not in html


def test_another_customers_ticket_is_not_found(customer):
    ticket = ticket_of(customer)
    other, _ = make_account("0")
    browser = logged_in(other.user)
    assert browser.get(f"/tickets/{ticket.pk}/").status_code == 404
    assert browser.post(f"/tickets/{ticket.pk}/", {"body": "hi"}).status_code == 404
    assert browser.post(f"/tickets/{ticket.pk}/close/").status_code == 404
    assert Ticket.objects.get().messages.count() == 1


def test_the_customer_replies_and_closes(customer):
    ticket = ticket_of(customer)
    browser = logged_in(customer.user)
    assert browser.post(f"/tickets/{ticket.pk}/", {"body": "More"}).status_code == 302
    assert browser.post(f"/tickets/{ticket.pk}/close/").status_code == 302
    assert Ticket.objects.get().status == TicketStatus.CLOSED


def test_unread_answers_are_counted_in_both_menus(customer):
    ticket = ticket_of(customer)
    alice = staff_member("alice")
    staff = logged_in(alice)
    assert re.search(
        r'data-testid="tickets-unread"[^>]*>1<', staff.get("/backoffice/").content.decode()
    )
    staff_reply(ticket_id=ticket.pk, body="Done", acting_user=Actor.of_user(alice))
    browser = logged_in(customer.user)
    assert re.search(
        r'data-testid="tickets-unread"[^>]*>1<', browser.get("/tickets/").content.decode()
    )
    browser.get(f"/tickets/{ticket.pk}/")  # read
    assert "tickets-unread" not in browser.get("/tickets/").content.decode()
    assert "tickets-unread" not in staff.get("/backoffice/").content.decode()


def test_opening_is_rate_limited(customer, settings):
    settings.RATE_LIMIT_TICKETS = "2/m"
    browser = logged_in(customer.user)
    for _ in range(2):
        assert browser.post("/tickets/new/", {"kind": "other", "body": "x"}).status_code == 302
    page = browser.post("/tickets/new/", {"kind": "other", "body": "x"})
    assert page.status_code == 400
    assert "Terlalu banyak tiket baru" in page.content.decode()
    assert Ticket.objects.count() == 2


def queue(client: Client, query: str = "") -> set[int]:
    html = client.get(f"/backoffice/tickets/{query}").content.decode()
    return {int(pk) for pk in re.findall(r'data-ticket="(\d+)"', html)}


def test_the_staff_queue_filters_by_status_kind_assignee_and_search(customer):
    alice, bob = staff_member("alice"), staff_member("bob")
    other, _ = make_account("0", username="siti")
    payment = ticket_of(customer, kind="payment", body="Transfer BCA not credited")
    question = ticket_of(other, body="How do I use the API?")
    answered = ticket_of(other, body="Hello")
    staff_reply(ticket_id=answered.pk, body="Hi", acting_user=Actor.of_user(bob))
    assign_ticket(ticket_id=payment.pk, assignee_id=alice.pk, acting_user=Actor.of_user(alice))
    closed = ticket_of(customer, body="Bye")
    logged_in(customer.user).post(f"/tickets/{closed.pk}/close/")
    order = order_of(customer, refill=False)
    flagged = ticket_of(customer, kind="refill", orders=[order])

    client = logged_in(alice)
    assert queue(client) == {payment.pk, question.pk, answered.pk, flagged.pk}
    assert queue(client, "?status=closed") == {closed.pk}
    assert queue(client, "?status=all") == {
        payment.pk,
        question.pk,
        answered.pk,
        closed.pk,
        flagged.pk,
    }
    assert queue(client, "?status=answered") == {answered.pk}
    assert queue(client, "?kind=payment") == {payment.pk}
    assert queue(client, "?assignee=me") == {payment.pk}
    assert queue(client, f"?assignee={alice.pk}") == {payment.pk}
    assert queue(client, "?assignee=none") == {question.pk, answered.pk, flagged.pk}
    assert queue(client, "?q=bca") == {payment.pk}
    assert queue(client, "?q=siti") == {question.pk, answered.pk}
    assert queue(client, f"?q=%23{question.pk}") == {question.pk}
    assert queue(client, "?flagged=1") == {flagged.pk}


def test_staff_reply_with_a_canned_reply_in_the_customers_language(customer):
    sam = staff_member("sam")
    canned = create_canned_reply(
        language="id", title="Selesai", body="Sudah kami proses.", acting_user=Actor.of_user(sam)
    )
    create_canned_reply(
        language="vi", title="Xong", body="Đã xử lý.", acting_user=Actor.of_user(sam)
    )
    ticket = ticket_of(customer)
    client = logged_in(sam)
    page = client.get(f"/backoffice/tickets/{ticket.pk}/").content.decode()
    assert "Selesai (id)" in page and "Xong (vi)" not in page
    reply = client.post(
        f"/backoffice/tickets/{ticket.pk}/reply/",
        {"canned": str(canned.pk), "body": ""},
    )
    assert reply.status_code == 302
    message = ticket.messages.get(author=Author.STAFF)
    assert (message.body, message.user) == ("Sudah kami proses.", sam)
    assert Ticket.objects.get().status == TicketStatus.ANSWERED


def test_staff_assign_to_themselves_note_and_close_over_http(customer):
    sam = staff_member("sam")
    ticket = ticket_of(customer)
    client = logged_in(sam)
    client.post(f"/backoffice/tickets/{ticket.pk}/assign/", {"assignee": "me"})
    client.post(f"/backoffice/tickets/{ticket.pk}/note/", {"note": "looking"})
    client.post(f"/backoffice/tickets/{ticket.pk}/close/")
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (sam, TicketStatus.CLOSED)
    assert ticket.messages.get(internal=True).body == "looking"


def test_staff_without_the_tickets_permission_are_refused(customer):
    plain = get_user_model().objects.create_user("pat", password="pw", is_staff=True)
    ticket = ticket_of(customer)
    client = logged_in(plain)
    assert client.get("/backoffice/tickets/").status_code == 403
    assert client.post(f"/backoffice/tickets/{ticket.pk}/close/").status_code == 403
    assert Ticket.objects.get().status == TicketStatus.OPEN


def test_the_operator_sets_the_support_settings_in_the_back_office():
    admin = staff_member("root", roles.ADMIN)
    page = logged_in(admin).post(
        "/backoffice/settings/",
        {
            "support_auto_refill": "off",
            "support_auto_cancel": "",
            "support_auto_speed_up": "on",
            "support_open_tickets": "3",
            "support_order_cooldown_hours": "0",
        },
    )
    assert page.status_code == 302
    now = current()
    assert (now.support_auto_refill, now.support_auto_cancel, now.support_auto_speed_up) == (
        False,
        True,
        True,
    )
    assert (now.support_open_tickets, now.support_order_cooldown_hours) == (3, 0)


def test_a_refill_ticket_carries_each_orders_delivery_proof_for_staff(customer):
    order = order_of(customer, refill=True)  # reported: start count 10, then Completed
    ticket = ticket_of(customer, kind="refill", orders=[order])
    staff = logged_in(staff_member("sam"))
    page = staff.get(f"/backoffice/tickets/{ticket.pk}/").content.decode()
    proof = page.split('data-testid="delivery-proofs"')[1].split("</section>")[0]
    assert f"/backoffice/orders/{order.pk}/" in proof and "Completed" in proof
    # The customer's ticket links the order to its own page, where the same proof is shown.
    assert (
        f'href="/orders/{order.pk}/"'
        in logged_in(customer.user).get(f"/tickets/{ticket.pk}/").content.decode()
    )
    other = ticket_of(customer, kind="other")
    assert (
        'data-testid="delivery-proofs"'
        not in staff.get(f"/backoffice/tickets/{other.pk}/").content.decode()
    )
