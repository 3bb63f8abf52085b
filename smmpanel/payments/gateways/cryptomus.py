"""Cryptomus: a crypto invoice the customer pays on Cryptomus' hosted page.

Follows the Cryptomus merchant API documentation (https://doc.cryptomus.com/):
- "Request format" (/business/general/request-format): every request is a JSON POST with the
  headers `merchant` (the merchant's UUID) and `sign` = md5(base64(JSON body) + payment API
  key), as the official PHP SDK (CryptomusCom/api-php-sdk, RequestBuilder) sends it;
- "Creating an invoice" (/business/payments/creating-invoice): POST /v1/payment with amount,
  currency, order_id (our payment id), url_callback, url_return, url_success, lifetime and
  is_payment_multiple; the answer's `result.uuid` is the invoice, `result.url` the page;
- "Webhook" (/business/payments/webhook): a POST of JSON whose `sign` field is
  md5(base64(json_encode(body without sign, JSON_UNESCAPED_UNICODE)) + API key); PHP escapes
  "/" as "\\/", so the body is re-encoded that way (as pyCryptomusAPI does);
- "Payment information" (/business/payments/payment-information): POST /v1/payment/info with
  the invoice's uuid, for the worker's checks;
- "Payment statuses" (/business/payments/payment-statuses): see STATES.

Amounts: an invoice reports `amount` (what we asked, in our currency) and `payment_amount`
(what the customer sent). "paid" and "paid_over" credit what was asked (an overpayment stays
with the merchant, noted in the payment's history); "wrong_amount" (the customer paid less and
the invoice is closed) rejects the payment, with what arrived in its history, for the operator
to settle by hand; "wrong_amount_waiting" (less, and the customer may still pay the rest) keeps
it waiting. Cryptomus expects any HTTP 200 as the acknowledgement.
"""

import base64
import hashlib
import hmac
import json
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
from django.http import HttpRequest

from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import Checkout, Gateway, GatewayState, MethodConfig, Report
from smmpanel.payments.models import Payment

API_URL = "https://api.cryptomus.com"
TIMEOUT = 15
# The invoice lives as long as the panel waits for it (the docs allow 300 to 43200 seconds).
LIFETIME = 43200
STATES = {
    "paid": GatewayState.PAID,
    "paid_over": GatewayState.PAID,
    "wrong_amount": GatewayState.FAILED,
    "fail": GatewayState.FAILED,
    "system_fail": GatewayState.FAILED,
    "cancel": GatewayState.EXPIRED,
    "refund_paid": GatewayState.REFUNDED,
    # check, process, confirm_check, wrong_amount_waiting, refund_process, refund_fail, locked
}


def sign(body: bytes, api_key: str) -> str:
    """The `sign` of a request body or of a webhook's re-encoded body."""
    return hashlib.md5(base64.b64encode(body) + api_key.encode()).hexdigest()  # noqa: S324


def php_json(data: Any) -> bytes:
    """`data` as PHP's json_encode(..., JSON_UNESCAPED_UNICODE) writes it: compact, non-ASCII
    kept, "/" escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("/", "\\/").encode()


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _report(data: dict[str, Any]) -> Report:
    """What an invoice (a webhook, or /v1/payment/info's result) says."""
    status = str(data.get("status") or data.get("payment_status") or "")
    order_id = str(data.get("order_id") or "")
    paid = data.get("payment_amount")
    detail = f"cryptomus: {status}"
    if paid not in (None, ""):
        detail += f", paid {paid} {data.get('payer_currency') or ''}".rstrip()
    return Report(
        state=STATES.get(status, GatewayState.PENDING),
        payment_id=int(order_id) if order_id.isascii() and order_id.isdigit() else None,
        gateway_reference=str(data.get("uuid") or ""),
        amount=_decimal(data.get("amount")),
        currency=str(data.get("currency") or "").upper(),
        detail=detail,
    )


class CryptomusGateway(Gateway):
    code = "cryptomus"
    label = "Cryptomus"
    credential_names = ("merchant_id", "api_key")
    polls = True

    def _post(self, config: MethodConfig, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload, ensure_ascii=False).encode()
        response = httpx.post(
            config.credential("api_url", API_URL).rstrip("/") + path,
            content=body,
            headers={
                "merchant": config.credential("merchant_id"),
                "sign": sign(body, config.credential("api_key")),
                "Content-Type": "application/json",
            },
            timeout=TIMEOUT,
        )
        answer = response.json() if response.content else {}
        if response.status_code != 200 or answer.get("state") != 0 or "result" not in answer:
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        return answer["result"]

    def start(self, payment: Payment, config: MethodConfig) -> Checkout:
        amount = payment.gateway_amount if payment.gateway_amount is not None else payment.amount
        result = self._post(
            config,
            "/v1/payment",
            {
                "amount": f"{amount.normalize():f}",
                "currency": payment.currency,
                "order_id": str(payment.pk),
                "url_callback": self.callback_url(config),
                "url_return": self.return_url(payment),
                "url_success": self.return_url(payment),
                "lifetime": LIFETIME,
                # One transfer closes the invoice: a partial payment is not left open forever.
                "is_payment_multiple": False,
            },
        )
        return Checkout(url=str(result.get("url") or ""), gateway_reference=str(result["uuid"]))

    def read_notification(self, request: HttpRequest, config: MethodConfig) -> list[Report]:
        try:
            data = json.loads(request.body)
        except ValueError:
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE) from None
        if not isinstance(data, dict) or not isinstance(data.get("sign"), str):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        given = data.pop("sign")
        if not hmac.compare_digest(sign(php_json(data), config.credential("api_key")), given):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        if data.get("type") != "payment":
            return []  # a static wallet's top-up: the panel opens none
        return [_report(data)]

    def check(self, payment: Payment, config: MethodConfig) -> Report | None:
        if not payment.gateway_reference:
            return None
        result = self._post(config, "/v1/payment/info", {"uuid": payment.gateway_reference})
        return _report(result)
