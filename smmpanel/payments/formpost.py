"""Checkouts that are a form POSTed from the customer's browser (Perfect Money's SCI, Payeer's
merchant form): the gateway has no API that opens a payment, so `start` sends the customer to a
panel page that holds the signed form and submits it by itself (a button when scripts are off).

The page shows only the customer's own waiting payment; a payment decided in the meantime
shows its status instead of a form."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from smmpanel import publicurl
from smmpanel.money import shown
from smmpanel.payments.gateway import Checkout, Gateway, MethodConfig, config_of, gateway_of
from smmpanel.payments.models import Payment


class FormCheckout(Gateway):
    """A gateway whose checkout is a form: `form` says where it goes and what it holds."""

    def form(self, payment: Payment, config: MethodConfig) -> tuple[str, list[tuple[str, str]]]:
        """The form's action URL and its fields, in the order the gateway documents them."""
        raise NotImplementedError

    def start(self, payment: Payment, config: MethodConfig) -> Checkout:
        return Checkout(
            url=publicurl.absolute(reverse("payments:form_checkout", args=[payment.pk]))
        )


@login_required
def checkout(request: HttpRequest, pk: int) -> HttpResponse:
    """The page that sends the customer's browser on to the gateway with the signed form."""
    payment = get_object_or_404(
        Payment.objects.select_related("method"), pk=pk, account__user=request.user
    )
    plugin = gateway_of(payment.method)
    if not isinstance(plugin, FormCheckout) or payment.gateway != plugin.code:
        raise Http404
    action, fields = (
        plugin.form(payment, config_of(payment.method)) if payment.is_pending else ("", [])
    )
    amount = payment.gateway_amount if payment.gateway_amount is not None else payment.amount
    return render(
        request,
        "payments/form_checkout.html",
        {
            "payment": payment,
            "gateway": plugin.label,
            "to_pay": shown(amount, currency=payment.currency or None),
            "action": action,
            "fields": fields,
        },
    )
