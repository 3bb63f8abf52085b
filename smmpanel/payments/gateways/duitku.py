"""Duitku POP: the customer chooses how to pay on Duitku's payment page; Duitku calls back.

Documentation followed: "Duitku POP" (https://docs.duitku.com/pop/en/), checked against
Duitku's own PHP library (github.com/duitkupg/duitku-php, `Duitku\\Pop` and `Duitku\\Config`):
- Creating the payment: "Create Invoice": POST `{base}/api/merchant/createInvoice` with the
  headers `x-duitku-signature` = SHA256(merchantCode + timestamp + apiKey) (hex),
  `x-duitku-timestamp` (milliseconds) and `x-duitku-merchantcode`; the JSON body holds
  `paymentAmount` (rupiah), `merchantOrderId` (our payment), `productDetails`, `email`,
  `customerVaName`, `callbackUrl` (the method's notification address), `returnUrl` and
  `expiryPeriod` (minutes). The reply's `reference` and `paymentUrl` are kept.
- The callback and its proof: "Callback": a form-encoded POST of merchantCode, amount,
  merchantOrderId, resultCode, reference, signature…; `signature` =
  MD5(merchantCode + amount + merchantOrderId + apiKey). resultCode "00" is paid, "01" failed.
- The status API: "Check Transaction": POST `{base}/api/merchant/transactionStatus` with
  merchantCode, merchantOrderId and `signature` = MD5(merchantCode + merchantOrderId + apiKey);
  statusCode "00" paid, "01" waiting, "02" cancelled.
- The acknowledgement: HTTP 200.
Bases: https://api-prod.duitku.com, and https://api-sandbox.duitku.com with `sandbox=yes`;
`api_url` replaces them. The Python packages named Duitku on PyPI are not Duitku's: httpx.

Credentials: `merchant_code`, `api_key` (the project's Merchant Code and API key).
"""

import hashlib
import hmac
import time
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
from django.conf import settings
from django.http import HttpRequest

from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import Checkout, Gateway, GatewayState, MethodConfig, Report
from smmpanel.payments.models import Payment

API_URL = "https://api-prod.duitku.com"
SANDBOX_URL = "https://api-sandbox.duitku.com"
TIMEOUT = httpx.Timeout(15.0)
ORDER_PREFIX = "smm-"

CALLBACK_STATES = {"00": GatewayState.PAID, "01": GatewayState.FAILED}
STATUS_STATES = {"00": GatewayState.PAID, "01": GatewayState.PENDING, "02": GatewayState.FAILED}


def merchant_order_id(payment: Payment) -> str:
    return f"{ORDER_PREFIX}{payment.pk}"


def payment_id(order: str) -> int | None:
    """Our payment's id in a `merchantOrderId`; None for one that is not ours."""
    number = order.removeprefix(ORDER_PREFIX)
    if order == number or not (number.isascii() and number.isdigit()) or len(number) > 18:
        return None
    return int(number)


def request_signature(merchant_code: str, timestamp: str, api_key: str) -> str:
    """`x-duitku-signature` of a Create Invoice request."""
    return hashlib.sha256(f"{merchant_code}{timestamp}{api_key}".encode()).hexdigest()


def callback_signature(merchant_code: str, amount: str, order: str, api_key: str) -> str:
    """The `signature` of a callback, as Duitku computes it."""
    return hashlib.md5(f"{merchant_code}{amount}{order}{api_key}".encode()).hexdigest()


def status_signature(merchant_code: str, order: str, api_key: str) -> str:
    """The `signature` of a Check Transaction request."""
    return hashlib.md5(f"{merchant_code}{order}{api_key}".encode()).hexdigest()


def _amount(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


class DuitkuGateway(Gateway):
    code = "duitku"
    label = "Duitku"
    credential_names = ("merchant_code", "api_key")
    polls = True
    currencies = ("IDR",)

    def _base(self, config: MethodConfig) -> str:
        if url := config.credential("api_url").rstrip("/"):
            return url
        if config.credential("sandbox").lower() in ("yes", "true", "1"):
            return SANDBOX_URL
        return API_URL

    def start(self, payment: Payment, config: MethodConfig) -> Checkout:
        assert payment.gateway_amount is not None
        if payment.gateway_amount != payment.gateway_amount.to_integral_value():
            raise ValueError(f"Duitku takes whole rupiah, not {payment.gateway_amount}")
        merchant, api_key = config.credential("merchant_code"), config.credential("api_key")
        timestamp = str(int(time.time() * 1000))
        user = payment.account.user
        minutes = 24 * 60
        if payment.expires_at is not None:
            minutes = max(int((payment.expires_at.timestamp() - time.time()) // 60), 1)
        body = {
            "paymentAmount": int(payment.gateway_amount),
            "merchantOrderId": merchant_order_id(payment),
            "productDetails": f"Payment {payment.pk}",
            # Required by Duitku; a customer without an address gets the panel's own.
            "email": user.email or settings.DEFAULT_FROM_EMAIL,
            "customerVaName": user.get_username()[:20],
            "callbackUrl": self.callback_url(config),
            "returnUrl": self.return_url(payment),
            "expiryPeriod": minutes,
        }
        reply = httpx.post(
            f"{self._base(config)}/api/merchant/createInvoice",
            json=body,
            headers={
                "x-duitku-signature": request_signature(merchant, timestamp, api_key),
                "x-duitku-timestamp": timestamp,
                "x-duitku-merchantcode": merchant,
            },
            timeout=TIMEOUT,
        )
        data = _json(reply)
        url, reference = data.get("paymentUrl"), data.get("reference")
        if str(data.get("statusCode")) != "00" or not isinstance(url, str) or not reference:
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        return Checkout(url=url, gateway_reference=str(reference))

    def read_notification(self, request: HttpRequest, config: MethodConfig) -> list[Report]:
        data = request.POST
        merchant, api_key = config.credential("merchant_code"), config.credential("api_key")
        amount, order = data.get("amount", ""), data.get("merchantOrderId", "")
        expected = callback_signature(merchant, amount, order, api_key)
        if (
            not api_key
            or data.get("merchantCode", "") != merchant
            or not hmac.compare_digest(expected, data.get("signature", ""))
        ):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        result = data.get("resultCode", "")
        return [
            Report(
                state=CALLBACK_STATES.get(result, GatewayState.PENDING),
                payment_id=payment_id(order),
                gateway_reference=data.get("reference", ""),
                amount=_amount(amount),
                currency="IDR",  # Duitku deals in rupiah; its callback names no currency
                detail=" ".join(w for w in (result, data.get("paymentCode", "")) if w),
            )
        ]

    def check(self, payment: Payment, config: MethodConfig) -> Report | None:
        merchant, api_key = config.credential("merchant_code"), config.credential("api_key")
        order = merchant_order_id(payment)
        reply = httpx.post(
            f"{self._base(config)}/api/merchant/transactionStatus",
            json={
                "merchantCode": merchant,
                "merchantOrderId": order,
                "signature": status_signature(merchant, order, api_key),
            },
            timeout=TIMEOUT,
        )
        data = _json(reply)
        if data.get("merchantOrderId") != order:
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        code = str(data.get("statusCode", ""))
        return Report(
            state=STATUS_STATES.get(code, GatewayState.PENDING),
            payment_id=payment.pk,
            gateway_reference=str(data.get("reference") or ""),
            amount=_amount(data.get("amount")),
            currency="IDR",
            detail=" ".join(w for w in (code, str(data.get("statusMessage") or "")) if w),
        )


def _json(reply: httpx.Response) -> dict[str, Any]:
    try:
        data = reply.json()
    except ValueError:
        raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE) from None
    if reply.status_code >= 300 or not isinstance(data, dict):
        raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
    return data
