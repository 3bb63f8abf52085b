"""Tripay closed payments against a fake of the documented API over real HTTP: the transaction
signed and opened, the callback verified by its HMAC over the raw body, credited once, and
everything that does not verify or match refused with nothing changed."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from smmpanel.accounts.ledger import audit
from smmpanel.accounts.models import Account
from smmpanel.audit.models import AuditEntry
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateways.tripay import transaction_signature
from smmpanel.payments.models import Payment, PaymentMethod, PaymentStatus
from smmpanel.payments.operations import create_payment, start_payment
from smmpanel.worker.loop import run_once
from tests.factories import make_account
from tests.payments.factories import make_method
from tests.payments.fakes.tripay import FakeTripay

API_KEY, PRIVATE_KEY, MERCHANT = "DEV-api-key", "private-key-12345", "T0001"


@pytest.fixture
def tripay():
    with FakeTripay(API_KEY, PRIVATE_KEY, MERCHANT) as fake:
        yield fake


@pytest.fixture
def method(db, tripay) -> PaymentMethod:
    credentials = {
        "api_key": API_KEY,
        "private_key": PRIVATE_KEY,
        "merchant_code": MERCHANT,
        "channel": "QRIS",
        "api_url": tripay.url,
    }
    return make_method(
        "tripay", credentials=credentials, currency="IDR", exchange_rate=Decimal("16000")
    )


def started(method: PaymentMethod, amount: str = "10") -> Payment:
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal(amount))
    start_payment(payment=payment)
    payment.refresh_from_db()
    return payment


def notify(method: PaymentMethod, callback: tuple[bytes, dict[str, str]], **changes):
    body, headers = callback
    headers = {**headers, **changes}
    meta = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    url = f"/payments/callback/tripay/{method.pk}/"
    return Client().post(url, body, content_type="application/json", **meta)


def balance(payment: Payment) -> Decimal:
    return Account.objects.get(pk=payment.account_id).balance


def unchanged(payment: Payment) -> None:
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert balance(payment) == 0
    assert not AuditEntry.objects.filter(action__startswith="payment.").exists()


def test_start_requests_a_signed_closed_payment_as_documented(method, tripay):
    payment = started(method)
    sent = tripay.requests[-1]
    assert (sent.method, sent.path) == ("POST", "/transaction/create")
    assert sent.header("authorization") == f"Bearer {API_KEY}"
    ref = f"smm-{payment.pk}"
    assert sent.json() == {
        "method": "QRIS",
        "merchant_ref": ref,
        "amount": 160000,
        "customer_name": payment.account.user.username,
        "customer_email": "smmpanel@localhost",
        "order_items": [
            {"sku": "deposit", "name": f"Payment {payment.pk}", "price": 160000, "quantity": 1}
        ],
        "return_url": f"http://testserver/funds/payments/{payment.pk}/",
        "expired_time": int(payment.expires_at.timestamp()),
        "signature": transaction_signature(MERCHANT, ref, 160000, PRIVATE_KEY),
    }
    (transaction,) = tripay.transactions.values()
    assert payment.gateway_reference == transaction["reference"]
    assert payment.checkout_url == transaction["checkout_url"]


def test_a_paid_callback_credits_once_and_is_acknowledged_as_documented(method, tripay):
    payment = started(method)
    callback = tripay.pay(payment.gateway_reference)
    first, replay = notify(method, callback), notify(method, callback)
    assert (first.status_code, replay.status_code) == (200, 200)
    assert json.loads(first.content) == {"success": True}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")
    assert payment.account.ledger.count() == 1
    assert AuditEntry.objects.get(action="payment.approve").actor_name == "gateway:tripay"
    assert audit() == []


def test_the_fee_tripay_charges_the_customer_is_not_part_of_the_deposit(method, tripay):
    tripay.fee_customer = 1870
    payment = started(method)
    assert notify(method, tripay.pay(payment.gateway_reference)).status_code == 200
    assert balance(payment) == Decimal("10")


def test_a_forged_or_altered_callback_is_refused(method, tripay):
    payment = started(method)
    body, headers = tripay.pay(payment.gateway_reference)
    forged = notify(method, (body, headers), X_Callback_Signature="0" * 64)
    assert forged.status_code == 403
    assert json.loads(forged.content) == {
        "success": False,
        "message": "The payment notification's signature is wrong",
    }
    altered = body.replace(b'"total_amount": 160000', b'"total_amount": 1600000')
    assert altered != body
    assert notify(method, (altered, headers)).status_code == 403
    unsigned = {"X-Callback-Event": "payment_status"}
    assert notify(method, (body, unsigned)).status_code == 403
    unchanged(payment)


def test_a_payment_of_another_amount_is_refused(method, tripay):
    payment = started(method)
    callback = tripay.pay(payment.gateway_reference, total_amount=150000)
    assert notify(method, callback).status_code == 400
    unchanged(payment)


def test_a_callback_for_a_payment_that_does_not_exist_is_refused(method, tripay):
    payment = started(method)
    body, _ = tripay.pay(payment.gateway_reference)
    for ref in ("smm-999999", "INV-42"):
        other = {**json.loads(body), "merchant_ref": ref, "reference": f"T-{ref}"}
        assert notify(method, tripay.sign(other)).status_code == 400
    unchanged(payment)


def test_a_callback_of_another_event_is_acknowledged_and_changes_nothing(method, tripay):
    payment = started(method)
    response = notify(method, tripay.pay(payment.gateway_reference), X_Callback_Event="other")
    assert response.status_code == 200
    unchanged(payment)


def test_an_unpaid_after_paid_changes_nothing(method, tripay):
    payment = started(method)
    notify(method, tripay.pay(payment.gateway_reference))
    assert notify(method, tripay.pay(payment.gateway_reference, "UNPAID")).status_code == 200
    assert notify(method, tripay.pay(payment.gateway_reference, "EXPIRED")).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")


@pytest.mark.parametrize(
    ("status", "closed"), [("EXPIRED", PaymentStatus.EXPIRED), ("FAILED", PaymentStatus.REJECTED)]
)
def test_an_expired_or_failed_transaction_closes_the_payment(method, tripay, status, closed):
    payment = started(method)
    assert notify(method, tripay.pay(payment.gateway_reference, status)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == closed


def test_a_refund_takes_the_deposit_back(method, tripay):
    payment = started(method)
    notify(method, tripay.pay(payment.gateway_reference))
    assert notify(method, tripay.pay(payment.gateway_reference, "REFUND")).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REVERSED and balance(payment) == 0
    assert audit() == []


def test_a_lost_callback_is_recovered_by_the_worker(method, tripay):
    payment = started(method)
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    tripay.pay(payment.gateway_reference)  # paid; the callback never arrives
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")
    checked = tripay.requests[-1]
    assert (checked.path, checked.query) == (
        "/transaction/detail",
        {"reference": payment.gateway_reference},
    )
    assert audit() == []


def test_tripay_refusing_the_transaction_leaves_the_payment_rejected(method, tripay):
    tripay.private_key = "another key"  # so the request's signature does not verify
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal("10"))
    with pytest.raises(PaymentError) as refused:
        start_payment(payment=payment)
    assert refused.value.code == PaymentErrorCode.GATEWAY_UNAVAILABLE
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED


def test_a_method_must_be_in_rupiah(db):
    credentials = {"api_key": "k", "private_key": "p", "merchant_code": "m", "channel": "QRIS"}
    with pytest.raises(PaymentError) as refused:
        make_method("tripay", credentials=credentials, currency="USD")
    assert refused.value.code == PaymentErrorCode.UNSUPPORTED_CURRENCY
