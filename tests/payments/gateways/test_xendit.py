"""Xendit Invoices (through the official SDK) against a fake of the documented API over real
HTTP: the invoice created, the callback verified by its token, credited once, and everything
that does not verify or match refused with nothing changed."""

import base64
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from smmpanel.accounts.ledger import audit
from smmpanel.accounts.models import Account
from smmpanel.audit.models import AuditEntry
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.models import Payment, PaymentMethod, PaymentStatus
from smmpanel.payments.operations import create_payment, start_payment
from smmpanel.worker.loop import run_once
from tests.factories import make_account
from tests.payments.factories import make_method
from tests.payments.fakes.xendit import FakeXendit

SECRET_KEY = "xnd_development_test_key"
CALLBACK_TOKEN = "callback-verification-token"


@pytest.fixture
def xendit():
    with FakeXendit(SECRET_KEY, CALLBACK_TOKEN) as fake:
        yield fake


@pytest.fixture
def method(db, xendit) -> PaymentMethod:
    credentials = {
        "secret_key": SECRET_KEY,
        "callback_token": CALLBACK_TOKEN,
        "api_url": xendit.url,
    }
    return make_method(
        "xendit", credentials=credentials, currency="IDR", exchange_rate=Decimal("16000")
    )


def started(method: PaymentMethod, amount: str = "10") -> Payment:
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal(amount))
    start_payment(payment=payment)
    payment.refresh_from_db()
    return payment


def notify(method: PaymentMethod, body: dict, token: str = CALLBACK_TOKEN):
    headers = {"HTTP_X_CALLBACK_TOKEN": token} if token else {}
    url = f"/payments/callback/xendit/{method.pk}/"
    return Client().post(url, json.dumps(body), content_type="application/json", **headers)


def balance(payment: Payment) -> Decimal:
    return Account.objects.get(pk=payment.account_id).balance


def unchanged(payment: Payment) -> None:
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert balance(payment) == 0
    assert not AuditEntry.objects.filter(action__startswith="payment.").exists()


def test_start_creates_an_invoice_as_documented(method, xendit):
    payment = started(method)
    sent = xendit.requests[-1]
    assert (sent.method, sent.path) == ("POST", "/v2/invoices/")  # as the SDK sends it
    key = base64.b64encode(f"{SECRET_KEY}:".encode()).decode()
    assert sent.header("authorization") == f"Basic {key}"
    body = sent.json()
    assert 86000 < body.pop("invoice_duration") <= 86400  # until the payment expires
    back = f"http://testserver/funds/payments/{payment.pk}/"
    assert body == {
        "external_id": f"smm-{payment.pk}",
        "amount": 160000,
        "description": f"Payment {payment.pk}",
        "success_redirect_url": back,
        "failure_redirect_url": back,
        "currency": "IDR",
    }
    (invoice,) = xendit.invoices.values()
    assert payment.gateway_reference == invoice["id"]
    assert payment.checkout_url == invoice["invoice_url"]


def test_a_paid_callback_credits_once(method, xendit):
    payment = started(method)
    callback = xendit.pay(payment.gateway_reference)
    first, replay = notify(method, callback), notify(method, callback)
    assert (first.status_code, replay.status_code) == (200, 200)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")
    assert payment.account.ledger.count() == 1
    assert AuditEntry.objects.get(action="payment.approve").actor_name == "gateway:xendit"
    assert audit() == []


def test_a_settled_after_paid_changes_nothing_more(method, xendit):
    payment = started(method)
    notify(method, xendit.pay(payment.gateway_reference))
    assert notify(method, xendit.pay(payment.gateway_reference, "SETTLED")).status_code == 200
    assert balance(payment) == Decimal("10")
    assert payment.account.ledger.count() == 1


def test_a_callback_without_the_verification_token_is_refused(method, xendit):
    payment = started(method)
    callback = xendit.pay(payment.gateway_reference)
    assert notify(method, callback, token="forged").status_code == 403
    assert notify(method, callback, token="").status_code == 403
    assert notify(method, callback, token=CALLBACK_TOKEN + "x").status_code == 403
    unchanged(payment)


def test_a_payment_of_another_amount_is_refused(method, xendit):
    payment = started(method)
    callback = xendit.pay(payment.gateway_reference, paid_amount=150000)
    assert notify(method, callback).status_code == 400
    unchanged(payment)


def test_a_payment_in_another_currency_is_refused(method, xendit):
    payment = started(method)
    callback = xendit.pay(payment.gateway_reference, currency="PHP")
    assert notify(method, callback).status_code == 400
    unchanged(payment)


def test_a_callback_for_a_payment_that_does_not_exist_is_refused(method, xendit):
    payment = started(method)
    callback = xendit.pay(payment.gateway_reference)
    for other in ({"external_id": "smm-999999", "id": "x1"}, {"external_id": "shop-7", "id": "x2"}):
        assert notify(method, {**callback, **other}).status_code == 400
    unchanged(payment)


def test_a_pending_after_paid_changes_nothing(method, xendit):
    payment = started(method)
    notify(method, xendit.pay(payment.gateway_reference))
    late = xendit.pay(payment.gateway_reference, "PENDING")
    assert notify(method, late).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")


def test_an_expired_invoice_expires_the_payment(method, xendit):
    payment = started(method)
    assert notify(method, xendit.pay(payment.gateway_reference, "EXPIRED")).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED and balance(payment) == 0


def test_a_lost_callback_is_recovered_by_the_worker(method, xendit):
    payment = started(method)
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    xendit.pay(payment.gateway_reference)  # paid; the callback never arrives
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")
    assert xendit.requests[-1].path == f"/v2/invoices/{payment.gateway_reference}"
    assert AuditEntry.objects.get(action="payment.approve").actor_name == "system"
    assert audit() == []


def test_xendit_down_leaves_a_new_payment_rejected_and_a_waiting_one_waiting(method, xendit):
    waiting = started(method)
    xendit.failing = True
    account, _ = make_account()
    new = create_payment(account=account, method=method, amount=Decimal("10"))
    with pytest.raises(PaymentError) as refused:
        start_payment(payment=new)
    assert refused.value.code == PaymentErrorCode.GATEWAY_UNAVAILABLE
    new.refresh_from_db()
    assert new.status == PaymentStatus.REJECTED
    run_once(now=waiting.next_attempt_at + timedelta(seconds=1))
    waiting.refresh_from_db()
    assert waiting.status == PaymentStatus.PENDING and waiting.next_attempt_at is not None


def test_a_method_must_be_in_rupiah(db):
    credentials = {"secret_key": SECRET_KEY, "callback_token": CALLBACK_TOKEN}
    with pytest.raises(PaymentError) as refused:
        make_method("xendit", credentials=credentials, currency="USD")
    assert refused.value.code == PaymentErrorCode.UNSUPPORTED_CURRENCY
