"""A customer's whole journey in a real browser, at phone width, against `smmpanel serve`:
sign up, add funds by bank transfer, the operator approves in the back-office, three kinds of
order, the orders list, a cancel request, and the balance on the page equal to the ledger."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from smmpanel.accounts.ledger import ledger_total
from smmpanel.accounts.models import Account
from smmpanel.catalog.order_types import OrderType
from smmpanel.money import display
from smmpanel.orders.models import CancelRequest, Order
from smmpanel.payments.models import PaymentMethod
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_service

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long Passphrase 42"


def shown(amount: Decimal) -> str:
    """What the page shows for an amount, in English: grouped, the currency's decimals."""
    return display(amount, settings.CURRENCY)


def place(page, url: str, service_pk: int, fields: dict[str, str], charge: Decimal) -> int:
    """Choose the service, fill its fields, wait for the live charge, place, read the id."""
    page.goto(f"{url}/")
    page.select_option("#id_service", str(service_pk))
    page.wait_for_selector("#id_link")
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    page.wait_for_function(
        "text => document.querySelector('[data-testid=charge]')?.textContent === text",
        arg=shown(charge),
    )
    page.click("button:has-text('Place order')")
    message = page.locator(".message.order-placed").inner_text()
    return int(re.search(r"Order (\d+) received", message).group(1))


def test_customer_journey(panel_server, chromium):
    url = panel_server.url
    default = make_service(
        name="Instagram Followers", rate=Decimal("0.90"), cancel=True, dripfeed=True
    )
    comments = make_service(
        name="Instagram Custom Comments",
        type=OrderType.CUSTOM_COMMENTS,
        rate=Decimal("8"),
        min_quantity=1,
        max_quantity=1000,
    )
    PaymentMethod.objects.create(
        name="Bank transfer", gateway="manual", instructions="BCA 123-456-789"
    )
    # The server checks passwords with the production hashers, not the tests' fast one.
    get_user_model().objects.create_superuser(
        "operator", "", password=None
    ).__class__.objects.filter(username="operator").update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )

    customer = chromium.new_page(viewport=PHONE)
    # Sign up.
    customer.goto(f"{url}/accounts/signup/")
    customer.fill("#id_username", "rina")
    customer.fill("#id_email", "rina@example.com")
    customer.fill("#id_password1", PASSWORD)
    customer.fill("#id_password2", PASSWORD)
    customer.click("button:has-text('Create my account')")
    customer.wait_for_selector("text=Welcome! Your account is ready.")
    account = Account.objects.get(user__username="rina")

    # Add funds by bank transfer; it waits for the operator.
    customer.goto(f"{url}/funds/")
    assert customer.locator("text=BCA 123-456-789").is_visible()
    customer.fill("#id_amount", "50")
    customer.fill("#id_reference", "TRX-0001")
    customer.click("button:has-text('Pay')")
    customer.wait_for_selector("text=Waiting")
    assert customer.get_by_test_id("balance").inner_text() == shown(Decimal("0"))

    # The operator approves it in the back-office.
    operator = chromium.new_page(viewport=DESKTOP)
    operator.goto(f"{url}/admin/login/")
    operator.fill("#id_username", "operator")
    operator.fill("#id_password", PASSWORD)
    operator.click("input[type=submit]")
    operator.goto(f"{url}/backoffice/payments/?status=pending")
    operator.get_by_role("row").filter(has_text="TRX-0001").get_by_role(
        "button", name="Approve"
    ).click()
    operator.wait_for_selector("text=: Approved.")
    operator.close()

    customer.goto(f"{url}/funds/")
    customer.wait_for_selector("text=Approved")
    assert customer.get_by_test_id("balance").inner_text() == shown(Decimal("50"))

    # The search narrows the service picker as the customer types.
    customer.goto(f"{url}/")
    customer.fill("#id_q", "custom comm")
    customer.wait_for_function(
        "() => document.querySelectorAll('#id_service option[value]:not([value=\"\"])').length"
        " === 1"
    )
    assert customer.locator(f"#id_service option[value='{comments.pk}']").count() == 1

    # A Default order, a Custom Comments order, a drip-feed order.
    first = place(
        customer,
        url,
        default.pk,
        {"link": "https://instagram.com/rina", "quantity": "1000"},
        Decimal("0.90"),
    )
    second = place(
        customer,
        url,
        comments.pk,
        {"link": "https://instagram.com/p/abc", "comments": "Mantap 🔥\nĐẹp quá 😍\n<b>wow</b>"},
        Decimal("0.024"),
    )
    third = place(
        customer,
        url,
        default.pk,
        {
            "link": "https://instagram.com/rina2",
            "quantity": "500",
            "runs": "4",
            "interval": "30",
        },
        Decimal("1.80"),
    )
    assert Order.objects.get(pk=second).details["comments"] == "Mantap 🔥\nĐẹp quá 😍\n<b>wow</b>"
    assert Order.objects.get(pk=third).runs == 4

    # They are in the list; cancel the first one.
    customer.goto(f"{url}/orders/")
    for order_id in (first, second, third):
        assert customer.locator(f"tr[data-order='{order_id}']").count() == 1
    assert "Drip-feed: 500 × 4 runs, every 30 min" in customer.content()
    assert "&lt;b&gt;wow&lt;/b&gt;" in customer.content()
    customer.get_by_test_id(f"cancel-{first}").click()
    # A question first: nothing is requested until the customer confirms.
    customer.wait_for_selector(f"h1:has-text('Cancel order {first}?')")
    assert not CancelRequest.objects.filter(order_id=first).exists()
    customer.get_by_test_id("confirm-cancel").click()
    customer.wait_for_selector(f"text=Cancel of order {first} requested.")
    assert CancelRequest.objects.filter(order_id=first).count() == 1

    # The balance on the page is the ledger's.
    account.refresh_from_db()
    assert account.balance == ledger_total(account) == Decimal("50") - Decimal("2.724")
    assert customer.get_by_test_id("balance").inner_text() == shown(account.balance)
    # Nothing is wider than the phone's screen.
    width = customer.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    customer.close()
