"""NOWPayments against a fake of its documented API over real HTTP: the invoice created as
the docs say, the IPN verified by `x-nowpayments-sig`, credited once, refused when it does not
match, and a lost IPN recovered by the worker from the invoice's payments."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from smmpanel.accounts.ledger import audit, ledger_total
from smmpanel.audit.models import AuditEntry
from smmpanel.payments.gateways.nowpayments import dumps, loads, signature
from smmpanel.payments.models import Payment, PaymentStatus
from smmpanel.payments.operations import create_payment, start_payment
from smmpanel.worker.loop import run_once
from tests.factories import make_account
from tests.payments.factories import make_method
from tests.payments.fakes.nowpayments import (
    API_KEY,
    EMAIL,
    IPN_SECRET,
    PASSWORD,
    FakeNowPayments,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def nowpayments():
    with FakeNowPayments() as fake:
        yield fake


def method_of(fake, **more):
    credentials = {"api_key": API_KEY, "ipn_secret": IPN_SECRET, "api_url": fake.url, **more}
    return make_method("nowpayments", credentials=credentials)


@pytest.fixture
def method(nowpayments):
    return method_of(nowpayments, email=EMAIL, password=PASSWORD)


def started(method, amount: str = "12.5") -> Payment:
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal(amount))
    start_payment(payment=payment)
    payment.refresh_from_db()
    return payment


def post(method, body: bytes, sig: str):
    url = f"/payments/callback/nowpayments/{method.pk}/"
    return Client().post(url, body, content_type="application/json", HTTP_X_NOWPAYMENTS_SIG=sig)


def balance(payment: Payment) -> Decimal:
    payment.account.refresh_from_db()
    return payment.account.balance


def test_the_invoice_is_created_as_documented(nowpayments, method):
    payment = started(method)
    sent = nowpayments.requests[-1]
    assert (sent.method, sent.path, sent.header("x-api-key")) == ("POST", "/v1/invoice", API_KEY)
    assert sent.json() == {
        "price_amount": 12.5,
        "price_currency": "usd",
        "order_id": str(payment.pk),
        "order_description": f"Deposit {payment.pk}",
        "ipn_callback_url": f"http://testserver/payments/callback/nowpayments/{method.pk}/",
        "success_url": f"http://testserver/funds/payments/{payment.pk}/",
        "cancel_url": f"http://testserver/funds/payments/{payment.pk}/",
    }
    assert payment.gateway_reference == "4522625843"
    started(method, "100")
    assert b'"price_amount":100,' in nowpayments.requests[-1].body
    assert payment.checkout_url == "https://nowpayments.io/payment/?iid=4522625843"


def test_the_signature_is_over_the_sorted_body_with_numbers_as_sent():
    body = b'{"b":1e-7,"a":{"z":0.00012345,"y":[2,"x/y"]},"c":"\xc3\xa9"}'
    assert dumps(loads(body), sort=True) == '{"a":{"y":[2,"x/y"],"z":0.00012345},"b":1e-7,"c":"é"}'
    assert len(signature(loads(body), "secret")) == 128


def test_a_finished_ipn_credits_once_and_a_replay_changes_nothing(nowpayments, method):
    payment = started(method)
    body, sig = nowpayments.ipn(payment.gateway_reference, "finished")
    assert post(method, body, sig).status_code == 200
    assert post(method, body, sig).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED
    assert balance(payment) == Decimal("12.5") == ledger_total(payment.account)
    assert AuditEntry.objects.get(action="payment.approve").actor_name == "gateway:nowpayments"
    assert audit() == []


def test_partially_paid_keeps_the_payment_waiting(nowpayments, method):
    payment = started(method)
    assert (
        post(method, *nowpayments.ipn(payment.gateway_reference, "partially_paid")).status_code
        == 200
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and balance(payment) == 0


def test_a_forged_ipn_is_refused_and_changes_nothing(nowpayments, method):
    payment = started(method)
    body, sig = nowpayments.ipn(payment.gateway_reference, "finished", secret="guess")
    assert post(method, body, sig).status_code == 403
    body, sig = nowpayments.ipn(payment.gateway_reference, "finished")
    altered = json.dumps({**json.loads(body), "price_amount": 1000}).encode()
    assert post(method, altered, sig).status_code == 403
    assert post(method, body, "").status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and balance(payment) == 0


@pytest.mark.parametrize(
    "changes",
    [{"price_amount": 1000}, {"price_currency": "eur"}, {"order_id": "999999", "invoice_id": 1}],
    ids=["amount", "currency", "no-such-payment"],
)
def test_a_signed_ipn_that_does_not_match_is_refused(nowpayments, method, changes):
    payment = started(method)
    body, sig = nowpayments.ipn(payment.gateway_reference, "finished", **changes)
    assert post(method, body, sig).status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and balance(payment) == 0


def test_waiting_after_finished_changes_nothing(nowpayments, method):
    payment = started(method)
    post(method, *nowpayments.ipn(payment.gateway_reference, "finished"))
    assert (
        post(method, *nowpayments.ipn(payment.gateway_reference, "confirming")).status_code == 200
    )
    assert post(method, *nowpayments.ipn(payment.gateway_reference, "expired")).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("12.5")
    assert audit() == []


def test_a_refund_takes_the_deposit_back(nowpayments, method):
    payment = started(method)
    post(method, *nowpayments.ipn(payment.gateway_reference, "finished"))
    post(method, *nowpayments.ipn(payment.gateway_reference, "refunded"))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REVERSED and balance(payment) == 0
    assert audit() == []


def test_a_lost_ipn_is_recovered_by_the_worker(nowpayments, method):
    payment = started(method)
    nowpayments.payment(payment.gateway_reference, "finished")
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("12.5")
    auth, listed = nowpayments.requests[-2:]
    assert (auth.path, auth.json()) == ("/v1/auth", {"email": EMAIL, "password": PASSWORD})
    assert (listed.path, listed.query["invoiceId"]) == ("/v1/payment/", payment.gateway_reference)
    assert AuditEntry.objects.get(action="payment.approve").actor_name == "system"
    assert audit() == []


def test_without_the_dashboard_login_the_worker_only_waits(nowpayments):
    payment = started(method_of(nowpayments))
    nowpayments.payment(payment.gateway_reference, "finished")
    asked = len(nowpayments.requests)
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and len(nowpayments.requests) == asked
