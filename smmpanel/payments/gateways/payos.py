"""payOS (Vietnam, by Casso): a payment link paid by VietQR bank transfer, confirmed by webhook.

Through the official SDK (`payos` 1.1 on PyPI, github.com/payOSHQ/payos-lib-python), pointed
at `api_url` (its `base_url`), and following https://payos.vn/docs:
- "Tạo link thanh toán" (API: POST /v2/payment-requests): orderCode (our payment id),
  amount (whole dong), description (25 characters at most), cancelUrl, returnUrl, expiredAt;
  `signature` the HMAC-SHA256, keyed with the checksum key, of
  `amount=..&cancelUrl=..&description=..&orderCode=..&returnUrl=..`; the headers x-client-id
  and x-api-key; the answer {code: "00", data: {checkoutUrl, paymentLinkId, qrCode, ...},
  signature} (the SDK checks the answer's signature too);
- "Webhook" (Kiểm tra dữ liệu webhook): the POSTed {code, desc, success, data: {orderCode,
  amount, description, accountNumber, reference, transactionDateTime, currency,
  paymentLinkId, code, desc, counterAccount...}, signature}, where signature is the
  HMAC-SHA256 of the `data` object's keys sorted and joined as `key=value&...` (the SDK's
  `create_signature_from_object`, applied here to the data as received so that a field
  payOS adds later still verifies); paid when both codes are "00"; any 2xx ends it;
- "Lấy thông tin link thanh toán" (GET /v2/payment-requests/{id}): status PENDING,
  PROCESSING, UNDERPAID (waiting), PAID, CANCELLED, FAILED, EXPIRED, with amountPaid.

Credentials: `client_id`, `api_key`, `checksum_key`.
"""

import hmac
import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from payos import PayOS
from payos._core.exceptions import PayOSError
from payos._crypto.provider import CryptoProvider
from payos.types import CreatePaymentLinkRequest

from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import Checkout, Gateway, GatewayState, MethodConfig, Report
from smmpanel.payments.models import Payment

TIMEOUT = 15
STATES = {
    "PAID": GatewayState.PAID,
    "PENDING": GatewayState.PENDING,
    "PROCESSING": GatewayState.PENDING,
    "UNDERPAID": GatewayState.PENDING,
    "CANCELLED": GatewayState.FAILED,
    "FAILED": GatewayState.FAILED,
    "EXPIRED": GatewayState.EXPIRED,
}


def client(config: MethodConfig) -> PayOS:
    return PayOS(
        client_id=config.credential("client_id"),
        api_key=config.credential("api_key"),
        checksum_key=config.credential("checksum_key"),
        base_url=config.credential("api_url") or None,
        timeout=TIMEOUT,
        max_retries=0,  # the worker asks again later; a payment is never opened twice
    )


def data_signature(data: dict[str, Any], checksum_key: str) -> str:
    return CryptoProvider().create_signature_from_object(data, checksum_key) or ""


class PayosGateway(Gateway):
    code = "payos"
    label = "payOS"
    credential_names = ("client_id", "api_key", "checksum_key")
    currencies = ("VND",)
    polls = True

    def start(self, payment: Payment, config: MethodConfig) -> Checkout:
        amount = payment.gateway_amount if payment.gateway_amount is not None else payment.amount
        back = self.return_url(payment)
        request = CreatePaymentLinkRequest(
            order_code=payment.pk,
            amount=int(amount),
            description=f"Nap tien {payment.pk}"[:25],
            cancel_url=back,
            return_url=back,
            expired_at=int(payment.expires_at.timestamp()) if payment.expires_at else None,
        )
        try:
            with client(config) as payos:
                link = payos.payment_requests.create(request)
        except PayOSError as error:
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE) from error
        return Checkout(url=link.checkout_url, gateway_reference=link.payment_link_id)

    def read_notification(self, request: HttpRequest, config: MethodConfig) -> list[Report]:
        try:
            body: Any = json.loads(request.body)
        except ValueError:
            body = None
        key = config.credential("checksum_key")
        data = body.get("data") if isinstance(body, dict) else None
        if not key or not isinstance(data, dict) or not isinstance(body.get("signature"), str):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        if not hmac.compare_digest(data_signature(data, key), body["signature"]):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        order = data.get("orderCode")
        if not isinstance(order, int):
            raise PaymentError(PaymentErrorCode.NO_SUCH_PAYMENT)
        paid = body.get("code") == "00" == data.get("code")
        return [
            Report(
                state=GatewayState.PAID if paid else GatewayState.FAILED,
                payment_id=order,
                gateway_reference=str(data.get("paymentLinkId") or ""),
                amount=Decimal(str(data.get("amount"))),
                currency=str(data.get("currency") or "VND").upper(),
                detail=f"{data.get('code')} {data.get('desc', '')} {data.get('reference', '')}",
            )
        ]

    def acknowledge(self, reports: list[Report]) -> HttpResponse:
        return JsonResponse({"success": True})

    def check(self, payment: Payment, config: MethodConfig) -> Report | None:
        try:
            with client(config) as payos:
                link = payos.payment_requests.get(payment.pk)
        except PayOSError as error:
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE) from error
        state = STATES.get(link.status)
        if state is None or link.order_code != payment.pk:
            return None
        paid = link.amount_paid if state == GatewayState.PAID else link.amount
        return Report(
            state=state,
            payment_id=payment.pk,
            gateway_reference=link.id,
            amount=Decimal(paid),
            currency="VND",
            detail=f"payment link {link.status}",
        )
