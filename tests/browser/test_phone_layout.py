"""At 360 px, no page is wider than the screen, whatever the provider wrote in a name or the
customer in a comment; and provider text stays text."""

from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password

from smmpanel.accounts.registration import create_account
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.placement import place_order
from smmpanel.payments.models import PaymentMethod
from tests.browser.conftest import PHONE
from tests.factories import make_service

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long Passphrase 42"
# A provider's name: 300 characters, emoji, and a run of 120 without a space.
LONG_NAME = ("🔥 Instagram Followers [HQ] [Refill 30D] " + "★" * 120 + " Real " * 40)[:300]
COMMENTS = "Mantap 🔥🔥🔥\nĐẹp quá 😍😍😍 " + "🙏" * 80 + "\n<script>alert(1)</script>"
PAGES = [
    "/",
    "/services/",
    "/orders/",
    "/refills/",
    "/funds/",
    "/transactions/",
    "/api-access/",
    "/accounts/profile/",
]


def test_long_names_and_emoji_keep_the_phone_layout(panel_server, chromium):
    account, _ = create_account(username="dewi", balance=Decimal("100"))
    account.user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    account.user.save(update_fields=["password"])
    service = make_service(name=LONG_NAME, description="<b>bold?</b> " + "x" * 400)
    comments = make_service(
        name=LONG_NAME[::-1], type=OrderType.CUSTOM_COMMENTS, min_quantity=1, max_quantity=100
    )
    PaymentMethod.objects.create(name="Bank " + "🏦" * 60, gateway="manual")
    place_order(
        account=account,
        service=service,
        params={"link": "https://instagram.com/" + "a" * 300, "quantity": "100"},
    )
    place_order(
        account=account,
        service=comments,
        params={"link": "https://instagram.com/p/1", "comments": COMMENTS},
    )

    page = chromium.new_page(viewport=PHONE)
    page.goto(f"{panel_server.url}/accounts/login/")
    page.fill("#id_username", "dewi")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{panel_server.url}/")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in PAGES:
        page.goto(f"{panel_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width} px wide"
    page.goto(f"{panel_server.url}/?service={service.pk}")
    page.wait_for_selector("#id_link")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("text=<b>bold?</b>").count() == 1
    page.goto(f"{panel_server.url}/orders/")
    page.click("summary:has-text('Comments')")
    assert "<script>alert(1)</script>" in page.locator("details .pre").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert dialogs == []
    page.close()
