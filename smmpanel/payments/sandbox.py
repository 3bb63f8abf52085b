"""A sandbox gateway that runs inside the panel, for tests and demos: no real money moves.

It behaves like a hosted-checkout gateway: the customer is sent to its checkout page, chooses
"pay" or "decline", and the gateway notifies the panel's callback URL with the outcome signed by
an HMAC-SHA256 over `payment|amount|outcome` with the shared secret. The panel trusts only a
notification whose signature verifies. Enabled by `SMMPANEL_PAYMENT_SANDBOX`, off by default.
"""

import hashlib
import hmac
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from smmpanel import publicurl
from smmpanel.inputs import parse_id
from smmpanel.money import format_amount
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import (
    Checkout,
    Gateway,
    GatewayState,
    MethodConfig,
    Report,
    gateway_of,
)
from smmpanel.payments.models import Payment

PAID, DECLINED = "paid", "declined"


def _secret() -> bytes:
    return settings.PAYMENT_SANDBOX_SECRET.encode()


def sign(payment_id: int, amount: str, outcome: str) -> str:
    message = f"{payment_id}|{amount}|{outcome}".encode()
    return hmac.new(_secret(), message, hashlib.sha256).hexdigest()


def plain_amount(payment: Payment) -> str:
    """What the customer pays, as the sandbox's page shows and signs it."""
    amount = payment.gateway_amount if payment.gateway_amount is not None else payment.amount
    return format_amount(amount, payment.currency or settings.CURRENCY)


class SandboxGateway(Gateway):
    code = "sandbox"
    label = _("Sandbox gateway (test payments, no real money)")

    def enabled(self) -> bool:
        return bool(settings.PAYMENT_SANDBOX)

    def start(self, payment: Payment, config: MethodConfig) -> Checkout:
        url = publicurl.absolute(reverse("payments:sandbox_checkout", args=[payment.pk]))
        return Checkout(url=url, gateway_reference=f"sandbox-{payment.pk}")

    def read_notification(self, request: HttpRequest, config: MethodConfig) -> list[Report]:
        data = request.POST
        raw_id, amount = data.get("payment", ""), data.get("amount", "")
        outcome, signature = data.get("outcome", ""), data.get("signature", "")
        payment_id = parse_id(raw_id) if raw_id.isascii() and raw_id.isdigit() else None
        if payment_id is None or outcome not in (PAID, DECLINED):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        expected = sign(payment_id, amount, outcome)
        if not hmac.compare_digest(expected, signature):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        try:
            paid = Decimal(amount)
        except InvalidOperation:
            raise PaymentError(PaymentErrorCode.AMOUNT_MISMATCH) from None
        return [
            Report(
                state=GatewayState.PAID if outcome == PAID else GatewayState.FAILED,
                payment_id=payment_id,
                gateway_reference=f"sandbox-{raw_id}",
                amount=paid,
                currency=config.currency,
            )
        ]


@login_required
def checkout(request: HttpRequest, pk: int) -> HttpResponse:
    """The gateway's hosted page (a stand-in for the gateway's own site)."""
    payment = get_object_or_404(
        Payment.objects.select_related("method"), pk=pk, account__user=request.user
    )
    if gateway_of(payment.method) is None or payment.method.gateway != SandboxGateway.code:
        raise Http404
    amount = plain_amount(payment)
    outcomes = [
        (outcome, sign(payment.pk, amount, outcome), label)
        for outcome, label in ((PAID, _("Pay")), (DECLINED, _("Decline")))
    ]
    return render(
        request,
        "payments/sandbox_checkout.html",
        {
            "payment": payment,
            "amount": amount,
            "outcomes": outcomes,
            "callback": SandboxGateway().callback_url(),
        },
    )
