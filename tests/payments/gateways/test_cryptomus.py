"""Cryptomus against a fake of its documented API over real HTTP: the invoice created as the
docs say, the webhook verified by its `sign`, credited once, refused when it does not match,
and a lost webhook recovered by the worker through /v1/payment/info."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from smmpanel.accounts.ledger import audit, ledger_total
from smmpanel.audit.models import AuditEntry
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateways.cryptomus import sign
from smmpanel.payments.models import Payment, PaymentStatus
from smmpanel.payments.operations import create_payment, start_payment
from smmpanel.worker.loop import run_once
from tests.factories import make_account
from tests.payments.factories import make_method
from tests.payments.fakes.cryptomus import API_KEY, MERCHANT, FakeCryptomus

pytestmark = pytest.mark.django_db


@pytest.fixture
def cryptomus():
    with FakeCryptomus() as fake:
        yield fake


@pytest.fixture
def method(cryptomus):
    credentials = {"merchant_id": MERCHANT, "api_key": API_KEY, "api_url": cryptomus.url}
    return make_method("cryptomus", credentials=credentials)


def started(method, amount: str = "12.5") -> Payment:
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal(amount))
    start_payment(payment=payment)
    payment.refresh_from_db()
    return payment


def post(method, body: bytes):
    url = f"/payments/callback/cryptomus/{method.pk}/"
    return Client().post(url, body, content_type="application/json")


def balance(payment: Payment) -> Decimal:
    payment.account.refresh_from_db()
    return payment.account.balance


def test_the_invoice_is_created_as_documented(cryptomus, method):
    payment = started(method)
    sent = cryptomus.requests[-1]
    assert sent.path == "/v1/payment"
    assert sent.header("merchant") == MERCHANT
    assert sent.header("sign") == sign(sent.body, API_KEY)
    assert sent.json() == {
        "amount": "12.5",
        "currency": "USD",
        "order_id": str(payment.pk),
        "url_callback": f"http://testserver/payments/callback/cryptomus/{method.pk}/",
        "url_return": f"http://testserver/funds/payments/{payment.pk}/",
        "url_success": f"http://testserver/funds/payments/{payment.pk}/",
        "lifetime": 43200,
        "is_payment_multiple": False,
    }
    invoice = next(iter(cryptomus.invoices.values()))
    assert payment.gateway_reference == invoice["uuid"]
    assert payment.checkout_url == f"https://pay.cryptomus.com/pay/{invoice['uuid']}"


def test_a_paid_webhook_credits_once_and_a_replay_changes_nothing(cryptomus, method):
    payment = started(method)
    body = cryptomus.webhook(payment.gateway_reference, "paid")
    first, replay = post(method, body), post(method, body)
    assert (first.status_code, replay.status_code) == (200, 200)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED
    assert balance(payment) == Decimal("12.5") == ledger_total(payment.account)
    entry = AuditEntry.objects.get(action="payment.approve")
    assert entry.actor_name == "gateway:cryptomus"
    assert audit() == []


def test_paid_over_credits_what_was_asked(cryptomus, method):
    payment = started(method)
    post(method, cryptomus.webhook(payment.gateway_reference, "paid_over", payment_amount="20"))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("12.5")
    assert "paid 20 USDT" in payment.events.filter(kind="notification").get().detail


def test_wrong_amount_rejects_and_credits_nothing(cryptomus, method):
    payment = started(method)
    body = cryptomus.webhook(payment.gateway_reference, "wrong_amount", payment_amount="5")
    assert post(method, body).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED and balance(payment) == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"key": "not-the-api-key"},
        {"amount": "1000"},  # re-signed by a forger who does not have the key
    ],
)
def test_a_forged_webhook_is_refused_and_changes_nothing(cryptomus, method, changes):
    payment = started(method)
    if "key" in changes:
        body = cryptomus.webhook(payment.gateway_reference, "paid", key=changes["key"])
    else:
        signed = json.loads(cryptomus.webhook(payment.gateway_reference, "paid"))
        body = json.dumps({**signed, **changes}).encode()
    assert post(method, body).status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and balance(payment) == 0


@pytest.mark.parametrize(
    "changes",
    [{"amount": "1000.00"}, {"currency": "EUR"}, {"order_id": "999999"}],
    ids=["amount", "currency", "no-such-payment"],
)
def test_a_signed_webhook_that_does_not_match_is_refused(cryptomus, method, changes):
    payment = started(method)
    if "order_id" in changes:
        changes["uuid"] = "00000000-0000-0000-0000-000000000000"
    body = cryptomus.webhook(payment.gateway_reference, "paid", **changes)
    assert post(method, body).status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and balance(payment) == 0


def test_pending_after_paid_changes_nothing(cryptomus, method):
    payment = started(method)
    post(method, cryptomus.webhook(payment.gateway_reference, "paid"))
    assert (
        post(method, cryptomus.webhook(payment.gateway_reference, "confirm_check")).status_code
        == 200
    )
    assert post(method, cryptomus.webhook(payment.gateway_reference, "cancel")).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("12.5")
    assert audit() == []


def test_a_refund_takes_the_deposit_back(cryptomus, method):
    payment = started(method)
    post(method, cryptomus.webhook(payment.gateway_reference, "paid"))
    post(method, cryptomus.webhook(payment.gateway_reference, "refund_paid"))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REVERSED and balance(payment) == 0
    assert audit() == []


def test_a_lost_webhook_is_recovered_by_the_worker(cryptomus, method):
    payment = started(method)
    cryptomus.pay(payment.gateway_reference, "paid")
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("12.5")
    asked = cryptomus.requests[-1]
    assert asked.path == "/v1/payment/info"
    assert asked.json() == {"uuid": payment.gateway_reference}
    assert asked.header("sign") == sign(asked.body, API_KEY)
    assert AuditEntry.objects.get(action="payment.approve").actor_name == "system"
    assert audit() == []


def test_an_unreachable_cryptomus_leaves_the_payment_rejected(db):
    credentials = {"merchant_id": MERCHANT, "api_key": API_KEY, "api_url": "http://127.0.0.1:9"}
    payment = started_without_checkout(make_method("cryptomus", credentials=credentials))
    with pytest.raises(PaymentError) as refused:
        start_payment(payment=payment)
    assert refused.value.code == PaymentErrorCode.GATEWAY_UNAVAILABLE
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED


def started_without_checkout(method) -> Payment:
    account, _ = make_account()
    return create_payment(account=account, method=method, amount=Decimal("5"))
