"""At 360 px, the ticket pages of both sides fit the screen, in Vietnamese (the longest of the
three), with a long link and a long word in a message; and the message stays text."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from smmpanel.audit.log import Actor
from smmpanel.orders.models import OrderStatus
from smmpanel.support.actions import add_note, open_ticket, staff_reply
from smmpanel.support.canned import create_canned_reply
from tests.browser.conftest import PHONE
from tests.support.conftest import order_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long Passphrase 42"
BODY = "Đơn chậm quá 😭 https://instagram.com/" + "a" * 200 + "\n<b>" + "x" * 150 + "</b>"


def logged_in(chromium, server, path: str, username: str, submit: str):
    page = chromium.new_page(viewport=PHONE)
    page.goto(f"{server.url}{path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click(submit)
    page.wait_for_load_state()
    return page


def fits(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok and response.url == url, url
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{url} is {width} px wide"


def test_ticket_pages_fit_a_phone(panel_server, chromium, customer):
    customer.language = "vi"
    customer.user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    customer.user.save(update_fields=["password"])
    customer.save(update_fields=["language"])
    orders = [order_of(customer, refill=True), order_of(customer, status=OrderStatus.PENDING)]
    ticket = open_ticket(
        account=customer,
        kind="refill",
        order_ids=[order.pk for order in orders],
        body=BODY,
        acting_user=Actor.of_user(customer.user),
    )
    staff = get_user_model().objects.create_superuser(username="operator")
    staff.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    staff.save(update_fields=["password"])
    add_note(ticket_id=ticket.pk, body="y" * 300, acting_user=Actor.of_user(staff))
    staff_reply(ticket_id=ticket.pk, body="Đã xử lý " + "z" * 200, acting_user=Actor.of_user(staff))
    create_canned_reply(
        language="vi", title="Xin chào " * 10, body="Đã xử lý.", acting_user=Actor.of_user(staff)
    )

    page = logged_in(chromium, panel_server, "/accounts/login/", "budi", "button[type=submit]")
    for path in ("/tickets/", "/tickets/new/", f"/tickets/{ticket.pk}/"):
        fits(page, f"{panel_server.url}{path}")
    assert "<b>" in page.locator("li[data-author=customer] .pre").inner_text()
    page.close()

    page = logged_in(
        chromium,
        panel_server,
        "/admin/login/?next=/backoffice/",
        "operator",
        "input[type=submit]",
    )
    # The back-office in Vietnamese too.
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "vi", "url": panel_server.url}]
    )
    for path in (
        "/backoffice/tickets/",
        f"/backoffice/tickets/{ticket.pk}/",
        "/backoffice/tickets/canned/",
    ):
        fits(page, f"{panel_server.url}{path}")
    page.close()
