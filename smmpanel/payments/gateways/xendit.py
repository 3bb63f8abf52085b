"""Xendit Invoices: the customer pays on Xendit's hosted invoice page; Xendit calls back.

Documentation followed:
- Creating the payment: Invoices API v2, "Create Invoice" (POST /v2/invoices, Basic auth with
  the secret key and an empty password; https://developers.xendit.co/api-reference/#create-invoice),
  through the official SDK `xendit-python` (`InvoiceApi.create_invoice`, `CreateInvoiceRequest`:
  https://github.com/xendit/xendit-python/blob/master/docs/InvoiceApi.md): `external_id` is our
  payment, `amount` in rupiah, `invoice_duration` in seconds, `success_redirect_url` /
  `failure_redirect_url` bring the customer back; the reply's `id` and `invoice_url` are kept.
- The callback and its proof: "Invoice callback" (the `InvoiceCallback` object of the SDK's
  docs: id, external_id, status, amount, paid_amount, currency) and "Webhook / callback set up"
  (https://docs.xendit.co/api-integration/callback/setup): every callback carries the
  `x-callback-token` header, which must equal the account's "Callback verification token".
- The status API: "Get Invoice" (GET /v2/invoices/{invoice_id},
  `InvoiceApi.get_invoice_by_id`).
- The statuses (`InvoiceStatus`): PENDING waits; PAID and SETTLED are paid; EXPIRED expires.
  Invoices report no refund.
- The acknowledgement: any 2xx ("Responding to webhooks": respond with status 200; Xendit
  retries otherwise).

The SDK is pointed at another base URL (`Configuration(host=…)`: the tests' fake) by the
`api_url` credential, and called with a 15-second timeout and no urllib3 retries.

Credentials: `secret_key` (API key with Money-in write permission), `callback_token`.
"""

import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import Checkout, Gateway, GatewayState, MethodConfig, Report
from smmpanel.payments.models import Payment

API_URL = "https://api.xendit.co"
TIMEOUT = 15
ORDER_PREFIX = "smm-"

STATES = {
    "PENDING": GatewayState.PENDING,
    "PAID": GatewayState.PAID,
    "SETTLED": GatewayState.PAID,
    "EXPIRED": GatewayState.EXPIRED,
}


def external_id(payment: Payment) -> str:
    return f"{ORDER_PREFIX}{payment.pk}"


def payment_id(external: str) -> int | None:
    """Our payment's id in an invoice's `external_id`; None for one that is not ours."""
    number = external.removeprefix(ORDER_PREFIX)
    if external == number or not (number.isascii() and number.isdigit()) or len(number) > 18:
        return None
    return int(number)


def _amount(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


class XenditGateway(Gateway):
    code = "xendit"
    label = "Xendit"
    credential_names = ("secret_key", "callback_token")
    polls = True
    currencies = ("IDR",)

    @contextmanager
    def _invoices(self, config: MethodConfig) -> Iterator[Any]:
        """The SDK's Invoice API for this method's key; PaymentError(GATEWAY_UNAVAILABLE) for
        whatever goes wrong on the way (the SDK speaks urllib3, not httpx). Imported here: the
        SDK takes a tenth of a second to import, which only processes paying with Xendit pay."""
        import urllib3
        from xendit import ApiClient, Configuration
        from xendit.exceptions import OpenApiException
        from xendit.invoice.invoice_api import InvoiceApi

        settings = Configuration(
            host=config.credential("api_url").rstrip("/") or API_URL,
            api_key=config.credential("secret_key"),
        )
        settings.retries = False  # a create is never repeated behind our back
        client = ApiClient(settings)
        try:
            yield InvoiceApi(client)
        except (OpenApiException, urllib3.exceptions.HTTPError) as error:
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE) from error
        finally:
            client.rest_client.pool_manager.clear()

    def start(self, payment: Payment, config: MethodConfig) -> Checkout:
        from xendit.invoice.model.create_invoice_request import CreateInvoiceRequest

        assert payment.gateway_amount is not None
        amount = payment.gateway_amount
        if amount != amount.to_integral_value():
            raise ValueError(f"Xendit invoices in IDR take whole rupiah, not {amount}")
        seconds = 24 * 3600
        if payment.expires_at is not None:
            seconds = max(int((payment.expires_at - timezone.now()).total_seconds()), 60)
        request = CreateInvoiceRequest(
            external_id=external_id(payment),
            # The SDK's type is a float; whole rupiah are exact in one.
            amount=float(int(amount)),
            description=f"Payment {payment.pk}",
            invoice_duration=float(seconds),
            success_redirect_url=self.return_url(payment),
            failure_redirect_url=self.return_url(payment),
            currency=payment.currency,
        )
        with self._invoices(config) as invoices:
            invoice = invoices.create_invoice(
                create_invoice_request=request, _request_timeout=TIMEOUT
            )
        return Checkout(url=str(invoice.invoice_url), gateway_reference=str(invoice.id))

    def read_notification(self, request: HttpRequest, config: MethodConfig) -> list[Report]:
        token = config.credential("callback_token")
        sent = request.headers.get("x-callback-token", "")
        if not token or not hmac.compare_digest(token.encode(), sent.encode()):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        try:
            data = json.loads(request.body)
        except ValueError:
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE) from None
        if not isinstance(data, dict) or not data.get("id"):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        return [
            _report(
                str(data.get("id")),
                str(data.get("external_id", "")),
                str(data.get("status", "")),
                amount=data.get("amount"),
                paid_amount=data.get("paid_amount"),
                currency=str(data.get("currency", "")),
            )
        ]

    def check(self, payment: Payment, config: MethodConfig) -> Report | None:
        if not payment.gateway_reference:
            return None
        with self._invoices(config) as invoices:
            invoice = invoices.get_invoice_by_id(
                invoice_id=payment.gateway_reference, _request_timeout=TIMEOUT
            )
        return _report(
            str(invoice.id),
            str(invoice.external_id),
            str(invoice.status),
            amount=invoice.amount,
            paid_amount=invoice.get("paid_amount"),
            currency=str(invoice.get("currency") or ""),
        )


def _report(
    invoice: str, external: str, status: str, *, amount: Any, paid_amount: Any, currency: str
) -> Report:
    state = STATES.get(status, GatewayState.PENDING)
    # What was paid is what counts for a paid invoice; Xendit gives both.
    paid = paid_amount if state == GatewayState.PAID and paid_amount is not None else amount
    return Report(
        state=state,
        payment_id=payment_id(external),
        gateway_reference=invoice,
        amount=_amount(paid),
        currency=currency.upper(),
        detail=status,
    )
