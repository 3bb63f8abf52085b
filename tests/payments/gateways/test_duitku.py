"""Duitku POP against a fake of the documented API over real HTTP: the invoice created with its
signed headers, the form-encoded callback verified by its MD5 signature, credited once, and
everything that does not verify or match refused with nothing changed."""

import hashlib
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.test import Client

from smmpanel.accounts.ledger import audit
from smmpanel.accounts.models import Account
from smmpanel.audit.models import AuditEntry
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateways.duitku import merchant_order_id
from smmpanel.payments.models import Payment, PaymentMethod, PaymentStatus
from smmpanel.payments.operations import create_payment, start_payment
from smmpanel.worker.loop import run_once
from tests.factories import make_account
from tests.payments.factories import make_method
from tests.payments.fakes.duitku import FakeDuitku

MERCHANT, API_KEY = "DS12345", "732B39FC61796845775D2C4FB05332AF"


@pytest.fixture
def duitku():
    with FakeDuitku(MERCHANT, API_KEY) as fake:
        yield fake


@pytest.fixture
def method(db, duitku) -> PaymentMethod:
    credentials = {"merchant_code": MERCHANT, "api_key": API_KEY, "api_url": duitku.url}
    return make_method(
        "duitku", credentials=credentials, currency="IDR", exchange_rate=Decimal("16000")
    )


def started(method: PaymentMethod, amount: str = "10") -> Payment:
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal(amount))
    start_payment(payment=payment)
    payment.refresh_from_db()
    return payment


def notify(method: PaymentMethod, fields: dict):
    """The callback as Duitku posts it: x-www-form-urlencoded."""
    url = f"/payments/callback/duitku/{method.pk}/"
    return Client().post(url, urlencode(fields), "application/x-www-form-urlencoded")


def balance(payment: Payment) -> Decimal:
    return Account.objects.get(pk=payment.account_id).balance


def unchanged(payment: Payment) -> None:
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert balance(payment) == 0
    assert not AuditEntry.objects.filter(action__startswith="payment.").exists()


def test_start_creates_a_pop_invoice_as_documented(method, duitku):
    payment = started(method)
    sent = duitku.requests[-1]
    assert (sent.method, sent.path) == ("POST", "/api/merchant/createInvoice")
    timestamp = sent.header("x-duitku-timestamp")
    assert timestamp.isdigit() and len(timestamp) == 13  # milliseconds
    signed = hashlib.sha256(f"{MERCHANT}{timestamp}{API_KEY}".encode()).hexdigest()
    assert sent.header("x-duitku-signature") == signed
    assert sent.header("x-duitku-merchantcode") == MERCHANT
    body = sent.json()
    assert 1438 <= body.pop("expiryPeriod") <= 1440  # minutes, until the payment expires
    assert body == {
        "paymentAmount": 160000,
        "merchantOrderId": f"smm-{payment.pk}",
        "productDetails": f"Payment {payment.pk}",
        "email": "smmpanel@localhost",
        "customerVaName": payment.account.user.username,
        "callbackUrl": f"http://testserver/payments/callback/duitku/{method.pk}/",
        "returnUrl": f"http://testserver/funds/payments/{payment.pk}/",
    }
    invoice = duitku.invoices[f"smm-{payment.pk}"]
    assert payment.gateway_reference == invoice["reference"]
    assert payment.checkout_url.endswith(f"/redirect_checkout?reference={invoice['reference']}")


def test_a_successful_callback_credits_once(method, duitku):
    payment = started(method)
    callback = duitku.pay(merchant_order_id(payment))
    first, replay = notify(method, callback), notify(method, callback)
    assert (first.status_code, replay.status_code) == (200, 200)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")
    assert payment.account.ledger.count() == 1
    assert AuditEntry.objects.get(action="payment.approve").actor_name == "gateway:duitku"
    assert audit() == []


def test_a_forged_or_altered_callback_is_refused(method, duitku):
    payment = started(method)
    callback = duitku.pay(merchant_order_id(payment))
    assert notify(method, {**callback, "signature": "0" * 32}).status_code == 403
    assert notify(method, {**callback, "amount": "1600000"}).status_code == 403
    assert notify(method, {**callback, "merchantCode": "DS99999"}).status_code == 403
    assert notify(method, {}).status_code == 403
    unchanged(payment)


def test_a_payment_of_another_amount_is_refused(method, duitku):
    payment = started(method)
    callback = duitku.pay(merchant_order_id(payment), amount=150000)
    assert notify(method, callback).status_code == 400
    unchanged(payment)


def test_a_callback_for_a_payment_that_does_not_exist_is_refused(method, duitku):
    payment = started(method)
    callback = duitku.pay(merchant_order_id(payment))
    for order in ("smm-999999", "INV-42"):
        other = {**callback, "merchantOrderId": order, "reference": f"DS-{order}"}
        other["signature"] = duitku.sign(other["amount"], order)
        assert notify(method, other).status_code == 400
    unchanged(payment)


def test_a_failure_after_the_payment_changes_nothing(method, duitku):
    payment = started(method)
    notify(method, duitku.pay(merchant_order_id(payment)))
    assert notify(method, duitku.pay(merchant_order_id(payment), "01")).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")


def test_a_failed_payment_is_rejected(method, duitku):
    payment = started(method)
    assert notify(method, duitku.pay(merchant_order_id(payment), "01")).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED and balance(payment) == 0


def test_a_lost_callback_is_recovered_by_the_worker(method, duitku):
    payment = started(method)
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING  # statusCode 01: waiting
    duitku.pay(merchant_order_id(payment))  # paid; the callback never arrives
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")
    checked = duitku.requests[-1]
    assert checked.path == "/api/merchant/transactionStatus"
    order = f"smm-{payment.pk}"
    signature = hashlib.md5(f"{MERCHANT}{order}{API_KEY}".encode()).hexdigest()
    assert checked.json() == {
        "merchantCode": MERCHANT,
        "merchantOrderId": order,
        "signature": signature,
    }
    assert audit() == []


def test_duitku_down_leaves_a_waiting_payment_waiting(method, duitku):
    payment = started(method)
    duitku.failing = True
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.next_attempt_at is not None


def test_duitku_refusing_the_invoice_leaves_the_payment_rejected(method, duitku):
    duitku.api_key = "another key"
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal("10"))
    with pytest.raises(PaymentError) as refused:
        start_payment(payment=payment)
    assert refused.value.code == PaymentErrorCode.GATEWAY_UNAVAILABLE
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED


def test_a_method_must_be_in_rupiah(db):
    with pytest.raises(PaymentError) as refused:
        make_method("duitku", credentials={"merchant_code": "m", "api_key": "k"}, currency="USD")
    assert refused.value.code == PaymentErrorCode.UNSUPPORTED_CURRENCY
