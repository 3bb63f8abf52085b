"""VNPay against a fake of its documented page, IPN and querydr over real HTTP: the payment URL
signed, the IPN (a GET) verified and answered with VNPay's RspCodes, credited once, a lost IPN
recovered by querydr, everything that does not verify or match refused with nothing changed."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from django.test import Client

from smmpanel.accounts.ledger import audit
from smmpanel.accounts.models import Account
from smmpanel.payments.gateways.vnpay import vnp_time
from smmpanel.payments.models import Payment, PaymentMethod, PaymentStatus
from smmpanel.payments.operations import create_payment, start_payment
from smmpanel.worker.loop import run_once
from tests.factories import make_account
from tests.payments.factories import make_method
from tests.payments.fakes.vnpay import FakeVnpay

TMN, SECRET = "DEMOV210", "RAOEXHYVSDDIIENYWSLDIIZTANXUXZFJ"


@pytest.fixture
def vnpay():
    with FakeVnpay(TMN, SECRET) as fake:
        yield fake


@pytest.fixture
def method(db, vnpay) -> PaymentMethod:
    credentials = {"tmn_code": TMN, "hash_secret": SECRET, "api_url": vnpay.url}
    return make_method(
        "vnpay", credentials=credentials, currency="VND", exchange_rate=Decimal(25000)
    )


def started(method: PaymentMethod, vnpay: FakeVnpay) -> Payment:
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal("10"))
    checkout = start_payment(payment=payment)
    assert checkout is not None
    assert httpx.get(checkout.url).text == "<html>VNPAY</html>"  # VNPay takes the signature
    payment.refresh_from_db()
    return payment


def ipn(method: PaymentMethod, params: dict[str, str]):
    return Client().get(f"/payments/callback/vnpay/{method.pk}/", params)


def balance(payment: Payment) -> Decimal:
    return Account.objects.get(pk=payment.account_id).balance


def unchanged(payment: Payment) -> None:
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and balance(payment) == 0


def test_the_payment_url_carries_the_documented_signed_parameters(method, vnpay):
    payment = started(method, vnpay)
    url = urlsplit(payment.checkout_url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{vnpay.url}/paymentv2/vpcpay.html"
    sent = dict(parse_qsl(url.query))
    assert len(sent.pop("vnp_SecureHash")) == 128
    assert sent == {
        "vnp_Version": "2.1.0",
        "vnp_Command": "pay",
        "vnp_TmnCode": TMN,
        "vnp_Amount": "25000000",  # 250,000 dong x 100
        "vnp_CreateDate": vnp_time(payment.created_at),
        "vnp_ExpireDate": vnp_time(payment.expires_at),
        "vnp_CurrCode": "VND",
        "vnp_IpAddr": "127.0.0.1",
        "vnp_Locale": "vn",
        "vnp_OrderInfo": f"Nap tien thanh toan {payment.pk}",
        "vnp_OrderType": "other",
        "vnp_ReturnUrl": f"http://testserver/funds/payments/{payment.pk}/",
        "vnp_TxnRef": str(payment.pk),
    }
    assert list(sent) == sorted(sent)  # sorted by name, as VNPay signs them


def test_a_paid_ipn_credits_once_and_a_replay_is_already_confirmed(method, vnpay):
    payment = started(method, vnpay)
    params = vnpay.pay(str(payment.pk))
    first = ipn(method, params)
    assert (first.status_code, first.json()) == (
        200,
        {"RspCode": "00", "Message": "Confirm Success"},
    )
    again = ipn(method, params)
    assert again.json() == {"RspCode": "02", "Message": "Order already confirmed"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED
    assert payment.gateway_reference == params["vnp_TransactionNo"]
    assert balance(payment) == Decimal("10")
    assert audit() == []


def test_the_ipn_is_a_get(method, vnpay):
    payment = started(method, vnpay)
    response = Client().post(f"/payments/callback/vnpay/{method.pk}/", vnpay.pay(str(payment.pk)))
    assert response.status_code == 405
    unchanged(payment)


@pytest.mark.parametrize(
    ("change", "status", "answer"),
    [
        ({"vnp_SecureHash": "0" * 128}, 403, {"RspCode": "97", "Message": "Invalid Checksum"}),
        ({"vnp_TmnCode": "OTHER123"}, 403, {"RspCode": "97", "Message": "Invalid Checksum"}),
    ],
)
def test_a_forged_ipn_is_refused_with_rspcode_97(method, vnpay, change, status, answer):
    payment = started(method, vnpay)
    params = vnpay.pay(str(payment.pk))
    if "vnp_SecureHash" in change:
        params.update(change)
    else:
        params = vnpay.ipn(str(payment.pk), **change)  # signed, but for another merchant
    response = ipn(method, params)
    assert (response.status_code, response.json()) == (status, answer)
    unchanged(payment)


def test_a_changed_amount_is_refused_with_rspcode_04(method, vnpay):
    payment = started(method, vnpay)
    vnpay.pay(str(payment.pk))
    response = ipn(method, vnpay.ipn(str(payment.pk), vnp_Amount="100000"))
    assert (response.status_code, response.json()["RspCode"]) == (400, "04")
    unchanged(payment)


def test_an_ipn_for_no_payment_of_ours_is_refused_with_rspcode_01(method, vnpay):
    response = ipn(method, vnpay.ipn("987654"))
    assert (response.status_code, response.json()) == (
        400,
        {"RspCode": "01", "Message": "Order not found"},
    )


def test_a_failed_ipn_after_paid_changes_nothing(method, vnpay):
    payment = started(method, vnpay)
    ipn(method, vnpay.pay(str(payment.pk)))
    late = ipn(
        method, vnpay.ipn(str(payment.pk), vnp_ResponseCode="24", vnp_TransactionStatus="02")
    )
    assert late.json()["RspCode"] == "02"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")


def test_a_cancelled_payment_is_rejected(method, vnpay):
    payment = started(method, vnpay)
    assert ipn(method, vnpay.pay(str(payment.pk), paid=False)).json()["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED and balance(payment) == 0


def test_a_lost_ipn_is_recovered_by_querydr(method, vnpay):
    payment = started(method, vnpay)
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    unchanged(payment)  # not paid yet: querydr says "01"
    vnpay.pay(str(payment.pk))  # paid, the IPN lost
    payment.refresh_from_db()
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")
    query = [r for r in vnpay.requests if r.path == "/merchant_webapi/api/transaction"][-1].json()
    assert (query["vnp_Command"], query["vnp_TxnRef"]) == ("querydr", str(payment.pk))
    assert query["vnp_TransactionDate"] == vnp_time(payment.created_at)
    assert audit() == []


def test_a_payment_vnpay_never_saw_stays_waiting(method, vnpay):
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal("10"))
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))  # querydr: "91" unknown
    unchanged(payment)
