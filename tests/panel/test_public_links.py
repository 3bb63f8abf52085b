"""Every absolute link the panel hands out starts with SMMPANEL_PUBLIC_URL, whatever Host header
the request carried: a reset e-mail built from the Host would mail a victim's token to an
attacker's host (even where the operator let every host name in)."""

import re

import pytest
from django.core import mail
from django.test import Client

from smmpanel.payments.models import Payment, PaymentMethod
from tests.panel.test_api_page import signup

PUBLIC = "https://panel.example.com"
ATTACKER = "attacker.example"


@pytest.fixture(autouse=True)
def _every_host_allowed(settings):
    # The operator's SMMPANEL_ALLOWED_HOSTS=* (the old default): the links must still be right.
    settings.ALLOWED_HOSTS = ["*"]
    settings.PUBLIC_URL = PUBLIC


def _links(body: str) -> list[str]:
    return re.findall(r"\S+://\S+", body)


def test_the_password_reset_link_is_built_from_the_public_url(customer):
    response = Client().post(
        "/accounts/password-reset/", {"email": "alice@example.com"}, HTTP_HOST=ATTACKER
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    (link,) = _links(message.body)
    assert link.startswith(f"{PUBLIC}/accounts/reset/")
    assert ATTACKER not in message.body and ATTACKER not in message.subject
    # The link works.
    path = link.removeprefix(PUBLIC)
    assert Client().get(path, follow=True).context["validlink"]


def test_the_verification_link_is_built_from_the_public_url(db, settings):
    settings.EMAIL_VERIFICATION = True
    signup(Client(HTTP_HOST=ATTACKER), "tuan")
    (message,) = mail.outbox
    (link,) = _links(message.body)
    assert link.startswith(f"{PUBLIC}/accounts/verify/")
    assert ATTACKER not in message.body


def test_the_api_page_shows_the_public_endpoint(browser):
    page = browser.get("/api-access/", HTTP_HOST=ATTACKER).content.decode()
    assert f"curl -s {PUBLIC}/api/v2" in page
    assert ATTACKER not in page


def test_the_gateway_is_given_public_urls(customer, settings):
    settings.PAYMENT_SANDBOX = True
    card = PaymentMethod.objects.create(name="Card (sandbox)", gateway="sandbox")
    browser = Client(HTTP_HOST=ATTACKER)
    browser.force_login(customer.user)
    response = browser.post("/funds/", {"method": card.pk, "amount": "20"})
    payment = Payment.objects.get()
    assert response["Location"] == f"{PUBLIC}/payments/sandbox/{payment.pk}/"
    page = browser.get(f"/payments/sandbox/{payment.pk}/").content.decode()
    assert f'action="{PUBLIC}/payments/callback/sandbox/"' in page
    assert ATTACKER not in page
