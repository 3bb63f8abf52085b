"""The sandbox gateway's signed callback, and the admin's approve action."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from smmpanel.accounts.ledger import ledger_total
from smmpanel.payments import sandbox
from smmpanel.payments.models import Payment, PaymentMethod, PaymentStatus
from smmpanel.payments.operations import create_payment
from tests.factories import make_account

CALLBACK = "/payments/callback/sandbox/"


@pytest.fixture
def card(db, settings) -> PaymentMethod:
    settings.PAYMENT_SANDBOX = True
    return PaymentMethod.objects.create(name="Card (sandbox)", gateway="sandbox")


def notify(payment: Payment, outcome: str = "paid", signature: str | None = None, **extra):
    amount = sandbox.plain_amount(payment)
    data = {
        "payment": payment.pk,
        "amount": amount,
        "outcome": outcome,
        "signature": signature or sandbox.sign(payment.pk, amount, outcome),
        **extra,
    }
    return Client(enforce_csrf_checks=True).post(CALLBACK, data)


def test_a_signed_paid_notification_approves_once(card):
    account, _ = make_account()
    payment = create_payment(account=account, method=card, amount=Decimal("12.5"))
    assert notify(payment).status_code == 200
    assert notify(payment).status_code == 200  # a replay changes nothing
    payment.refresh_from_db()
    account.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED
    assert payment.reference == f"sandbox-{payment.pk}"
    assert account.balance == Decimal("12.5") == ledger_total(account)


def test_a_forged_or_altered_notification_is_refused(card):
    account, _ = make_account()
    payment = create_payment(account=account, method=card, amount=Decimal("12.5"))
    assert notify(payment, signature="0" * 64).status_code == 403
    declined = sandbox.sign(payment.pk, sandbox.plain_amount(payment), "declined")
    assert notify(payment, outcome="paid", signature=declined).status_code == 403
    bigger = {
        "payment": payment.pk,
        "amount": "1000.00",
        "outcome": "paid",
        "signature": sandbox.sign(payment.pk, "1000.00", "paid"),
    }
    assert Client().post(CALLBACK, bigger).status_code == 400
    payment.refresh_from_db()
    account.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and account.balance == 0


def test_a_declined_notification_rejects(card):
    account, _ = make_account()
    payment = create_payment(account=account, method=card, amount=Decimal("12.5"))
    assert notify(payment, outcome="declined").status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED


def test_the_sandbox_is_off_unless_enabled(card, settings):
    account, _ = make_account()
    payment = create_payment(account=account, method=card, amount=Decimal("12.5"))
    settings.PAYMENT_SANDBOX = False
    assert notify(payment).status_code == 404
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_the_customer_pays_on_the_sandbox_checkout(card):
    account, _ = make_account("0", username="payer")
    browser = Client()
    browser.force_login(account.user)
    response = browser.post("/funds/", {"method": card.pk, "amount": "20"})
    payment = Payment.objects.get()
    assert response["Location"] == f"http://testserver/payments/sandbox/{payment.pk}/"
    page = browser.get(response["Location"]).content.decode()
    assert sandbox.sign(payment.pk, "20.00", "paid") in page
    response = notify(payment, **{"return": "customer"})
    assert response.status_code == 302 and response["Location"] == "http://testserver/funds/"
    account.refresh_from_db()
    assert account.balance == Decimal("20")
    # Nobody else sees the checkout of this payment.
    other, _ = make_account("0", username="other")
    intruder = Client()
    intruder.force_login(other.user)
    assert intruder.get(f"/payments/sandbox/{payment.pk}/").status_code == 404


def test_the_admin_approves_a_manual_payment(db, admin_client):
    bank = PaymentMethod.objects.create(name="Bank", gateway="manual")
    account, _ = make_account()
    payment = create_payment(account=account, method=bank, amount=Decimal("40"), reference="BCA")
    decide = reverse("backoffice:payment_decide", args=[payment.pk])
    admin_client.post(decide, {"approve": "1"})
    admin_client.post(decide, {"approve": "1"})  # a second click deposits nothing
    payment.refresh_from_db()
    account.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED
    assert payment.decided_by is not None and payment.decided_by.username == "admin"
    assert account.balance == Decimal("40") == ledger_total(account)
