"""Tripay closed payments: one payment channel per method (QRIS, a bank's virtual account, a
store); the customer pays on Tripay's checkout page; Tripay calls back.

Documentation followed: Tripay's "API Developer Guide" (https://tripay.co.id/developer), checked
against Tripay's own PHP library (github.com/trijayadigital/tripay-php, `Transaction::process`
and `detail`) and the widely used zerosdev/tripay-sdk-php (`Transaction`, `Callback`):
- Creating the payment: "Request Transaksi" of closed payments: POST `{base}/transaction/create`
  with `Authorization: Bearer <api key>` and `method` (the channel), `merchant_ref` (our
  payment), `amount` in rupiah, `customer_name`, `customer_email`, `order_items`, `return_url`,
  `expired_time` (Unix time) and `signature` = HMAC-SHA256(merchant_code + merchant_ref +
  amount) keyed with the private key, hex. The reply's `data.reference` and `data.checkout_url`
  are kept.
- The callback and its proof: "Callback": a JSON POST with `X-Callback-Event: payment_status`
  and `X-Callback-Signature` = HMAC-SHA256 of the raw body keyed with the private key; fields
  reference, merchant_ref, total_amount, fee_customer, status. What the panel asked for is
  `total_amount - fee_customer` (Tripay adds its fee when the merchant charges it to the
  customer).
- The status API: "Detail Transaksi": GET `{base}/transaction/detail?reference=…`.
- The statuses: UNPAID waits; PAID pays; EXPIRED expires; FAILED fails; REFUND takes the money
  back.
- The acknowledgement: the JSON `{"success": true}`; otherwise Tripay retries. A refusal is
  answered `{"success": false, "message": …}` with a 4xx, as the documentation's handler does.
The sandbox is `https://tripay.co.id/api-sandbox` (`sandbox=yes`); `api_url` replaces the base.
Tripay has no official Python SDK: httpx.

Credentials: `api_key`, `private_key`, `merchant_code`, `channel` (a channel code of the
merchant's, e.g. QRIS, BRIVA, BCAVA).
"""

import hashlib
import hmac
import json
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import Checkout, Gateway, GatewayState, MethodConfig, Report
from smmpanel.payments.models import Payment

API_URL = "https://tripay.co.id/api"
SANDBOX_URL = "https://tripay.co.id/api-sandbox"
TIMEOUT = httpx.Timeout(15.0)
ORDER_PREFIX = "smm-"

STATES = {
    "UNPAID": GatewayState.PENDING,
    "PAID": GatewayState.PAID,
    "EXPIRED": GatewayState.EXPIRED,
    "FAILED": GatewayState.FAILED,
    "REFUND": GatewayState.REFUNDED,
}


def merchant_ref(payment: Payment) -> str:
    return f"{ORDER_PREFIX}{payment.pk}"


def payment_id(ref: str) -> int | None:
    """Our payment's id in a `merchant_ref`; None for one that is not ours."""
    number = ref.removeprefix(ORDER_PREFIX)
    if ref == number or not (number.isascii() and number.isdigit()) or len(number) > 18:
        return None
    return int(number)


def transaction_signature(merchant_code: str, ref: str, amount: int, private_key: str) -> str:
    """The `signature` of a closed-payment transaction request."""
    message = f"{merchant_code}{ref}{amount}".encode()
    return hmac.new(private_key.encode(), message, hashlib.sha256).hexdigest()


def callback_signature(body: bytes, private_key: str) -> str:
    """The `X-Callback-Signature` of a callback: over its raw JSON body."""
    return hmac.new(private_key.encode(), body, hashlib.sha256).hexdigest()


class TripayGateway(Gateway):
    code = "tripay"
    label = "Tripay"
    credential_names = ("api_key", "private_key", "merchant_code", "channel")
    polls = True
    currencies = ("IDR",)

    def _base(self, config: MethodConfig) -> str:
        if url := config.credential("api_url").rstrip("/"):
            return url
        if config.credential("sandbox").lower() in ("yes", "true", "1"):
            return SANDBOX_URL
        return API_URL

    def _headers(self, config: MethodConfig) -> dict[str, str]:
        return {"Authorization": f"Bearer {config.credential('api_key')}"}

    def start(self, payment: Payment, config: MethodConfig) -> Checkout:
        assert payment.gateway_amount is not None
        if payment.gateway_amount != payment.gateway_amount.to_integral_value():
            raise ValueError(f"Tripay takes whole rupiah, not {payment.gateway_amount}")
        amount, ref = int(payment.gateway_amount), merchant_ref(payment)
        user = payment.account.user
        body: dict[str, Any] = {
            "method": config.credential("channel"),
            "merchant_ref": ref,
            "amount": amount,
            "customer_name": user.get_username(),
            # Required by Tripay; a customer without an address gets the panel's own.
            "customer_email": user.email or settings.DEFAULT_FROM_EMAIL,
            "order_items": [
                {"sku": "deposit", "name": f"Payment {payment.pk}", "price": amount, "quantity": 1}
            ],
            "return_url": self.return_url(payment),
            "signature": transaction_signature(
                config.credential("merchant_code"), ref, amount, config.credential("private_key")
            ),
        }
        if payment.expires_at is not None:
            body["expired_time"] = int(payment.expires_at.timestamp())
        reply = httpx.post(
            f"{self._base(config)}/transaction/create",
            json=body,
            headers=self._headers(config),
            timeout=TIMEOUT,
        )
        data = _data(reply)
        url, reference = data.get("checkout_url"), data.get("reference")
        if not isinstance(url, str) or not isinstance(reference, str) or not url:
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        return Checkout(url=url, gateway_reference=reference)

    def read_notification(self, request: HttpRequest, config: MethodConfig) -> list[Report]:
        private_key = config.credential("private_key")
        expected = callback_signature(request.body, private_key)
        sent = request.headers.get("X-Callback-Signature", "")
        if not private_key or not hmac.compare_digest(expected, sent):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        if request.headers.get("X-Callback-Event", "") != "payment_status":
            return []  # genuine, but not about a payment's status: nothing to do
        try:
            data = json.loads(request.body)
        except ValueError:
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE) from None
        if not isinstance(data, dict):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        return [_report(data, data.get("total_amount"))]

    def check(self, payment: Payment, config: MethodConfig) -> Report | None:
        if not payment.gateway_reference:
            return None
        reply = httpx.get(
            f"{self._base(config)}/transaction/detail",
            params={"reference": payment.gateway_reference},
            headers=self._headers(config),
            timeout=TIMEOUT,
        )
        data = _data(reply)
        return _report(data, data.get("amount"))

    def acknowledge(self, reports: list[Report]) -> HttpResponse:
        return JsonResponse({"success": True})

    def refusal(self, error: PaymentError) -> HttpResponse:
        # The shape of the documentation's own handler when a callback does not verify.
        return JsonResponse({"success": False, "message": str(error.message)})


def _data(reply: httpx.Response) -> dict[str, Any]:
    """The `data` of a successful Tripay reply; PaymentError(GATEWAY_UNAVAILABLE) otherwise."""
    try:
        body = reply.json()
    except ValueError:
        raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE) from None
    if not isinstance(body, dict) or reply.status_code >= 300 or body.get("success") is not True:
        raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
    data = body.get("data")
    if not isinstance(data, dict):
        raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
    return data


def _report(data: dict[str, Any], total: Any) -> Report:
    """A transaction as Tripay describes it; `total` is what the customer paid, with Tripay's
    fee when the merchant charges it to them."""
    status = str(data.get("status", ""))
    try:
        amount: Decimal | None = Decimal(str(total)) - Decimal(str(data.get("fee_customer") or 0))
    except InvalidOperation:
        amount = None
    if amount is not None and not amount.is_finite():
        amount = None
    return Report(
        state=STATES.get(status, GatewayState.PENDING),
        payment_id=payment_id(str(data.get("merchant_ref") or "")),
        gateway_reference=str(data.get("reference") or ""),
        amount=amount,
        # Tripay deals in rupiah only; its messages name no currency.
        currency="IDR",
        detail=" ".join(str(w) for w in (status, data.get("payment_method_code") or "") if w),
    )
