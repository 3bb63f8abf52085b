"""The webhook part of the API page fits a 360 px phone: long URL, secret, turned-off notice."""

import pytest
from django.contrib.auth.hashers import make_password

from smmpanel.audit.log import Actor
from smmpanel.webhooks.actions import turn_off_webhook
from smmpanel.webhooks.models import Webhook
from tests.browser.conftest import PHONE, chromium  # noqa: F401 - the fixture
from tests.factories import make_account

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long Passphrase 42"
# A public address written as such: the server's policy judges it without a DNS look-up.
LONG_URL = "https://93.184.215.14/" + "segment" * 60


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_webhook_part_keeps_the_phone_layout(panel_server, chromium):  # noqa: F811
    account, _ = make_account("10", username="wulan")
    account.user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    account.user.save(update_fields=["password"])

    page = chromium.new_page(viewport=PHONE)
    page.goto(f"{panel_server.url}/accounts/login/")
    page.fill("#id_username", "wulan")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{panel_server.url}/")
    page.goto(f"{panel_server.url}/api-access/")
    page.fill("#webhook-url", LONG_URL)
    page.click("#webhook button[type=submit]")
    page.wait_for_selector("[data-testid=webhook-secret]")
    fits(page)

    webhook = Webhook.objects.get(account=account)
    turn_off_webhook(webhook_id=webhook.pk, error="HTTP 500", acting_user=Actor.system())
    page.goto(f"{panel_server.url}/api-access/")
    assert page.locator("[data-testid=webhook-off]").is_visible()
    for summary in ("Receiver in Python", "Receiver in PHP"):
        page.click(f"summary:has-text('{summary}')")
    fits(page)
    page.close()
