"""The interface of a payment plug-in ("gateway"), and the registry of those the panel runs.

A gateway says how a customer pays (`checkout_url`: where to send them once the payment row
exists, or None when they pay by hand and the operator checks) and how to read the gateway's
notification (`read_callback`, which must verify its signature). It never moves money itself:
the callback view calls `operations.approve_payment` / `reject_payment`.

The addresses a gateway is given (`callback_url`, `return_url`) are absolute and built from the
panel's public address (`SMMPANEL_PUBLIC_URL`), never from the request's Host header.
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from smmpanel import publicurl
from smmpanel.payments.models import Payment, PaymentMethod


@dataclass(frozen=True)
class Notification:
    """What a verified gateway notification says about one payment."""

    payment_id: int
    paid: bool
    amount: str
    reference: str = ""


class Gateway:
    code: str = ""
    label: str | Promise = ""
    # Whether the customer types a reference (their bank transfer's) when they pay.
    needs_reference: bool = False

    def enabled(self) -> bool:
        return True

    def checkout_url(self, payment: Payment) -> str | None:
        """Where the customer completes the payment; None when the operator checks it by hand."""
        return None

    def read_callback(self, request: HttpRequest) -> Notification:
        """The verified notification; PaymentError(BAD_SIGNATURE) when it is not genuine."""
        raise NotImplementedError

    def callback_url(self) -> str:
        """Where the gateway sends its notifications (its server calls it)."""
        return publicurl.absolute(reverse("payments:callback", args=[self.code]))

    def return_url(self) -> str:
        """Where the gateway sends the customer back after the checkout."""
        return publicurl.absolute(reverse("panel:funds"))


@cache
def gateways() -> dict[str, Gateway]:
    """The plug-ins listed in `settings.PAYMENT_GATEWAYS` (dotted paths of Gateway classes)."""
    loaded = (import_string(path)() for path in settings.PAYMENT_GATEWAYS)
    return {gateway.code: gateway for gateway in loaded}


def gateway_of(method: PaymentMethod) -> Gateway | None:
    gateway = gateways().get(method.gateway)
    return gateway if gateway is not None and gateway.enabled() else None


def available_methods() -> list[PaymentMethod]:
    """The active methods whose plug-in is installed and enabled, in the operator's order."""
    return [m for m in PaymentMethod.objects.filter(active=True) if gateway_of(m) is not None]
