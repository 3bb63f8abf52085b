"""NOWPayments: a crypto invoice the customer pays on NOWPayments' hosted page.

Follows the NOWPayments API documentation (https://documenter.getpostman.com/view/7907941/2s93JusNJt,
"NOWPayments API"):
- "Authentication": every request carries the header `x-api-key`;
- "Create invoice" (POST /v1/invoice): price_amount, price_currency, order_id (our payment id),
  order_description, ipn_callback_url, success_url, cancel_url; the answer's `id` is the
  invoice, `invoice_url` the page;
- "Instant payments notifications": a POST of JSON with the header `x-nowpayments-sig`, the
  HMAC-SHA512 (hex) under the IPN secret of the body with its keys sorted (recursively, as the
  docs' Python `json.dumps(..., separators=(',', ':'), sort_keys=True)` and PHP `tksort`
  examples do). Numbers are written back exactly as they came (a float re-printed by Python
  could differ from the sender's text);
- "Get list of payments" (GET /v1/payment/?invoiceId=…, with a JWT from "Authentication"
  POST /v1/auth): the payments made on one invoice, for the worker's checks. It needs the
  account's e-mail and password (credentials `email`, `password`); without them the panel
  relies on the IPN and expires what never arrives;
- "Payment statuses": waiting, confirming, confirmed, sending, partially_paid, finished,
  failed, refunded, expired (see STATES). Only "finished" credits; "partially_paid" (less
  arrived) keeps the payment waiting, with what arrived in its history, until it expires.
Any HTTP 200 acknowledges an IPN.
"""

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

API_URL = "https://api.nowpayments.io"
TIMEOUT = 15
STATES = {
    "finished": GatewayState.PAID,
    "failed": GatewayState.FAILED,
    "expired": GatewayState.EXPIRED,
    "refunded": GatewayState.REFUNDED,
    # waiting, confirming, confirmed, sending, partially_paid: still waiting
}


class Number(str):
    """A JSON number kept as the text it was written with."""


def loads(text: bytes | str) -> Any:
    return json.loads(text, parse_float=Number, parse_int=Number)


def dumps(value: Any, *, sort: bool = False) -> str:
    """Compact JSON as JavaScript's JSON.stringify writes it (non-ASCII and "/" as they are);
    `Number`s and Decimals as their text; keys sorted at every level when `sort`."""
    if isinstance(value, Number | Decimal):
        return str(value)
    if isinstance(value, dict):
        keys = sorted(value) if sort else list(value)
        items = (
            f"{json.dumps(key, ensure_ascii=False)}:{dumps(value[key], sort=sort)}" for key in keys
        )
        return "{" + ",".join(items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dumps(item, sort=sort) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def signature(data: Any, ipn_secret: str) -> str:
    message = dumps(data, sort=True).encode()
    return hmac.new(ipn_secret.encode(), message, hashlib.sha512).hexdigest()


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _report(data: dict[str, Any], invoice: str = "") -> Report:
    status = str(data.get("payment_status") or "")
    order_id = str(data.get("order_id") or "")
    detail = f"nowpayments: {status}"
    if data.get("actually_paid") not in (None, "", "0", 0):
        detail += f", paid {data['actually_paid']} {data.get('pay_currency') or ''}".rstrip()
    return Report(
        state=STATES.get(status, GatewayState.PENDING),
        payment_id=int(order_id) if order_id.isascii() and order_id.isdigit() else None,
        gateway_reference=invoice or str(data.get("invoice_id") or ""),
        amount=_decimal(data.get("price_amount")),
        currency=str(data.get("price_currency") or "").upper(),
        detail=detail,
    )


class NowPaymentsGateway(Gateway):
    code = "nowpayments"
    label = "NOWPayments"
    credential_names = ("api_key", "ipn_secret")
    polls = True

    def _url(self, config: MethodConfig, path: str) -> str:
        return config.credential("api_url", API_URL).rstrip("/") + path

    def start(self, payment: Payment, config: MethodConfig) -> Checkout:
        amount = payment.gateway_amount if payment.gateway_amount is not None else payment.amount
        body = {
            "price_amount": Number(f"{amount.normalize():f}"),  # 100, not 1E+2
            "price_currency": payment.currency.lower(),
            "order_id": str(payment.pk),
            "order_description": f"Deposit {payment.pk}",
            "ipn_callback_url": self.callback_url(config),
            "success_url": self.return_url(payment),
            "cancel_url": self.return_url(payment),
        }
        response = httpx.post(
            self._url(config, "/v1/invoice"),
            content=dumps(body).encode(),
            headers={"x-api-key": config.credential("api_key"), "Content-Type": "application/json"},
            timeout=TIMEOUT,
        )
        answer = loads(response.content) if response.content else {}
        if response.status_code not in (200, 201) or not answer.get("invoice_url"):
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        return Checkout(url=str(answer["invoice_url"]), gateway_reference=str(answer["id"]))

    def read_notification(self, request: HttpRequest, config: MethodConfig) -> list[Report]:
        given = request.headers.get("x-nowpayments-sig", "")
        try:
            data = loads(request.body)
        except ValueError:
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE) from None
        if not given or not isinstance(data, dict):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        if not hmac.compare_digest(signature(data, config.credential("ipn_secret")), given):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        return [_report(data)]

    def check(self, payment: Payment, config: MethodConfig) -> Report | None:
        email, password = config.credential("email"), config.credential("password")
        if not payment.gateway_reference or not email or not password:
            return None
        auth = httpx.post(
            self._url(config, "/v1/auth"),
            json={"email": email, "password": password},
            timeout=TIMEOUT,
        )
        token = (auth.json() if auth.status_code == 200 else {}).get("token")
        if not token:
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        response = httpx.get(
            self._url(config, "/v1/payment/"),
            params={"invoiceId": payment.gateway_reference, "limit": 100, "page": 0},
            headers={"x-api-key": config.credential("api_key"), "Authorization": f"Bearer {token}"},
            timeout=TIMEOUT,
        )
        if response.status_code != 200:
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        made = [row for row in loads(response.content).get("data") or [] if isinstance(row, dict)]
        if not made:
            return None  # the customer has not chosen a coin yet
        # The payment that counts: a finished one, else the latest.
        made.sort(
            key=lambda row: (row.get("payment_status") == "finished", str(row.get("updated_at")))
        )
        return _report(made[-1], invoice=payment.gateway_reference)
