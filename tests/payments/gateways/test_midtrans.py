"""Midtrans Snap against a fake of its documented API over real HTTP: the transaction opened,
the notification verified (signature, then the status API), credited once, and everything that
does not verify or match refused with nothing changed."""

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
from smmpanel.payments.gateways.midtrans import order_id
from smmpanel.payments.models import Payment, PaymentMethod, PaymentStatus
from smmpanel.payments.operations import create_payment, start_payment
from smmpanel.worker.loop import run_once
from tests.factories import make_account
from tests.payments.factories import make_method
from tests.payments.fakes.midtrans import FakeMidtrans

SERVER_KEY = "SB-Mid-server-test-key"
# 10 of the panel's currency at 16,000 rupiah each.
RATE = Decimal("16000")


@pytest.fixture
def midtrans():
    with FakeMidtrans(SERVER_KEY) as fake:
        yield fake


@pytest.fixture
def method(db, midtrans) -> PaymentMethod:
    return make_method(
        "midtrans",
        credentials={"server_key": SERVER_KEY, "api_url": midtrans.url},
        currency="IDR",
        exchange_rate=RATE,
    )


def started(method: PaymentMethod, amount: str = "10") -> Payment:
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal(amount))
    start_payment(payment=payment)
    payment.refresh_from_db()
    return payment


def notify(method: PaymentMethod, body: dict):
    url = f"/payments/callback/midtrans/{method.pk}/"
    return Client().post(url, json.dumps(body), content_type="application/json")


def balance(payment: Payment) -> Decimal:
    return Account.objects.get(pk=payment.account_id).balance


def unchanged(payment: Payment) -> None:
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert balance(payment) == 0
    assert not AuditEntry.objects.filter(action__startswith="payment.").exists()


def test_start_opens_a_snap_transaction_as_documented(method, midtrans):
    payment = started(method)
    assert (payment.gateway_amount, payment.currency) == (Decimal("160000"), "IDR")
    sent = midtrans.requests[-1]
    assert (sent.method, sent.path) == ("POST", "/snap/v1/transactions")
    key = base64.b64encode(f"{SERVER_KEY}:".encode()).decode()
    assert sent.header("authorization") == f"Basic {key}"
    assert sent.header("content-type") == "application/json"
    callback = f"http://testserver/payments/callback/midtrans/{method.pk}/"
    assert sent.header("x-override-notification") == callback
    assert sent.json() == {
        "transaction_details": {"order_id": f"smm-{payment.pk}", "gross_amount": 160000},
        "callbacks": {"finish": f"http://testserver/funds/payments/{payment.pk}/"},
    }
    token = midtrans.transactions[f"smm-{payment.pk}"].token
    assert payment.checkout_url == f"{midtrans.url}/snap/v4/redirection/{token}"


def test_a_settlement_is_checked_with_the_status_api_and_credited_once(method, midtrans):
    payment = started(method)
    notification = midtrans.pay(order_id(payment))
    first, replay = notify(method, notification), notify(method, notification)
    assert (first.status_code, replay.status_code) == (200, 200)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED
    assert payment.gateway_reference == notification["transaction_id"]
    assert balance(payment) == Decimal("10")
    assert payment.account.ledger.count() == 1
    checks = [r.path for r in midtrans.requests if r.method == "GET"]
    assert checks == [f"/v2/smm-{payment.pk}/status"] * 2
    entry = AuditEntry.objects.get(action="payment.approve")
    assert entry.actor_name == "gateway:midtrans"
    assert audit() == []


def test_a_forged_signature_is_refused_without_asking_midtrans(method, midtrans):
    payment = started(method)
    notification = midtrans.pay(order_id(payment))
    forged = {**notification, "signature_key": "0" * 128}
    assert notify(method, forged).status_code == 403
    signed_by_another = {**notification, "gross_amount": "1.00"}
    assert notify(method, signed_by_another).status_code == 403
    assert notify(method, {"order_id": order_id(payment)}).status_code == 403
    broken = Client().post(f"/payments/callback/midtrans/{method.pk}/", "{", "application/json")
    assert broken.status_code == 403
    assert [r.method for r in midtrans.requests] == ["POST"]
    unchanged(payment)


def test_a_payment_of_another_amount_is_refused(method, midtrans):
    payment = started(method)
    notification = midtrans.pay(order_id(payment), gross_amount=150000)
    assert notify(method, notification).status_code == 400
    unchanged(payment)


def test_a_payment_in_another_currency_is_refused(method, midtrans):
    payment = started(method)
    notification = midtrans.pay(order_id(payment), currency="USD")
    assert notify(method, notification).status_code == 400
    unchanged(payment)


def test_a_notification_for_a_payment_that_does_not_exist_is_refused(method, midtrans):
    payment = started(method)
    midtrans.pay(order_id(payment))
    for order in ("smm-999999", "someone-else-42"):
        status = {"order_id": order, "status_code": "200", "gross_amount": "160000.00"}
        status["signature_key"] = midtrans.sign(order, "200", "160000.00")
        assert notify(method, status).status_code == 400
    unchanged(payment)


def test_a_pending_after_the_settlement_changes_nothing(method, midtrans):
    payment = started(method)
    notify(method, midtrans.pay(order_id(payment)))
    late = midtrans.pay(order_id(payment), "pending")
    assert notify(method, late).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")
    assert AuditEntry.objects.filter(action__startswith="payment.").count() == 1


def test_a_card_capture_waits_for_the_fraud_check(method, midtrans):
    payment = started(method)
    challenged = midtrans.pay(order_id(payment), "capture", fraud_status="challenge")
    assert notify(method, challenged).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    accepted = midtrans.pay(order_id(payment), "capture", fraud_status="accept")
    assert notify(method, accepted).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED


@pytest.mark.parametrize(
    ("status", "closed"),
    [("cancel", PaymentStatus.REJECTED), ("expire", PaymentStatus.EXPIRED)],
)
def test_a_cancelled_or_expired_transaction_closes_the_payment(method, midtrans, status, closed):
    payment = started(method)
    assert notify(method, midtrans.pay(order_id(payment), status)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == closed and balance(payment) == 0


def test_a_denied_attempt_leaves_the_payment_open_for_another(method, midtrans):
    payment = started(method)
    denied = midtrans.pay(order_id(payment), "deny", payment_type="credit_card")
    assert notify(method, denied).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert notify(method, midtrans.pay(order_id(payment), payment_type="qris")).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")


def test_a_refund_takes_the_deposit_back(method, midtrans):
    payment = started(method)
    notify(method, midtrans.pay(order_id(payment)))
    assert notify(method, midtrans.pay(order_id(payment), "refund")).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REVERSED and balance(payment) == 0
    assert audit() == []


def test_a_partial_refund_only_joins_the_history(method, midtrans):
    payment = started(method)
    notify(method, midtrans.pay(order_id(payment)))
    assert notify(method, midtrans.pay(order_id(payment), "partial_refund")).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")
    assert "partial_refund" in payment.events.last().detail


def test_a_status_api_that_fails_refuses_the_notification_so_midtrans_retries(method, midtrans):
    payment = started(method)
    notification = midtrans.pay(order_id(payment))
    midtrans.failing = True
    assert notify(method, notification).status_code == 400
    unchanged(payment)
    midtrans.failing = False
    assert notify(method, notification).status_code == 200


def test_a_lost_notification_is_recovered_by_the_worker(method, midtrans):
    payment = started(method)
    assert payment.next_attempt_at is not None
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING  # not paid yet: Midtrans says 404
    midtrans.pay(order_id(payment))  # paid, and its notification lost
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")
    assert AuditEntry.objects.get(action="payment.approve").actor_name == "system"
    assert audit() == []


def test_midtrans_refusing_the_transaction_leaves_the_payment_rejected(method, midtrans):
    account, _ = make_account()
    first = create_payment(account=account, method=method, amount=Decimal("10"))
    start_payment(payment=first)
    midtrans.server_key = "another key"
    second = create_payment(account=account, method=method, amount=Decimal("10"))
    with pytest.raises(PaymentError) as refused:
        start_payment(payment=second)
    assert refused.value.code == PaymentErrorCode.GATEWAY_UNAVAILABLE
    second.refresh_from_db()
    assert second.status == PaymentStatus.REJECTED


def test_a_method_must_be_in_rupiah(db):
    with pytest.raises(PaymentError) as refused:
        make_method("midtrans", credentials={"server_key": SERVER_KEY}, currency="USD")
    assert refused.value.code == PaymentErrorCode.UNSUPPORTED_CURRENCY
