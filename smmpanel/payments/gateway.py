"""The interface of a payment plug-in ("gateway"), and the registry of those the panel runs.

A gateway knows one payment service's protocol and nothing of the ledger:
- `start` opens the payment at the gateway (its API: a hosted checkout, an invoice, a QR) and
  says where the customer goes (`Checkout`); None for a method the operator checks by hand;
- `read_notification` verifies a notification exactly as the gateway documents it (signature,
  HMAC, hash) and says what it reports (`Report`s); it raises PaymentError(BAD_SIGNATURE) for
  anything it can not verify;
- `check` asks the gateway's status API about one payment (the worker polls waiting payments,
  so a lost notification does not lose a deposit);
- `acknowledge` is the answer the gateway expects to a notification it sent.
What a report does to the payment and the ledger is decided once, in `settlement.settle`: the
amount, the currency and the payment are checked there against what the panel created.

A method's credentials (keys, secrets) reach the plug-in decrypted in its `MethodConfig`; the
optional credential `api_url` points the plug-in at another base URL (a gateway's sandbox, or
the fakes the tests run). The addresses a gateway is given (`callback_url`, `return_url`) are
absolute and built from the panel's public address (`SMMPANEL_PUBLIC_URL`), never from Host.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from smmpanel import publicurl, sealed
from smmpanel.payments.errors import PaymentError
from smmpanel.payments.models import Payment, PaymentMethod

CREDENTIALS = "payment credentials"


class GatewayState(StrEnum):
    """What a gateway reports about a payment, in the panel's words."""

    PAID = "paid"
    PENDING = "pending"
    FAILED = "failed"
    EXPIRED = "expired"
    # Paid, then refunded or charged back.
    REFUNDED = "refunded"


@dataclass(frozen=True)
class Report:
    """What a verified notification (or a status check) says about one payment. The payment is
    found by our id when the gateway echoes it, else by the gateway's own reference."""

    state: GatewayState
    payment_id: int | None = None
    gateway_reference: str = ""
    amount: Decimal | None = None
    currency: str = ""
    # The gateway's own words (its status name, a transfer's description), plain text.
    detail: str = ""


@dataclass(frozen=True)
class Checkout:
    """Where the customer pays: the gateway's hosted page (`url`), and/or what to show them
    (a transfer reference, a QR payload); the gateway's id for the payment when it gives one."""

    url: str = ""
    gateway_reference: str = ""
    instructions: str = ""
    qr: str = ""


@dataclass(frozen=True)
class MethodConfig:
    """One payment method as its plug-in sees it: decrypted credentials, the currency."""

    method_id: int
    currency: str
    credentials: dict[str, str] = field(default_factory=dict)

    def credential(self, name: str, default: str = "") -> str:
        return self.credentials.get(name, default)


class Gateway:
    code: str = ""
    label: str | Promise = ""
    # Whether the customer types a reference (their bank transfer's) when they pay.
    needs_reference: bool = False
    # The credentials a method of this plug-in needs (`--credential NAME=VALUE`).
    credential_names: tuple[str, ...] = ()
    # Whether `check` can ask the gateway about a payment (the worker then polls).
    polls: bool = False
    # How the gateway sends its notifications (VNPay's IPN is a GET).
    notification_methods: tuple[str, ...] = ("POST",)
    # The currencies the gateway takes; empty: any.
    currencies: tuple[str, ...] = ()

    def enabled(self) -> bool:
        return True

    def start(self, payment: Payment, config: MethodConfig) -> Checkout | None:
        """Open the payment at the gateway; None when the operator checks it by hand. Called
        outside any transaction; a failure raises PaymentError(GATEWAY_UNAVAILABLE)."""
        return None

    def read_notification(self, request: HttpRequest, config: MethodConfig) -> list[Report]:
        """The verified reports of a notification; PaymentError(BAD_SIGNATURE) otherwise."""
        raise NotImplementedError

    def pay_by(self, payment: Payment, config: MethodConfig) -> Checkout | None:
        """What a waiting payment's page shows the customer to pay it when there is no hosted
        page to go back to (a bank transfer's code and amount, a QR code); None: nothing."""
        return None

    def check(self, payment: Payment, config: MethodConfig) -> Report | None:
        """The gateway's current word on `payment`, from its status API; None without one."""
        return None

    def acknowledge(self, reports: list[Report]) -> HttpResponse:
        """The answer the gateway expects to a notification that was taken."""
        return HttpResponse("OK", content_type="text/plain")

    def refusal(self, error: PaymentError) -> HttpResponse | None:
        """The body of the answer to a notification refused with `error` (the view sets its
        4xx status), for a gateway whose protocol encodes refusals (VNPay's RspCode); None:
        the error's message as plain text."""
        return None

    def callback_url(self, config: MethodConfig | None = None) -> str:
        """Where the gateway sends its notifications (its server calls it): one address per
        method, so that each method's own credentials verify them."""
        if config is None:
            return publicurl.absolute(reverse("payments:callback", args=[self.code]))
        return publicurl.absolute(
            reverse("payments:method_callback", args=[self.code, config.method_id])
        )

    def return_url(self, payment: Payment | None = None) -> str:
        """Where the gateway sends the customer back after the checkout: the page that follows
        the payment until it is credited."""
        if payment is None:
            return publicurl.absolute(reverse("panel:funds"))
        return publicurl.absolute(reverse("panel:payment", args=[payment.pk]))


@cache
def gateways() -> dict[str, Gateway]:
    """The plug-ins listed in `settings.PAYMENT_GATEWAYS` (dotted paths of Gateway classes)."""
    loaded = (import_string(path)() for path in settings.PAYMENT_GATEWAYS)
    return {gateway.code: gateway for gateway in loaded}


def gateway_of(method: PaymentMethod) -> Gateway | None:
    gateway = gateways().get(method.gateway)
    return gateway if gateway is not None and gateway.enabled() else None


def config_of(method: PaymentMethod) -> MethodConfig:
    """The method's plug-in view: its credentials decrypted (ValueError when SECRET_KEY changed
    since they were stored), its currency (the panel's when it has none of its own)."""
    credentials = (
        json.loads(sealed.unseal(method.credentials, purpose=CREDENTIALS))
        if method.credentials
        else {}
    )
    return MethodConfig(
        method_id=method.pk,
        currency=method.currency or settings.CURRENCY,
        credentials=credentials,
    )


def seal_credentials(credentials: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The credentials encrypted for storage, and the hints shown back to operators."""
    if not credentials:
        return "", {}
    token = sealed.seal(json.dumps(credentials, sort_keys=True), purpose=CREDENTIALS)
    return token, {name: sealed.hint(value) for name, value in sorted(credentials.items())}


def available_methods() -> list[PaymentMethod]:
    """The active methods whose plug-in is installed and enabled, in the operator's order."""
    return [m for m in PaymentMethod.objects.filter(active=True) if gateway_of(m) is not None]
