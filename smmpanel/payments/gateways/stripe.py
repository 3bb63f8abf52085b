"""Stripe: a hosted Checkout Session, its signed webhook events, the session as status API.

Follows Stripe's documentation (API version pinned by the `stripe` SDK this panel installs):
- creating the payment: "Create a Checkout Session" (https://docs.stripe.com/api/checkout/
  sessions/create): `mode=payment`, one line item with `price_data` (currency, `unit_amount`,
  `product_data.name`), `success_url`, `cancel_url`, `client_reference_id` and
  `metadata[payment_id]` = our payment, `expires_at`; the customer goes to the session's `url`;
- amounts: "Supported currencies", sections "Minor units in API amounts", "Zero-decimal
  currencies" and "Three-decimal currencies" (https://docs.stripe.com/currencies);
- the notification: "Receive Stripe events in your webhook endpoint", section "Verify webhook
  signatures manually" (https://docs.stripe.com/webhooks#verify-manually): the `Stripe-Signature`
  header `t=<timestamp>,v1=<signature>`, HMAC-SHA256 of `<timestamp>.<raw body>` keyed with the
  endpoint's signing secret (`whsec_…`), any `v1` may match, the timestamp within a tolerance
  (300 s, the SDK's default) against replays; verified by the SDK's `WebhookSignature`;
- the events: "Fulfill orders" (https://docs.stripe.com/checkout/fulfillment):
  `checkout.session.completed` (paid when `payment_status` is `paid`, else an asynchronous
  payment method still pending), `checkout.session.async_payment_succeeded` / `_failed`,
  `checkout.session.expired`; refunds and chargebacks: `charge.refunded` (the Charge: `refunded`
  is true when refunded in full) and `charge.dispute.created` (the Dispute: `amount`,
  `payment_intent`), traced back to their session by "List all Checkout Sessions" filtered by
  `payment_intent` (https://docs.stripe.com/api/checkout/sessions/list);
- the status API: "Retrieve a Checkout Session" (https://docs.stripe.com/api/checkout/sessions/
  retrieve): `status` open / complete / expired and `payment_status` paid / unpaid;
- the acknowledgement: any 2xx, quickly ("Quickly return a 2xx response", same webhook page).

The calls go through the official SDK (`StripeClient`, its default `requests` client, 15 s
timeout); the credential `api_url` becomes its `api` base address (Stripe's is the default).
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any

import stripe
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from stripe.params.checkout import SessionCreateParams

from smmpanel.inputs import parse_id
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import Checkout, Gateway, GatewayState, MethodConfig, Report
from smmpanel.payments.models import Payment

TIMEOUT = 15
# The SDK's default: a signed event older than this is refused (a replayed capture).
TOLERANCE = stripe.Webhook.DEFAULT_TOLERANCE
# https://docs.stripe.com/currencies#zero-decimal and #three-decimal
ZERO_DECIMAL = frozenset(
    "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split()  # noqa: SIM905
)
THREE_DECIMAL = frozenset("BHD JOD KWD OMR TND".split())  # noqa: SIM905
# A Checkout Session expires 30 minutes to 24 hours after it is created.
SESSION_MIN, SESSION_MAX = timedelta(minutes=31), timedelta(hours=23, minutes=59)


def exponent(currency: str) -> int:
    code = currency.upper()
    return 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2


def minor_units(amount: Decimal, currency: str) -> int:
    """`amount` in the currency's smallest unit as Stripe counts it; ValueError when Stripe
    can't charge it exactly (a fraction of a zero-decimal unit, a three-decimal amount whose
    last digit is not 0)."""
    units = amount.scaleb(exponent(currency))
    if units != units.to_integral_value() or (
        currency.upper() in THREE_DECIMAL and units % 10 != 0
    ):
        raise ValueError(f"Stripe can't charge {amount} {currency} exactly")
    return int(units)


def major_units(units: Any, currency: str) -> Decimal | None:
    if not isinstance(units, int) or isinstance(units, bool):
        return None
    return Decimal(units).scaleb(-exponent(currency))


def _payment_id(session: dict[str, Any]) -> int | None:
    raw = str((session.get("metadata") or {}).get("payment_id") or "")
    raw = raw or str(session.get("client_reference_id") or "")
    return parse_id(raw) if raw.isascii() and raw.isdigit() else None


def _session_report(session: dict[str, Any], state: GatewayState, detail: str = "") -> Report:
    currency = str(session.get("currency") or "").upper()
    return Report(
        state=state,
        payment_id=_payment_id(session),
        gateway_reference=str(session.get("id") or ""),
        amount=major_units(session.get("amount_total"), currency),
        currency=currency,
        detail=detail or f"{session.get('status')}/{session.get('payment_status')}",
    )


def session_state(session: dict[str, Any]) -> GatewayState:
    """What a Checkout Session says about its payment."""
    if session.get("payment_status") == "paid":
        return GatewayState.PAID
    if session.get("status") == "expired":
        return GatewayState.EXPIRED
    # open, or complete with an asynchronous payment method (a bank debit) not settled yet
    return GatewayState.PENDING


class StripeGateway(Gateway):
    code = "stripe"
    label = "Stripe"
    credential_names = ("secret_key", "webhook_secret")
    polls = True

    @contextmanager
    def _client(self, config: MethodConfig) -> Iterator[stripe.StripeClient]:
        http = stripe.RequestsClient(timeout=TIMEOUT)
        api_url = config.credential("api_url")
        try:
            yield stripe.StripeClient(
                config.credential("secret_key"),
                base_addresses={"api": api_url} if api_url else None,
                http_client=http,
                max_network_retries=1,
            )
        except stripe.StripeError as error:
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE) from error
        finally:
            http.close()

    def start(self, payment: Payment, config: MethodConfig) -> Checkout:
        currency = payment.currency or config.currency
        amount = payment.gateway_amount if payment.gateway_amount is not None else payment.amount
        params: SessionCreateParams = {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": minor_units(amount, currency),
                        "product_data": {
                            "name": gettext("Add funds: payment %(id)s") % {"id": payment.pk}
                        },
                    },
                    "quantity": 1,
                }
            ],
            "client_reference_id": str(payment.pk),
            "metadata": {"payment_id": str(payment.pk)},
            # The PaymentIntent carries our id too: the dashboard shows it on a refund.
            "payment_intent_data": {"metadata": {"payment_id": str(payment.pk)}},
            "success_url": self.return_url(payment),
            "cancel_url": self.return_url(),
        }
        if payment.expires_at:  # the session closes with the payment (Stripe allows 24 h)
            now = timezone.now()
            closes = min(payment.expires_at, now + SESSION_MAX)
            if closes >= now + SESSION_MIN:
                params["expires_at"] = int(closes.timestamp())
        with self._client(config) as client:
            session = client.v1.checkout.sessions.create(params).to_dict()
        if not session.get("url") or not session.get("id"):
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        return Checkout(url=session["url"], gateway_reference=session["id"])

    def check(self, payment: Payment, config: MethodConfig) -> Report | None:
        if not payment.gateway_reference:
            return None
        with self._client(config) as client:
            session = client.v1.checkout.sessions.retrieve(payment.gateway_reference).to_dict()
        return _session_report(session, session_state(session))

    def read_notification(self, request: HttpRequest, config: MethodConfig) -> list[Report]:
        payload = request.body
        try:
            stripe.WebhookSignature.verify_header(
                payload,
                request.headers.get("Stripe-Signature", ""),
                config.credential("webhook_secret"),
                TOLERANCE,
            )
            event = json.loads(payload)
            kind, found = event["type"], event["data"]["object"]
        except (stripe.SignatureVerificationError, ValueError, KeyError, TypeError):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE) from None
        if not isinstance(found, dict):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        if kind == "checkout.session.completed":
            return [_session_report(found, session_state(found), kind)]
        if kind == "checkout.session.async_payment_succeeded":
            return [_session_report(found, GatewayState.PAID, kind)]
        if kind == "checkout.session.async_payment_failed":
            return [_session_report(found, GatewayState.FAILED, kind)]
        if kind == "checkout.session.expired":
            return [_session_report(found, GatewayState.EXPIRED, kind)]
        if kind == "charge.refunded":
            return [self._reversal(config, found, kind, whole=found.get("refunded") is True)]
        if kind == "charge.dispute.created":
            return [self._reversal(config, found, kind, whole=None)]
        return []  # an event this endpoint does not act on: taken, nothing to do

    def _reversal(
        self, config: MethodConfig, found: dict[str, Any], kind: str, whole: bool | None
    ) -> Report:
        """A refund or a dispute of a charge, reported against the session it paid. Only a
        reversal of the whole amount reverses the payment; a partial one joins its history
        (as "pending": it changes nothing) for the operator to decide."""
        intent = found.get("payment_intent")
        if not isinstance(intent, str) or not intent:
            raise PaymentError(PaymentErrorCode.NO_SUCH_PAYMENT)
        with self._client(config) as client:
            listed = client.v1.checkout.sessions.list({"payment_intent": intent, "limit": 1})
            sessions = listed.to_dict().get("data") or []
        if not sessions:
            raise PaymentError(PaymentErrorCode.NO_SUCH_PAYMENT)
        session = sessions[0]
        currency = str(found.get("currency") or "").upper()
        amount = major_units(found.get("amount"), currency)
        if whole is None:  # a dispute: of the whole charge?
            whole = found.get("amount") == session.get("amount_total")
        if whole:
            return _session_report(session, GatewayState.REFUNDED, kind)
        taken = found.get("amount_refunded", found.get("amount"))
        detail = f"{kind}: {major_units(taken, currency)} {currency} of {amount}; not reversed"
        return _session_report(session, GatewayState.PENDING, detail)

    def acknowledge(self, reports: list[Report]) -> HttpResponse:
        return HttpResponse(status=200)
