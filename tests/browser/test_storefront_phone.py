"""At 360 px, the dashboard, the products, the announcements, the FAQ, the terms and the
two-factor set-up fit the screen, whatever the operator wrote."""

from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password

from smmpanel.accounts import two_factor
from smmpanel.accounts.registration import create_account
from smmpanel.audit.log import Actor
from smmpanel.orders.product_orders import place_product_order
from smmpanel.pages.actions import create_announcement, edit_site_page
from tests.browser.conftest import PHONE
from tests.factories import make_product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long Passphrase 42"
LONG = "Netflix Premium 4K UHD " + "★" * 80 + " 1 month " * 20
MARKDOWN = "## " + "Refunds" * 30 + "\n\n* " + "x" * 300 + "\n\n```\n" + "code " * 80 + "\n```"
PAGES = [
    "/dashboard/",
    "/products/",
    "/products/orders/",
    "/announcements/",
    "/faq/",
    "/terms/",
    "/accounts/two-factor/",
]


def test_the_new_pages_keep_the_phone_layout(panel_server, chromium):
    account, _ = create_account(username="dewi", balance=Decimal("100"))
    account.user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    account.user.save(update_fields=["password"])
    product = make_product(stock=3, name=LONG, require="Your e-mail " + "e" * 100)
    product.items.update(value="account-" + "y" * 200 + ":password")
    place_product_order(account=account, product=product, quantity="2", require="a@x.test")
    system = Actor.system()
    create_announcement(acting_user=system, publish=True, title_en=LONG[:200], body_en=MARKDOWN)
    edit_site_page(acting_user=system, kind="terms", body_en=MARKDOWN)
    two_factor.start(account=account, acting_user=system)

    page = chromium.new_page(viewport=PHONE)
    page.goto(f"{panel_server.url}/accounts/login/")
    page.fill("#id_username", "dewi")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{panel_server.url}/")
    for path in PAGES:
        page.goto(f"{panel_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width} px wide"
    page.close()
