"""PayPal: an order of the Orders v2 API, captured once the buyer approved it; webhooks verified by
PayPal's own verification API; the order as status API.

Follows PayPal's REST documentation (https://developer.paypal.com):
- authentication: "Authentication" (/api/rest/authentication): an access token from
  `POST /v1/oauth2/token`, HTTP Basic client id and secret, `grant_type=client_credentials`;
  a token is asked for each operation (a process keeps no cache of it);
- creating the payment: Orders v2 "Create order" (/docs/api/orders/v2/#orders_create) with
  `intent: CAPTURE`, one purchase unit (`reference_id` and `custom_id` = our payment, `amount`
  with `currency_code` and `value`), `payment_source.paypal.experience_context` (`return_url`,
  `cancel_url`, `user_action: PAY_NOW`, `shipping_preference: NO_SHIPPING`) and a
  `PayPal-Request-Id`; the customer goes to the `payer-action` link (`approve` in older
  responses); amounts: "Currency codes" (/api/rest/reference/currency-codes), HUF, JPY and TWD
  without decimals;
- the capture: "Capture payment for order" (/docs/api/orders/v2/#orders_capture), with
  `PayPal-Request-Id: smmpanel-capture-<order id>` ("Idempotency", /api/rest/reference/
  idempotency): a second capture of the order (a replayed webhook, the worker and a webhook at
  once) gets PayPal's first answer back and never captures twice; `422 ORDER_ALREADY_CAPTURED`
  is read back with "Show order details";
- the notification: "Webhooks" (/api/rest/webhooks/) and "Verify webhook signature"
  (/docs/api/webhooks/v1/#verify-webhook-signature_post): the headers `PAYPAL-AUTH-ALGO`,
  `PAYPAL-CERT-URL`, `PAYPAL-TRANSMISSION-ID`, `PAYPAL-TRANSMISSION-SIG`,
  `PAYPAL-TRANSMISSION-TIME`, the method's `webhook_id` and the event (its body as received,
  byte for byte) go to `POST /v1/notifications/verify-webhook-signature`; only
  `verification_status: SUCCESS` is taken;
- the events: "Webhook event names" (/api/rest/webhooks/event-names/), Orders v2 and Payments
  v2: `CHECKOUT.ORDER.APPROVED` (the order: capture it), `PAYMENT.CAPTURE.COMPLETED`,
  `.PENDING`, `.DENIED`, `.DECLINED` (the capture: `custom_id`, `amount`,
  `supplementary_data.related_ids.order_id`), `PAYMENT.CAPTURE.REFUNDED` and `.REVERSED` (a
  refund, whose `up` link names the capture, read with Payments v2 "Show captured payment
  details", /docs/api/payments/v2/#captures_get);
- the status API: "Show order details" (/docs/api/orders/v2/#orders_get), statuses CREATED,
  SAVED, APPROVED, VOIDED, COMPLETED, PAYER_ACTION_REQUIRED, and the capture's COMPLETED,
  PENDING, DECLINED, FAILED, REFUNDED, PARTIALLY_REFUNDED;
- the acknowledgement: any 2xx ("Webhooks", delivery: anything else is retried).

Where the capture happens: in the worker's `check` (an approved order is captured there, then
reported), and in answer to `CHECKOUT.ORDER.APPROVED` (PayPal's own prompt to capture, usually
seconds after the approval) — never on the return page. The return page is a customer's GET
that may never come (a closed tab), and it serves every gateway: a capture there would need a
new hook in the plug-in interface and would tie the customer's page to PayPal's latency; the
worker's check must capture anyway for the buyer who never comes back, so that is the one
place, and the webhook only brings it forward. Both run outside any transaction (`settle`
takes its own afterwards), and the `PayPal-Request-Id` makes them capture once between them.
"""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

import httpx
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from smmpanel.inputs import parse_id
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import Checkout, Gateway, GatewayState, MethodConfig, Report
from smmpanel.payments.models import Payment

API = "https://api-m.paypal.com"
TIMEOUT = 15
# https://developer.paypal.com/api/rest/reference/currency-codes/
CURRENCIES = (
    *("AUD", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD", "HUF", "ILS"),
    *("JPY", "MXN", "MYR", "NOK", "NZD", "PHP", "PLN", "SEK", "SGD", "THB", "TWD", "USD"),
)
WHOLE = frozenset(("HUF", "JPY", "TWD"))  # "does not support decimals"
SIGNATURE_HEADERS = (
    ("auth_algo", "PAYPAL-AUTH-ALGO"),
    ("cert_url", "PAYPAL-CERT-URL"),
    ("transmission_id", "PAYPAL-TRANSMISSION-ID"),
    ("transmission_sig", "PAYPAL-TRANSMISSION-SIG"),
    ("transmission_time", "PAYPAL-TRANSMISSION-TIME"),
)
CAPTURE_STATES = {
    "COMPLETED": GatewayState.PAID,
    # Paid, then refunded in part: credited; the refund is the operator's to decide.
    "PARTIALLY_REFUNDED": GatewayState.PAID,
    "PENDING": GatewayState.PENDING,
    "DECLINED": GatewayState.FAILED,
    "FAILED": GatewayState.FAILED,
    "REFUNDED": GatewayState.REFUNDED,
}
CAPTURE_EVENTS = {
    "PAYMENT.CAPTURE.COMPLETED": GatewayState.PAID,
    "PAYMENT.CAPTURE.PENDING": GatewayState.PENDING,
    "PAYMENT.CAPTURE.DENIED": GatewayState.FAILED,
    "PAYMENT.CAPTURE.DECLINED": GatewayState.FAILED,
}
REVERSAL_EVENTS = ("PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.REVERSED")
_ORDER_LINK = re.compile(r"/v2/checkout/orders/([A-Za-z0-9-]+)$")
_CAPTURE_LINK = re.compile(r"/v2/payments/captures/([A-Za-z0-9-]+)$")


def value(amount: Decimal, currency: str) -> str:
    """PayPal's `value` of an amount: two decimals, none for HUF, JPY and TWD; ValueError when
    the amount has more than the currency takes."""
    unit = Decimal(1) if currency.upper() in WHOLE else Decimal("0.01")
    if amount != amount.quantize(unit):
        raise ValueError(f"PayPal can't charge {amount} {currency} exactly")
    return f"{amount.quantize(unit):f}"


def _money(money: Any) -> tuple[Decimal | None, str]:
    if not isinstance(money, dict):
        return None, ""
    try:
        amount = Decimal(str(money.get("value")))
    except InvalidOperation:
        return None, str(money.get("currency_code") or "").upper()
    return (amount if amount.is_finite() else None), str(money.get("currency_code") or "").upper()


def _our_id(raw: Any) -> int | None:
    text = str(raw or "")
    return parse_id(text) if text.isascii() and text.isdigit() else None


def _linked(resource: dict[str, Any], pattern: re.Pattern[str]) -> str:
    """The id in the resource's `up` link that `pattern` matches ("" when none)."""
    for link in resource.get("links") or []:
        found = pattern.search(str(link.get("href") or "")) if isinstance(link, dict) else None
        if found and link.get("rel") == "up":
            return found.group(1)
    return ""


def _object(reply: httpx.Response) -> dict[str, Any]:
    reply.raise_for_status()
    try:
        data = reply.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
    return data


def order_report(order: dict[str, Any], detail: str = "") -> Report:
    """What an order says: its capture's status once captured, else the order's own."""
    units = order.get("purchase_units") or [{}]
    unit = units[0] if isinstance(units[0], dict) else {}
    captures = (unit.get("payments") or {}).get("captures") or []
    if captures and isinstance(captures[0], dict):
        status = str(captures[0].get("status"))
        state = CAPTURE_STATES.get(status, GatewayState.PENDING)
        amount, currency = _money(captures[0].get("amount"))
        words = f"capture {status}"
    else:
        status = str(order.get("status"))
        state = GatewayState.FAILED if status == "VOIDED" else GatewayState.PENDING
        amount, currency = _money(unit.get("amount"))
        words = f"order {status}"
    return Report(
        state=state,
        payment_id=_our_id(unit.get("custom_id") or unit.get("reference_id")),
        gateway_reference=str(order.get("id") or ""),
        amount=amount,
        currency=currency,
        detail=" · ".join(part for part in (words, detail) if part),
    )


def capture_report(capture: dict[str, Any], state: GatewayState, detail: str) -> Report:
    """A capture's report: found by our id (`custom_id`) and by its order."""
    related = (capture.get("supplementary_data") or {}).get("related_ids") or {}
    amount, currency = _money(capture.get("amount"))
    return Report(
        state=state,
        payment_id=_our_id(capture.get("custom_id")),
        gateway_reference=str(related.get("order_id") or _linked(capture, _ORDER_LINK)),
        amount=amount,
        currency=currency,
        detail=detail,
    )


class PayPalGateway(Gateway):
    code = "paypal"
    label = "PayPal"
    credential_names = ("client_id", "client_secret", "webhook_id")
    polls = True
    currencies = CURRENCIES

    @contextmanager
    def _api(self, config: MethodConfig) -> Iterator[httpx.Client]:
        """An httpx client on PayPal's API (or `api_url`) with a new access token."""
        base = (config.credential("api_url") or API).rstrip("/")
        with httpx.Client(base_url=base, timeout=TIMEOUT) as client:
            token = _object(
                client.post(
                    "/v1/oauth2/token",
                    auth=(config.credential("client_id"), config.credential("client_secret")),
                    data={"grant_type": "client_credentials"},
                    headers={"Accept": "application/json"},
                )
            ).get("access_token")
            if not isinstance(token, str) or not token:
                raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
            client.headers["Authorization"] = f"Bearer {token}"
            yield client

    def start(self, payment: Payment, config: MethodConfig) -> Checkout:
        currency = (payment.currency or config.currency).upper()
        amount = payment.gateway_amount if payment.gateway_amount is not None else payment.amount
        order = {
            "intent": "CAPTURE",
            "purchase_units": [
                {
                    "reference_id": str(payment.pk),
                    "custom_id": str(payment.pk),
                    "description": gettext("Add funds: payment %(id)s") % {"id": payment.pk},
                    "amount": {"currency_code": currency, "value": value(amount, currency)},
                }
            ],
            "payment_source": {
                "paypal": {
                    "experience_context": {
                        "return_url": self.return_url(payment),
                        "cancel_url": self.return_url(),
                        "user_action": "PAY_NOW",
                        "shipping_preference": "NO_SHIPPING",
                    }
                }
            },
        }
        # Unique per payment, also across a panel's databases sharing one PayPal account.
        request_id = f"smmpanel-order-{payment.pk}-{int(payment.created_at.timestamp())}"
        with self._api(config) as client:
            created = _object(
                client.post(
                    "/v2/checkout/orders", json=order, headers={"PayPal-Request-Id": request_id}
                )
            )
        links = [link for link in created.get("links") or [] if isinstance(link, dict)]
        url = next(
            (str(link["href"]) for link in links if link.get("rel") in ("payer-action", "approve")),
            "",
        )
        if not url or not created.get("id"):
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        return Checkout(url=url, gateway_reference=str(created["id"]))

    def _capture(self, client: httpx.Client, order: dict[str, Any]) -> Report:
        """The order's report, captured first when its buyer has approved it."""
        if order.get("status") != "APPROVED":
            return order_report(order)
        path = f"/v2/checkout/orders/{quote(str(order.get('id')), safe='')}"
        reply = client.post(
            f"{path}/capture",
            headers={
                "Content-Type": "application/json",
                "PayPal-Request-Id": f"smmpanel-capture-{order.get('id')}",
                "Prefer": "return=representation",
            },
        )
        if reply.status_code == 422:
            issues = [
                str(detail.get("issue"))
                for detail in (_unprocessable(reply).get("details") or [])
                if isinstance(detail, dict)
            ]
            if "ORDER_ALREADY_CAPTURED" in issues:
                return order_report(_object(client.get(path)))
            # INSTRUMENT_DECLINED and the like: the buyer may approve again, with another card.
            return order_report(order, detail=", ".join(issues))
        return order_report(_object(reply))

    def check(self, payment: Payment, config: MethodConfig) -> Report | None:
        if not payment.gateway_reference:
            return None
        with self._api(config) as client:
            reply = client.get(f"/v2/checkout/orders/{quote(payment.gateway_reference, safe='')}")
            if reply.status_code == 404:  # an order never approved is forgotten after a while
                return None
            return self._capture(client, _object(reply))

    def read_notification(self, request: HttpRequest, config: MethodConfig) -> list[Report]:
        fields = {name: request.headers.get(header, "") for name, header in SIGNATURE_HEADERS}
        body = request.body
        try:
            event = json.loads(body.decode("utf-8"))
        except ValueError:
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE) from None
        webhook_id = config.credential("webhook_id")
        if not all(fields.values()) or not webhook_id or not isinstance(event, dict):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        # The event goes back as it came, byte for byte: PayPal verifies what it signed.
        head = json.dumps({**fields, "webhook_id": webhook_id})[:-1]
        verify = f'{head}, "webhook_event": '.encode() + body + b"}"
        try:
            with self._api(config) as client:
                reply = client.post(
                    "/v1/notifications/verify-webhook-signature",
                    content=verify,
                    headers={"Content-Type": "application/json"},
                )
                if reply.is_client_error:  # headers PayPal could not even read
                    raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
                if _object(reply).get("verification_status") != "SUCCESS":
                    raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
                return self._reports(client, event)
        except httpx.HTTPError:
            # PayPal can't be asked just now: refused, and PayPal delivers it again later.
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE) from None

    def _reports(self, client: httpx.Client, event: dict[str, Any]) -> list[Report]:
        kind, resource = str(event.get("event_type")), event.get("resource")
        if not isinstance(resource, dict):
            return []
        if kind == "CHECKOUT.ORDER.APPROVED":
            order_id = str(resource.get("id") or "")
            if not Payment.objects.filter(gateway=self.code, gateway_reference=order_id).exists():
                # Not an order of ours: reported as it is (and refused), never captured.
                return [order_report(resource, detail=kind)]
            return [self._capture(client, resource)]
        if kind in CAPTURE_EVENTS:
            return [capture_report(resource, CAPTURE_EVENTS[kind], kind)]
        if kind in REVERSAL_EVENTS:
            return [self._reversal(client, resource, kind)]
        return []  # an event this endpoint does not act on: taken, nothing to do

    def _reversal(self, client: httpx.Client, refund: dict[str, Any], kind: str) -> Report:
        """A refund or a reversal (chargeback) of a capture, reported against the capture it
        names. Only one of the whole capture reverses the payment; a partial one joins its
        history (as "pending": it changes nothing) for the operator to decide."""
        capture_id = _linked(refund, _CAPTURE_LINK)
        if not capture_id:
            raise PaymentError(PaymentErrorCode.NO_SUCH_PAYMENT)
        capture = _object(client.get(f"/v2/payments/captures/{quote(capture_id, safe='')}"))
        taken, currency = _money(refund.get("amount"))
        paid, _ = _money(capture.get("amount"))
        if capture.get("status") == "REFUNDED" or (taken is not None and taken == paid):
            return capture_report(capture, GatewayState.REFUNDED, kind)
        detail = f"{kind}: {taken} {currency} of {paid}; not reversed"
        return capture_report(capture, GatewayState.PENDING, detail)

    def acknowledge(self, reports: list[Report]) -> HttpResponse:
        return HttpResponse(status=200)


def _unprocessable(reply: httpx.Response) -> dict[str, Any]:
    try:
        data = reply.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
