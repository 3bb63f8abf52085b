"""The new-order form measured in a real browser: the drip-feed fields line up."""

from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password

from smmpanel.accounts.registration import create_account
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_service

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long Passphrase 42"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_runs_and_interval_line_up(panel_server, chromium, viewport):
    account, _ = create_account(username="lan", balance=Decimal("10"))
    account.user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    account.user.save(update_fields=["password"])
    service = make_service(dripfeed=True)
    page = chromium.new_page(viewport=viewport)
    page.goto(f"{panel_server.url}/accounts/login/")
    page.fill("#id_username", "lan")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{panel_server.url}/")
    page.goto(f"{panel_server.url}/?service={service.pk}")
    runs, interval = (
        page.locator("#id_runs").bounding_box(),
        page.locator("#id_interval").bounding_box(),
    )
    labels = [page.locator(f"label[for=id_{name}]").bounding_box() for name in ("runs", "interval")]
    if runs["x"] == interval["x"]:  # one under the other on a narrow screen
        assert interval["y"] > runs["y"]
    else:
        assert abs(runs["y"] - interval["y"]) < 1, (runs, interval)
        assert abs(labels[0]["y"] - labels[1]["y"]) < 1
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
