"""Midtrans Snap: the customer pays on Midtrans' hosted page; Midtrans notifies the panel.

Documentation followed (docs.midtrans.com):
- Creating the payment: Snap "Integration Guide", step 1 "Acquiring Transaction Token on
  Backend" (https://docs.midtrans.com/docs/snap-snap-integration-guide): POST
  `{snap}/snap/v1/transactions` with Basic auth (server key, empty password) and
  `transaction_details.order_id` / `gross_amount` ("Total transaction amount in IDR. Do not add
  decimal", https://docs.midtrans.com/reference/json-object); the reply holds `token` and
  `redirect_url`, where the customer is sent ("Window Redirection",
  https://docs.midtrans.com/reference/window-redirection); `callbacks.finish` brings them back.
- Where notifications go: "Override Notification URL"
  (https://docs.midtrans.com/reference/override-notification-url): the `X-Override-Notification`
  header gives each transaction its method's callback URL.
- The notification and its proof: "HTTP(S) Notification / Webhooks"
  (https://docs.midtrans.com/docs/https-notification-webhooks) and "Handle Notifications"
  (https://docs.midtrans.com/reference/handle-notifications): `signature_key` =
  SHA512(order_id + status_code + gross_amount + ServerKey), then "Challenge Response": the
  status is read again from the GET Status API, and only what that API says is settled.
- The status API: "GET Status API Requests"
  (https://docs.midtrans.com/docs/get-status-api-requests): GET `{api}/v2/{order_id}/status`;
  `status_code` "404" while the customer has not chosen how to pay.
- The statuses: "Transaction Status Cycle"
  (https://docs.midtrans.com/docs/transaction-status-cycle): settlement, or capture with
  `fraud_status` accept, is paid; pending/authorize wait, and so does deny (one refused
  attempt: the Snap page stays open for another); cancel/failure fail; expire expires;
  refund/chargeback take the money back. A partial refund or chargeback only joins
  the payment's history: the operator decides.
- The acknowledgement: any HTTP 200 (Technical FAQ, "How to troubleshoot HTTP Notification
  failures", https://docs.midtrans.com/docs/technical-faq); anything else is retried.

The official `midtransclient` SDK is not used: it calls `requests` without a timeout (a slow
Midtrans would hold a web worker forever) and its base URLs are class constants; the two
documented calls it would make are made here with httpx.

Credentials: `server_key`; optional `sandbox=yes` (Midtrans' sandbox hosts) and `api_url` (one
base URL for both Snap and the API: the tests' fake).
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

SNAP_URL = "https://app.midtrans.com"
SNAP_SANDBOX_URL = "https://app.sandbox.midtrans.com"
API_URL = "https://api.midtrans.com"
API_SANDBOX_URL = "https://api.sandbox.midtrans.com"
TIMEOUT = httpx.Timeout(15.0)
# Our order ids: Midtrans allows letters, digits and - _ ~ . in up to 50 characters.
ORDER_PREFIX = "smm-"

STATES = {
    "settlement": GatewayState.PAID,
    "pending": GatewayState.PENDING,
    "authorize": GatewayState.PENDING,
    # A denied attempt (a card the bank or the fraud check refused) does not close the order:
    # the customer may pay it another way on the same Snap page; the payment expires if not.
    "deny": GatewayState.PENDING,
    "cancel": GatewayState.FAILED,
    "failure": GatewayState.FAILED,
    "expire": GatewayState.EXPIRED,
    "refund": GatewayState.REFUNDED,
    "chargeback": GatewayState.REFUNDED,
    "partial_refund": GatewayState.PENDING,
    "partial_chargeback": GatewayState.PENDING,
}
CAPTURE_STATES = {
    "accept": GatewayState.PAID,
    "challenge": GatewayState.PENDING,
    "deny": GatewayState.FAILED,
}


def order_id(payment: Payment) -> str:
    return f"{ORDER_PREFIX}{payment.pk}"


def payment_id(order: str) -> int | None:
    """Our payment's id in a Midtrans order id; None for an order that is not ours."""
    number = order.removeprefix(ORDER_PREFIX)
    if order == number or not (number.isascii() and number.isdigit()) or len(number) > 18:
        return None
    return int(number)


def signature(order: str, status_code: str, gross_amount: str, server_key: str) -> str:
    """The notification's `signature_key`, as the documentation computes it."""
    text = f"{order}{status_code}{gross_amount}{server_key}"
    return hashlib.sha512(text.encode()).hexdigest()


def rupiah(amount: Decimal) -> int:
    """A gateway amount in whole rupiah, as Midtrans takes it (ValueError otherwise)."""
    if amount != amount.to_integral_value():
        raise ValueError(f"Midtrans takes whole rupiah, not {amount}")
    return int(amount)


class MidtransGateway(Gateway):
    code = "midtrans"
    label = "Midtrans"
    credential_names = ("server_key",)
    polls = True
    currencies = ("IDR",)

    def _bases(self, config: MethodConfig) -> tuple[str, str]:
        """The Snap and the Core API base URLs of this method."""
        if url := config.credential("api_url").rstrip("/"):
            return url, url
        if config.credential("sandbox").lower() in ("yes", "true", "1"):
            return SNAP_SANDBOX_URL, API_SANDBOX_URL
        return SNAP_URL, API_URL

    def _auth(self, config: MethodConfig) -> tuple[str, str]:
        return config.credential("server_key"), ""

    def start(self, payment: Payment, config: MethodConfig) -> Checkout:
        snap, _ = self._bases(config)
        assert payment.gateway_amount is not None
        body = {
            "transaction_details": {
                "order_id": order_id(payment),
                "gross_amount": rupiah(payment.gateway_amount),
            },
            "callbacks": {"finish": self.return_url(payment)},
        }
        reply = httpx.post(
            f"{snap}/snap/v1/transactions",
            json=body,
            auth=self._auth(config),
            headers={
                "Accept": "application/json",
                "X-Override-Notification": self.callback_url(config),
            },
            timeout=TIMEOUT,
        )
        data = _json(reply)
        url = data.get("redirect_url")
        if reply.status_code >= 300 or not isinstance(url, str) or not data.get("token"):
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        return Checkout(url=url)

    def _status(self, order: str, config: MethodConfig) -> dict[str, Any] | None:
        """The GET Status API's answer; None when Midtrans has no such transaction (yet)."""
        _, api = self._bases(config)
        reply = httpx.get(
            f"{api}/v2/{order}/status",
            auth=self._auth(config),
            headers={"Accept": "application/json"},
            timeout=TIMEOUT,
        )
        data = _json(reply)
        if str(data.get("status_code")) == "404":
            return None
        if reply.status_code >= 300 or data.get("order_id") != order:
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        return data

    def read_notification(self, request: HttpRequest, config: MethodConfig) -> list[Report]:
        try:
            data = json.loads(request.body)
        except ValueError:
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE) from None
        if not isinstance(data, dict):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        order, code, gross, signed = (
            str(data.get(name, ""))
            for name in ("order_id", "status_code", "gross_amount", "signature_key")
        )
        server_key = config.credential("server_key")
        expected = signature(order, code, gross, server_key)
        if not server_key or not hmac.compare_digest(expected, signed):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        if payment_id(order) is None:
            raise PaymentError(PaymentErrorCode.NO_SUCH_PAYMENT)
        # Midtrans' own word on the transaction, not the notification's, is what is settled.
        try:
            status = self._status(order, config)
        except httpx.HTTPError:
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE) from None
        if status is None:
            raise PaymentError(PaymentErrorCode.NO_SUCH_PAYMENT)
        return [_report(status)]

    def check(self, payment: Payment, config: MethodConfig) -> Report | None:
        status = self._status(order_id(payment), config)
        return _report(status) if status is not None else None


def _json(reply: httpx.Response) -> dict[str, Any]:
    try:
        data = reply.json()
    except ValueError:
        raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE) from None
    if not isinstance(data, dict):
        raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
    return data


def _report(status: dict[str, Any]) -> Report:
    """What a transaction status (the status API's, or a notification's) says."""
    name = str(status.get("transaction_status", ""))
    fraud = str(status.get("fraud_status", ""))
    if name == "capture":
        state = CAPTURE_STATES.get(fraud, GatewayState.PENDING)
    else:
        state = STATES.get(name, GatewayState.PENDING)
    try:
        amount: Decimal | None = Decimal(str(status.get("gross_amount")))
    except InvalidOperation:
        amount = None
    if amount is not None and not amount.is_finite():
        amount = None
    order = str(status.get("order_id", ""))
    words = (name, fraud, str(status.get("payment_type", "")))
    return Report(
        state=state,
        payment_id=payment_id(order),
        gateway_reference=str(status.get("transaction_id") or ""),
        amount=amount,
        # Midtrans amounts are rupiah; the field is there in every documented sample.
        currency=str(status.get("currency") or "IDR").upper(),
        detail=" ".join(word for word in words if word),
    )
