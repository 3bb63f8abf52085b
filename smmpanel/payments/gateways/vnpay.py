"""VNPay (Vietnam): the customer pays on VNPay's page; VNPay's IPN (a GET) says the outcome.

Follows VNPay's integration docs, https://sandbox.vnpayment.vn/apis/docs/:
- "Thanh toán PAY" (thanh-toan-pay/pay.html), "Tạo URL Thanh toán": version 2.1.0, the
  parameters vnp_Version, vnp_Command=pay, vnp_TmnCode, vnp_Amount (the amount x 100),
  vnp_CreateDate / vnp_ExpireDate (yyyyMMddHHmmss, GMT+7), vnp_CurrCode=VND, vnp_IpAddr,
  vnp_Locale, vnp_OrderInfo (no diacritics), vnp_OrderType, vnp_ReturnUrl, vnp_TxnRef (our
  payment id); vnp_SecureHash the HMAC-SHA512, keyed with the hash secret, of the parameters
  sorted by name and URL-encoded (`key=quote_plus(value)&...`), as VNPay's Python sample does;
- "Code IPN URL": VNPay calls the IPN URL with GET and the vnp_* result parameters signed the
  same way (vnp_SecureHash and vnp_SecureHashType left out); paid when vnp_ResponseCode and
  vnp_TransactionStatus are both "00". The merchant answers JSON {"RspCode", "Message"}:
  "00" Confirm Success, "02" Order already confirmed, "01" Order not found, "04" Invalid
  amount, "97" Invalid Checksum, "99" Unknown error (`acknowledge`, `refusal`);
- "Truy vấn kết quả thanh toán (QueryDr)" (truy-van-hoan-tien/querydr&refund.html): POST JSON
  to /merchant_webapi/api/transaction, vnp_Command=querydr, signed HMAC-SHA512 of
  `RequestId|Version|Command|TmnCode|TxnRef|TransactionDate|CreateDate|IpAddr|OrderInfo`; the
  answer signed over `ResponseId|Command|ResponseCode|Message|TmnCode|TxnRef|Amount|BankCode|
  PayDate|TransactionNo|TransactionType|TransactionStatus|OrderInfo|PromotionCode|
  PromotionAmount`; vnp_ResponseCode "91" is a transaction VNPay does not know (not paid yet).

Credentials: `tmn_code`, `hash_secret`; `api_url` points at another host laid out as the
sandbox (https://sandbox.vnpayment.vn: /paymentv2/vpcpay.html, /merchant_webapi/...).
"""

import hashlib
import hmac
import uuid
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

import httpx
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import Checkout, Gateway, GatewayState, MethodConfig, Report
from smmpanel.payments.models import Payment, PaymentEvent

PAY_URL = "https://pay.vnpay.vn/vpcpay.html"
API_URL = "https://merchant.vnpay.vn/merchant_webapi/api/transaction"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
VERSION = "2.1.0"
# The panel's own address where VNPay asks for the customer's: start() runs without a request.
SERVER_IP = "127.0.0.1"
TIMEOUT = 15
REFUSALS = {
    PaymentErrorCode.BAD_SIGNATURE: ("97", "Invalid Checksum"),
    PaymentErrorCode.NO_SUCH_PAYMENT: ("01", "Order not found"),
    PaymentErrorCode.AMOUNT_MISMATCH: ("04", "Invalid amount"),
    PaymentErrorCode.CURRENCY_MISMATCH: ("04", "Invalid amount"),
}
# querydr's vnp_TransactionStatus: 00 paid, 01 not finished, 02 failed; the rest (refunds being
# processed, suspected fraud) leave the payment as it is.
STATES = {"00": GatewayState.PAID, "01": GatewayState.PENDING, "02": GatewayState.FAILED}


def vnp_time(moment: datetime) -> str:
    return timezone.localtime(moment, VIETNAM).strftime("%Y%m%d%H%M%S")


def hash_data(params: dict[str, str]) -> str:
    """The signed string: vnp_* parameters sorted by name, values URL-encoded."""
    return "&".join(
        f"{key}={quote_plus(str(value))}"
        for key, value in sorted(params.items())
        if key.startswith("vnp_") and key not in ("vnp_SecureHash", "vnp_SecureHashType")
    )


def sign(secret: str, data: str) -> str:
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def _urls(config: MethodConfig) -> tuple[str, str]:
    base = config.credential("api_url").rstrip("/")
    if not base:
        return PAY_URL, API_URL
    return f"{base}/paymentv2/vpcpay.html", f"{base}/merchant_webapi/api/transaction"


def _amount(value: object) -> Decimal:
    try:
        return Decimal(str(value)) / 100
    except InvalidOperation:
        raise PaymentError(PaymentErrorCode.AMOUNT_MISMATCH) from None


def _payment_id(reference: str) -> int | None:
    return int(reference) if reference.isascii() and reference.isdigit() else None


class VnpayGateway(Gateway):
    code = "vnpay"
    label = "VNPay"
    credential_names = ("tmn_code", "hash_secret")
    currencies = ("VND",)
    polls = True
    notification_methods = ("GET",)

    def start(self, payment: Payment, config: MethodConfig) -> Checkout:
        amount = payment.gateway_amount if payment.gateway_amount is not None else payment.amount
        expires = payment.expires_at or payment.created_at + timedelta(hours=24)
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": config.credential("tmn_code"),
            "vnp_Amount": str(int(amount * 100)),
            "vnp_CreateDate": vnp_time(payment.created_at),
            "vnp_ExpireDate": vnp_time(expires),
            "vnp_CurrCode": "VND",
            "vnp_IpAddr": SERVER_IP,
            "vnp_Locale": "vn",
            "vnp_OrderInfo": f"Nap tien thanh toan {payment.pk}",
            "vnp_OrderType": "other",
            "vnp_ReturnUrl": self.return_url(payment),
            "vnp_TxnRef": str(payment.pk),
        }
        query = hash_data(params)
        signature = sign(config.credential("hash_secret"), query)
        pay_url, _ = _urls(config)
        return Checkout(url=f"{pay_url}?{query}&vnp_SecureHash={signature}")

    def read_notification(self, request: HttpRequest, config: MethodConfig) -> list[Report]:
        params = request.GET.dict()
        given = params.get("vnp_SecureHash", "").lower()
        expected = sign(config.credential("hash_secret"), hash_data(params))
        if not config.credential("hash_secret") or not hmac.compare_digest(expected, given):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        if params.get("vnp_TmnCode") != config.credential("tmn_code"):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        payment_id = _payment_id(params.get("vnp_TxnRef", ""))
        if payment_id is None:
            raise PaymentError(PaymentErrorCode.NO_SUCH_PAYMENT)
        paid = params.get("vnp_ResponseCode") == "00" == params.get("vnp_TransactionStatus")
        number = params.get("vnp_TransactionNo", "")
        return [
            Report(
                state=GatewayState.PAID if paid else GatewayState.FAILED,
                payment_id=payment_id,
                gateway_reference=number if number.strip("0") else "",
                amount=_amount(params.get("vnp_Amount")),
                currency="VND",
                detail=f"vnp_ResponseCode {params.get('vnp_ResponseCode', '')}",
            )
        ]

    def acknowledge(self, reports: list[Report]) -> HttpResponse:
        if any(_decided_before(report) for report in reports):
            return JsonResponse({"RspCode": "02", "Message": "Order already confirmed"})
        return JsonResponse({"RspCode": "00", "Message": "Confirm Success"})

    def refusal(self, error: PaymentError) -> HttpResponse:
        code, message = REFUSALS.get(error.code, ("99", "Unknown error"))
        return JsonResponse({"RspCode": code, "Message": message})

    def check(self, payment: Payment, config: MethodConfig) -> Report | None:
        secret, tmn_code = config.credential("hash_secret"), config.credential("tmn_code")
        query = {
            "vnp_RequestId": uuid.uuid4().hex,
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": tmn_code,
            "vnp_TxnRef": str(payment.pk),
            "vnp_OrderInfo": f"Kiem tra thanh toan {payment.pk}",
            "vnp_TransactionDate": vnp_time(payment.created_at),
            "vnp_CreateDate": vnp_time(timezone.now()),
            "vnp_IpAddr": SERVER_IP,
        }
        signed = "|".join(
            query[name]
            for name in (
                "vnp_RequestId",
                "vnp_Version",
                "vnp_Command",
                "vnp_TmnCode",
                "vnp_TxnRef",
                "vnp_TransactionDate",
                "vnp_CreateDate",
                "vnp_IpAddr",
                "vnp_OrderInfo",
            )
        )
        _, api_url = _urls(config)
        reply = httpx.post(
            api_url, json={**query, "vnp_SecureHash": sign(secret, signed)}, timeout=TIMEOUT
        )
        reply.raise_for_status()
        data = {key: "" if value is None else str(value) for key, value in reply.json().items()}
        if data.get("vnp_ResponseCode") == "91":  # VNPay knows no such transaction: not paid
            return None
        if data.get("vnp_ResponseCode") != "00":
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        answer = "|".join(
            data.get(name, "")
            for name in (
                "vnp_ResponseId",
                "vnp_Command",
                "vnp_ResponseCode",
                "vnp_Message",
                "vnp_TmnCode",
                "vnp_TxnRef",
                "vnp_Amount",
                "vnp_BankCode",
                "vnp_PayDate",
                "vnp_TransactionNo",
                "vnp_TransactionType",
                "vnp_TransactionStatus",
                "vnp_OrderInfo",
                "vnp_PromotionCode",
                "vnp_PromotionAmount",
            )
        )
        if not hmac.compare_digest(sign(secret, answer), data.get("vnp_SecureHash", "").lower()):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        state = STATES.get(data.get("vnp_TransactionStatus", ""))
        if state is None or data.get("vnp_TxnRef") != str(payment.pk):
            return None
        number = data.get("vnp_TransactionNo", "")
        return Report(
            state=state,
            payment_id=payment.pk,
            gateway_reference=number if number.strip("0") else "",
            amount=_amount(data.get("vnp_Amount")),
            currency="VND",
            detail=f"querydr vnp_TransactionStatus {data.get('vnp_TransactionStatus')}",
        )


def _decided_before(report: Report) -> bool:
    """Whether the payment was credited or closed before this notification came (VNPay's
    "02 Order already confirmed"): a decision in its history before its last notification."""
    if report.payment_id is None:
        return False
    events = PaymentEvent.objects.filter(payment_id=report.payment_id)
    last = events.filter(kind=PaymentEvent.Kind.NOTIFICATION).order_by("-pk").first()
    decisions = (PaymentEvent.Kind.CREDITED, PaymentEvent.Kind.REJECTED, PaymentEvent.Kind.REVERSED)
    return last is not None and events.filter(kind__in=decisions, pk__lt=last.pk).exists()
