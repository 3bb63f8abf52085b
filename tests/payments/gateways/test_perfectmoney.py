"""Perfect Money against a fake of its SCI over real HTTP: the panel's page posts the
documented form, the status notification is verified by its V2_HASH, credited once, and
refused when it does not match."""

import hashlib
from decimal import Decimal

import httpx
import pytest
from django.test import Client

from smmpanel.accounts.ledger import audit, ledger_total
from smmpanel.audit.models import AuditEntry
from smmpanel.payments.gateways.perfectmoney import v2_hash
from smmpanel.payments.models import Payment, PaymentStatus
from smmpanel.payments.operations import create_payment, start_payment
from tests.factories import make_account
from tests.payments.factories import make_method
from tests.payments.fakes.forms import read_form
from tests.payments.fakes.perfectmoney import PASSPHRASE, PAYEE, FakePerfectMoney

pytestmark = pytest.mark.django_db


@pytest.fixture
def perfectmoney():
    with FakePerfectMoney() as fake:
        yield fake


@pytest.fixture
def method(perfectmoney):
    credentials = {
        "payee_account": PAYEE,
        "alternate_passphrase": PASSPHRASE,
        "payee_name": "Fast Likes",
        "api_url": f"{perfectmoney.url}/api/step1.asp",
    }
    return make_method("perfectmoney", credentials=credentials)


def paying(method, amount: str = "12.5") -> tuple[Payment, Client]:
    """The customer starts a payment and their browser follows the checkout to the fake."""
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal(amount))
    checkout = start_payment(payment=payment)
    browser = Client()
    browser.force_login(account.user)
    assert checkout is not None
    page = browser.get(checkout.url)
    assert page.status_code == 200
    action, fields = read_form(page.content.decode())
    assert httpx.post(action, data=dict(fields)).status_code == 200
    return payment, browser


def notify(method, data: dict[str, str]):
    return Client().post(f"/payments/callback/perfectmoney/{method.pk}/", data)


def balance(payment: Payment) -> Decimal:
    payment.account.refresh_from_db()
    return payment.account.balance


def test_the_checkout_page_posts_the_documented_form(perfectmoney, method):
    payment, _ = paying(method)
    payment.refresh_from_db()
    assert payment.checkout_url == f"http://testserver/payments/checkout/{payment.pk}/"
    page = f"http://testserver/funds/payments/{payment.pk}/"
    assert perfectmoney.forms == [
        {
            "PAYEE_ACCOUNT": PAYEE,
            "PAYEE_NAME": "Fast Likes",
            "PAYMENT_ID": str(payment.pk),
            "PAYMENT_AMOUNT": "12.50",
            "PAYMENT_UNITS": "USD",
            "STATUS_URL": f"http://testserver/payments/callback/perfectmoney/{method.pk}/",
            "PAYMENT_URL": page,
            "PAYMENT_URL_METHOD": "LINK",
            "NOPAYMENT_URL": page,
            "NOPAYMENT_URL_METHOD": "LINK",
            "SUGGESTED_MEMO": f"Deposit {payment.pk}",
        }
    ]


def test_the_v2_hash_is_the_documented_one():
    fields = {
        "PAYMENT_ID": "1",
        "PAYEE_ACCOUNT": "U1",
        "PAYMENT_AMOUNT": "1.00",
        "PAYMENT_UNITS": "USD",
        "PAYMENT_BATCH_NUM": "2",
        "PAYER_ACCOUNT": "U3",
        "TIMESTAMPGMT": "4",
    }
    # md5("secret") = 5EBE2294ECD0E0F08EAB7690D2A6EE69
    line = "1:U1:1.00:USD:2:U3:5EBE2294ECD0E0F08EAB7690D2A6EE69:4"
    assert v2_hash(fields, "secret") == hashlib.md5(line.encode()).hexdigest().upper()


def test_a_status_credits_once_and_a_replay_changes_nothing(perfectmoney, method):
    payment, _ = paying(method)
    status = perfectmoney.status()
    assert notify(method, status).status_code == 200
    assert notify(method, status).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED
    assert payment.gateway_reference == status["PAYMENT_BATCH_NUM"]
    assert balance(payment) == Decimal("12.5") == ledger_total(payment.account)
    assert AuditEntry.objects.get(action="payment.approve").actor_name == "gateway:perfectmoney"
    assert audit() == []


def test_a_forged_status_is_refused_and_changes_nothing(perfectmoney, method):
    payment, _ = paying(method)
    assert notify(method, perfectmoney.status(passphrase="guess")).status_code == 403
    altered = {**perfectmoney.status(), "PAYMENT_AMOUNT": "1000.00"}
    assert notify(method, altered).status_code == 403
    unsigned = {**perfectmoney.status(), "V2_HASH": ""}
    assert notify(method, unsigned).status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and balance(payment) == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"PAYMENT_AMOUNT": "1.00"},
        {"PAYMENT_UNITS": "EUR"},
        {"PAYMENT_ID": "999999"},
        {"PAYEE_ACCOUNT": "U9999999"},
    ],
    ids=["amount", "currency", "no-such-payment", "another-payee"],
)
def test_a_signed_status_that_does_not_match_is_refused(perfectmoney, method, changes):
    payment, _ = paying(method)
    assert notify(method, perfectmoney.status(**changes)).status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and balance(payment) == 0


def test_a_decided_payment_shows_no_form_and_others_see_nothing(perfectmoney, method):
    payment, browser = paying(method)
    notify(method, perfectmoney.status())
    page = browser.get(f"/payments/checkout/{payment.pk}/").content.decode()
    assert "gateway-form" not in page and "Approved" in page
    stranger, _ = make_account()
    other = Client()
    other.force_login(stranger.user)
    assert other.get(f"/payments/checkout/{payment.pk}/").status_code == 404
