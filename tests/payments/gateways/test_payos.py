"""payOS through its official SDK against a fake of its documented API over real HTTP: the link
created and signed, the webhook verified, credited once, a lost webhook recovered by the status
API, everything that does not verify or match refused with nothing changed."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from smmpanel.accounts.ledger import audit
from smmpanel.accounts.models import Account
from smmpanel.payments.models import Payment, PaymentMethod, PaymentStatus
from smmpanel.payments.operations import create_payment, start_payment
from smmpanel.worker.loop import run_once
from tests.factories import make_account
from tests.payments.factories import make_method
from tests.payments.fakes.payos import FakePayos, signed_fields

CLIENT, API_KEY, CHECKSUM = "client-id-1", "api-key-1", "checksum-key-1"


@pytest.fixture
def payos():
    with FakePayos(CLIENT, API_KEY, CHECKSUM) as fake:
        yield fake


@pytest.fixture
def method(db, payos) -> PaymentMethod:
    credentials = {
        "client_id": CLIENT,
        "api_key": API_KEY,
        "checksum_key": CHECKSUM,
        "api_url": payos.url,
    }
    return make_method(
        "payos", credentials=credentials, currency="VND", exchange_rate=Decimal(25000)
    )


def started(method: PaymentMethod) -> Payment:
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal("10"))
    start_payment(payment=payment)
    payment.refresh_from_db()
    return payment


def notify(method: PaymentMethod, body: dict):
    url = f"/payments/callback/payos/{method.pk}/"
    return Client().post(url, json.dumps(body), content_type="application/json")


def balance(payment: Payment) -> Decimal:
    return Account.objects.get(pk=payment.account_id).balance


def unchanged(payment: Payment) -> None:
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and balance(payment) == 0


def test_start_creates_a_signed_payment_link(method, payos):
    payment = started(method)
    sent = payos.requests[-1]
    assert (sent.method, sent.path) == ("POST", "/v2/payment-requests")
    assert (sent.header("x-client-id"), sent.header("x-api-key")) == (CLIENT, API_KEY)
    body = sent.json()
    back = f"http://testserver/funds/payments/{payment.pk}/"
    assert {
        k: body[k] for k in ("orderCode", "amount", "description", "cancelUrl", "returnUrl")
    } == {
        "orderCode": payment.pk,
        "amount": 250000,
        "description": f"Nap tien {payment.pk}",
        "cancelUrl": back,
        "returnUrl": back,
    }
    assert body["expiredAt"] == int(payment.expires_at.timestamp())
    link = payos.links[payment.pk]
    assert payment.checkout_url == f"https://pay.payos.vn/web/{link['id']}"
    assert payment.gateway_reference == link["id"]


def test_a_paid_webhook_credits_once(method, payos):
    payment = started(method)
    payos.pay(payment.pk)
    body = payos.webhook(payment.pk)
    first = notify(method, body)
    assert (first.status_code, first.json()) == (200, {"success": True})
    assert notify(method, body).status_code == 200  # a replay changes nothing
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")
    assert audit() == []


def test_a_forged_webhook_is_refused(method, payos):
    payment = started(method)
    body = payos.webhook(payment.pk)
    body["signature"] = "0" * 64
    assert notify(method, body).status_code == 403
    body = payos.webhook(payment.pk)
    body["data"]["amount"] = 1  # changed after signing
    assert notify(method, body).status_code == 403
    unchanged(payment)


@pytest.mark.parametrize(
    ("overrides", "status"),
    [({"amount": 1000}, 400), ({"currency": "USD"}, 400)],
)
def test_a_signed_webhook_for_another_amount_or_currency_is_refused(
    method, payos, overrides, status
):
    payment = started(method)
    assert notify(method, payos.webhook(payment.pk, **overrides)).status_code == status
    unchanged(payment)


def test_a_webhook_for_no_payment_of_ours_is_refused(method, payos):
    assert notify(method, payos.webhook(999999)).status_code == 400


def test_a_failed_webhook_after_paid_changes_nothing(method, payos):
    payment = started(method)
    notify(method, payos.webhook(payment.pk))
    assert notify(method, payos.webhook(payment.pk, code="01")).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")


def test_a_lost_webhook_is_recovered_by_the_status_api(method, payos):
    payment = started(method)
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    unchanged(payment)
    payos.pay(payment.pk)
    payment.refresh_from_db()
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")
    assert payos.requests[-1].path == f"/v2/payment-requests/{payment.pk}"
    assert audit() == []


def test_the_webhook_signature_is_the_sorted_data_as_documented():
    data = {"orderCode": 123, "amount": 3000, "description": "VQRIO123", "code": "00"}
    assert signed_fields(data) == "amount=3000&code=00&description=VQRIO123&orderCode=123"
