"""MoMo AIO v2 against a fake of its documented API over real HTTP: the payment created and
signed, the IPN verified and answered 204, credited once, a lost IPN recovered by the query
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
from tests.payments.fakes.momo import CREATE, FakeMomo

PARTNER, ACCESS, SECRET = "MOMOBKUN20180529", "klm05TvNBzhg7h7j", "at67qH6mk8w5Y1nAyMoYKMWACiEi2bsa"


@pytest.fixture
def momo():
    with FakeMomo(PARTNER, ACCESS, SECRET) as fake:
        yield fake


@pytest.fixture
def method(db, momo) -> PaymentMethod:
    credentials = {
        "partner_code": PARTNER,
        "access_key": ACCESS,
        "secret_key": SECRET,
        "api_url": momo.url,
    }
    return make_method(
        "momo", credentials=credentials, currency="VND", exchange_rate=Decimal(25000)
    )


def started(method: PaymentMethod) -> Payment:
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal("10"))
    start_payment(payment=payment)
    payment.refresh_from_db()
    return payment


def notify(method: PaymentMethod, body: dict):
    url = f"/payments/callback/momo/{method.pk}/"
    return Client().post(url, json.dumps(body), content_type="application/json")


def balance(payment: Payment) -> Decimal:
    return Account.objects.get(pk=payment.account_id).balance


def unchanged(payment: Payment) -> None:
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and balance(payment) == 0


def test_start_creates_a_signed_capture_wallet_payment(method, momo):
    payment = started(method)
    sent = momo.requests[-1]
    assert (sent.method, sent.path) == ("POST", "/v2/gateway/api/create")
    body = sent.json()
    assert body["signature"] == momo.sign(body, CREATE)
    assert {k: v for k, v in body.items() if k not in ("requestId", "signature")} == {
        "partnerCode": PARTNER,
        "amount": 250000,
        "orderId": str(payment.pk),
        "orderInfo": f"Nap tien thanh toan {payment.pk}",
        "redirectUrl": f"http://testserver/funds/payments/{payment.pk}/",
        "ipnUrl": f"http://testserver/payments/callback/momo/{method.pk}/",
        "requestType": "captureWallet",
        "extraData": "",
        "lang": "vi",
    }
    assert payment.checkout_url.startswith("https://test-payment.momo.vn/v2/gateway/pay")


def test_a_paid_ipn_credits_once_and_is_answered_204(method, momo):
    payment = started(method)
    body = momo.pay(str(payment.pk))
    first = notify(method, body)
    assert (first.status_code, first.content) == (204, b"")
    assert notify(method, body).status_code == 204  # a replay changes nothing
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")
    assert payment.gateway_reference == str(body["transId"])
    assert audit() == []


def test_a_forged_ipn_is_refused(method, momo):
    payment = started(method)
    body = momo.pay(str(payment.pk))
    assert notify(method, {**body, "signature": "0" * 64}).status_code == 403
    assert notify(method, {**body, "amount": 1000}).status_code == 403  # changed after signing
    unchanged(payment)


def test_a_signed_ipn_for_another_amount_is_refused(method, momo):
    payment = started(method)
    momo.pay(str(payment.pk))
    assert notify(method, momo.ipn(str(payment.pk), amount=1000)).status_code == 400
    unchanged(payment)


def test_an_ipn_for_no_payment_of_ours_is_refused(method, momo):
    assert notify(method, momo.ipn("999999")).status_code == 400


def test_a_failed_ipn_after_paid_changes_nothing(method, momo):
    payment = started(method)
    notify(method, momo.pay(str(payment.pk)))
    assert notify(method, momo.ipn(str(payment.pk), resultCode=1006)).status_code == 204
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")


def test_a_declined_payment_is_rejected(method, momo):
    payment = started(method)
    assert notify(method, momo.pay(str(payment.pk), result_code=1006)).status_code == 204
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED and balance(payment) == 0


def test_a_lost_ipn_is_recovered_by_the_query_api(method, momo):
    payment = started(method)
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    unchanged(payment)  # resultCode 1000: the customer has not paid yet
    momo.pay(str(payment.pk))
    payment.refresh_from_db()
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")
    assert momo.requests[-1].path == "/v2/gateway/api/query"
    assert audit() == []
